// Private to the storefront: the small parsers and encoders its pages need — urlencoded
// forms and query strings, cookies, URL slugs, and JSON that is safe inside <script>.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fondaco/api/http.h"

namespace fondaco::storefront {

using FormFields = std::map<std::string, std::string, std::less<>>;

// Parses application/x-www-form-urlencoded text (also a query string). nullopt on a bad
// %-escape, invalid UTF-8 or a repeated field (a form never repeats ours).
std::optional<FormFields> parse_form(std::string_view text);
std::string url_encode(std::string_view s);
// A positive decimal id of at most 18 digits ("42"); nullopt for anything else.
std::optional<std::int64_t> parse_id(std::string_view s);
// The value of cookie `name` in the request, or empty.
std::string_view request_cookie(const api::Request& req, std::string_view name);
// An ASCII slug: lower-case letters and digits (accented Latin-1 letters lose their
// accent: "Caffè" → "caffe"); every other run of bytes (punctuation,
// spaces, non-ASCII letters) becomes one -. "Tea & Coffee 2" → "tea-coffee-2".
std::string slugify(std::string_view s);
// JSON text made safe to embed in <script>: '<', '>', '&' become \u003c, \u003e, \u0026
// (only legal inside JSON strings, where the escapes mean the same characters).
std::string script_safe_json(std::string_view json);
// The path part of a request target ("/it/p/x?y=1" → "/it/p/x") and the query part.
std::string_view target_path(std::string_view target);
std::string_view target_query(std::string_view target);

}  // namespace fondaco::storefront
