// Private to the storefront: page rendering. The mustache templates (kainjow, Debian's
// libkainjow-mustache-dev) are parsed once when the Renderer is built; {{x}} HTML-escapes
// every value, and no template uses the unescaped {{{x}}} form. A page is head + (JSON-LD)
// + top + body + bottom; the JSON-LD is written by RapidJSON and made script-safe
// (form.h), never passed through a template. Texts are Italian or English.
// Thread-safety: a Renderer is immutable after construction; render from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <kainjow/mustache.hpp>
#include <string>
#include <vector>

#include "shop_data.h"
#include "templates.h"

namespace fondaco::storefront {

namespace mu = kainjow::mustache;

enum class Lang { it, en };
std::string_view lang_code(Lang l);

struct PageMeta {
  std::string title;
  std::string description;
  std::string path;  // this page's path ("/it/p/x"), for the canonical URL and language switch
  bool canonical = true;
  bool noindex = false;
  std::string jsonld;  // raw JSON (made script-safe here); empty for none
  std::string query;   // the search box's value
  std::string notice, error;
  std::int64_t cart_count = 0;
  bool script = false;  // load /assets/shop.js (the shop's script is built and served)
};

class Renderer {
 public:
  Renderer();  // throws std::logic_error when a compiled-in template does not parse (a bug)
  // The whole HTML page. `base_url` is "http://host:port" (canonical URLs).
  std::string page(Lang lang, const PageMeta& meta, Template body, mu::data body_data,
                   const Listing& listing, const std::string& base_url) const;
  // A translated text ("add_to_cart").
  const std::string& text(Lang lang, std::string_view key) const;
  std::string money(Lang lang, std::int64_t minor, std::string_view currency) const;

 private:
  mu::data chrome(Lang lang, const PageMeta& meta, const Listing& listing,
                  const std::string& base_url) const;
  // kainjow's render() is not const, but with no partials and no lambdas (none of ours has
  // any) it only walks the parsed tree and keeps its state in a per-call context, so one
  // parsed template serves concurrent renders.
  mutable std::vector<mu::mustache> templates_;
  std::array<mu::data, 2> texts_;
  std::array<std::map<std::string, std::string, std::less<>>, 2> strings_;
};

}  // namespace fondaco::storefront
