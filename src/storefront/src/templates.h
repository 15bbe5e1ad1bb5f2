// Private to the storefront: the page templates and the stylesheet compiled into the
// binary (src/storefront/templates/, see module.cmake). Thread-safety: immutable data.
#pragma once

#include <string_view>

namespace fondaco::storefront {

enum class Template {
  head,
  top,
  bottom,
  listing,
  product,
  cart,
  checkout,
  order,
  lookup,
  notfound,
  account
};
inline constexpr Template kAllTemplates[] = {
    Template::head,    Template::top,      Template::bottom,   Template::listing,
    Template::product, Template::cart,     Template::checkout, Template::order,
    Template::lookup,  Template::notfound, Template::account};

std::string_view template_text(Template t);
std::string_view stylesheet();

}  // namespace fondaco::storefront
