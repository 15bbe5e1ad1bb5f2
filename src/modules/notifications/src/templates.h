// The compiled-in mustache templates, one set (subject, text, html body) per kind and
// locale, plus the HTML layout that wraps every body. Private to the module.
// Thread-safety: constants.
#pragma once

#include <string_view>

#include "fondaco/notifications/notifications.h"

namespace fondaco::notifications::detail {

struct Texts {
  std::string_view subject;  // rendered without escaping; data has no control characters
  std::string_view text;     // rendered without escaping
  std::string_view html;     // the body inside the layout; {{x}} is HTML-escaped
};

const Texts& texts(Kind kind, Locale locale);
// {{{content}}} is the rendered body (already escaped); {{subject}}, {{lang}}, {{shop_name}}.
std::string_view html_layout();

}  // namespace fondaco::notifications::detail
