// Routing, sessions and the browsing pages (home, categories, product, search, sitemap).
#include "fondaco/storefront/storefront.h"

#include <spdlog/spdlog.h>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "fondaco/platform/system.h"
#include "shop.h"

namespace fondaco::storefront {
namespace {

using api::Request;
using api::Response;

constexpr std::string_view kPlaceholderSvg =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"640\" viewBox=\"0 0 640 "
    "640\"><rect width=\"640\" height=\"640\" fill=\"#eeeeee\"/><path d=\"M220 400l80-100 60 "
    "70 40-40 80 70z\" fill=\"#b0b0b0\"/></svg>";
constexpr std::string_view kPlaceholder = "/assets/placeholder.svg";
constexpr std::string_view kPageCsp =
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'; "
    "object-src 'none'";

bool passes_through(std::string_view path) {
  return path.starts_with("/api/") || path == "/api" || path.starts_with("/admin") ||
         path == "/healthz" || path == "/readyz" || path == "/metrics";
}

bool is_secret(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Origin for absolute URLs: the configured one, else the Host header when it looks like one.
std::string base_url(const StorefrontOptions& o, const Request& req) {
  if (!o.base_url.empty()) return o.base_url;
  const auto host = req.header("Host");
  if (host.empty() || host.size() > 255) return "";
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
          c == '[' || c == ']'))
      return "";
  return "http://" + std::string(host);
}

// robots.txt and sitemap.xml hold absolute URLs; when they come from the request's Host
// header (no base_url configured) a shared cache must not keep them for other clients.
Response text_response(std::string type, std::string body, bool host_derived) {
  Response r;
  r.set_header("Content-Type", std::move(type));
  r.set_header("Cache-Control", host_derived ? "private, max-age=300" : "public, max-age=300");
  r.body = std::move(body);
  return r;
}

mu::data product_card(Shop& shop, Lang lang, const ProductSummary& p) {
  mu::data c;
  c.set("url", "/" + std::string(lang_code(lang)) + "/p/" + p.handle);
  c.set("title", p.title);
  c.set("image", std::string(kPlaceholder));
  c.set("price", p.price_minor ? shop.renderer.money(lang, *p.price_minor, p.currency)
                               : shop.renderer.text(lang, "not_for_sale"));
  return c;
}

template <typename Pred>
mu::data listing_data(Shop& shop, Lang lang, const Listing& l, std::string heading, std::size_t max,
                      Pred&& keep) {
  mu::data d;
  d.set("heading", std::move(heading));
  mu::data items{mu::data::type::list};
  std::size_t n = 0;
  for (const auto& p : l.products) {
    if (n >= max) break;
    if (!keep(p)) continue;
    items.push_back(product_card(shop, lang, p));
    ++n;
  }
  d.set("products", items);
  d.set("has_products", n > 0);
  d.set("empty", shop.renderer.text(lang, "no_products"));
  return d;
}

Response home(Shop& shop, Visit& v, const Listing& l) {
  auto meta = page_meta(shop, v, shop.renderer.text(v.lang, "new_products"));
  auto d = listing_data(shop, v.lang, l, shop.renderer.text(v.lang, "new_products"),
                        limits::kHomeProducts, [](const ProductSummary&) { return true; });
  return render(shop, v, 200, meta, Template::listing, std::move(d));
}

Response category(Shop& shop, Visit& v, const Listing& l, std::string_view slug) {
  const Category* cat = nullptr;
  for (const auto& c : l.categories)
    if (c.slug == slug) cat = &c;
  if (!cat) return not_found(shop, v);
  auto meta = page_meta(shop, v, cat->name);
  auto d = listing_data(shop, v.lang, l, cat->name, limits::kCategoryProducts,
                        [&](const ProductSummary& p) { return p.category_slug == slug; });
  return render(shop, v, 200, meta, Template::listing, std::move(d));
}

Response search(Shop& shop, Visit& v, const Listing& l) {
  const auto qit = v.query.find("q");
  const std::string q = qit == v.query.end() ? "" : qit->second;
  const bool too_long = q.size() > limits::kSearchMaxQueryChars;
  const std::string key = too_long ? std::string() : ascii_lower(q);
  auto meta = page_meta(shop, v, shop.renderer.text(v.lang, "search_results") + " “" + q + "”");
  meta.canonical = false;
  meta.noindex = true;
  meta.query = q;
  if (too_long) meta.error = shop.renderer.text(v.lang, "too_long");
  auto d = listing_data(shop, v.lang, l, meta.title, limits::kSearchMaxResults,
                        [&](const ProductSummary& p) {
                          return !key.empty() && p.search_key.find(key) != std::string::npos;
                        });
  d.set("empty", shop.renderer.text(v.lang, "no_results"));
  return render(shop, v, too_long ? 422 : 200, meta, Template::listing, std::move(d));
}

// "12.50" from 1250 minor units (every currency the shop sells in has two decimals).
std::string decimal_price(std::int64_t minor) {
  const std::int64_t cents = minor % 100;
  return std::to_string(minor / 100) + (cents < 10 ? ".0" : ".") + std::to_string(cents);
}

std::string product_jsonld(const ProductView& p, const std::string& url, const std::string& image) {
  json::Writer w;
  w.begin_object().kv("@context", "https://schema.org").kv("@type", "Product");
  w.kv("name", p.title).kv("description", p.description).kv("url", url).kv("image", image);
  if (!p.variants.empty()) w.kv("sku", p.variants.front().sku);
  if (!p.brand.empty())
    w.key("brand").begin_object().kv("@type", "Brand").kv("name", p.brand).end_object();
  w.key("offers").begin_array();
  for (const auto& v : p.variants) {
    if (!v.price_minor) continue;
    w.begin_object().kv("@type", "Offer").kv("sku", v.sku).kv("url", url);
    w.kv("price", decimal_price(*v.price_minor)).kv("priceCurrency", v.currency);
    w.kv("availability",
         v.available > 0 ? "https://schema.org/InStock" : "https://schema.org/OutOfStock");
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::string availability_text(Shop& shop, Lang lang, const VariantView& v) {
  if (!v.price_minor) return shop.renderer.text(lang, "not_for_sale");
  if (v.available <= 0) return shop.renderer.text(lang, "out_of_stock");
  return shop.renderer.text(lang, v.available <= 3 ? "few_left" : "in_stock");
}

mu::data product_data(Shop& shop, Visit& v, const ProductView& p, std::string csrf) {
  mu::data d;
  d.set("title", p.title);
  d.set("brand", p.brand);
  d.set("description", p.description);
  d.set("image", std::string(kPlaceholder));
  d.set("csrf", std::move(csrf));
  d.set("path", v.path);
  const VariantView* first = nullptr;  // the first one that can be bought, else the first
  for (const auto& var : p.variants)
    if (!first || (first->available <= 0 && var.available > 0 && var.price_minor)) first = &var;
  mu::data vars{mu::data::type::list};
  int i = 0;
  for (const auto& var : p.variants) {
    mu::data x;
    x.set("index", std::to_string(i++));
    x.set("sku", var.sku);
    x.set("label", var.label.empty() ? var.sku : var.label);
    x.set("price", var.price_minor ? shop.renderer.money(v.lang, *var.price_minor, var.currency)
                                   : shop.renderer.text(v.lang, "not_for_sale"));
    x.set("availability", availability_text(shop, v.lang, var));
    x.set("in_stock", var.available > 0 && var.price_minor.has_value());
    x.set("checked", &var == first);
    vars.push_back(x);
  }
  d.set("variants", vars);
  d.set("multiple", p.variants.size() > 1);
  if (first) {
    d.set("first_sku", first->sku);
    d.set("price", first->price_minor
                       ? shop.renderer.money(v.lang, *first->price_minor, first->currency)
                       : shop.renderer.text(v.lang, "not_for_sale"));
    d.set("availability", availability_text(shop, v.lang, *first));
    d.set("availability_class", first->available > 0 ? "in-stock" : "out-of-stock");
  }
  d.set("buyable", first && first->available > 0 && first->price_minor.has_value());
  return d;
}

void set_product_meta(PageMeta& meta, const Visit& v, const ProductView& view) {
  meta.title = view.seo_title.empty() ? view.title : view.seo_title;
  meta.description = view.seo_description;
  meta.jsonld = product_jsonld(view, v.base_url + v.path, v.base_url + std::string(kPlaceholder));
}

// The page as every visitor of this (product, language, origin) sees it, rendered with the
// hole marks in place of the CSRF token and, in with_cart, of the cart count. Nothing else
// of the visit goes in: the notice of ?m= is per visit, so such requests are not cached.
std::shared_ptr<const RenderedPage> render_product(Shop& shop, Visit& v,
                                                   std::shared_ptr<const Listing> listing,
                                                   std::shared_ptr<const ProductView> view) {
  const auto& marks = shop.data.hole_marks();
  PageMeta meta;
  meta.path = v.path;
  meta.script = !shop.options.script.empty();
  set_product_meta(meta, v, *view);
  auto page = std::make_shared<RenderedPage>();
  auto html_with = [&](std::int64_t cart_count) {
    meta.cart_count = cart_count;
    return cut_holes(shop.renderer.page(v.lang, meta, Template::product,
                                        product_data(shop, v, *view,
                                                     marks[static_cast<int>(Hole::csrf)]),
                                        *listing,
                                        v.base_url),
                     marks);
  };
  page->no_cart = html_with(0);
  page->with_cart = html_with(std::stoll(marks[static_cast<int>(Hole::cart_count)]));
  page->listing = std::move(listing);
  page->view = std::move(view);
  return page;
}

// Served from the rendered-page cache: per request only the visitor's CSRF token and cart
// count are spliced in (the cookie, if new, is set by serve()).
Response product(Shop& shop, Visit& v, const std::shared_ptr<const Listing>& listing,
                 std::string_view handle) {
  auto p = shop.data.product(handle);
  if (!p) return server_error(p.error());
  if (!*p) return not_found(shop, v);
  if (v.query.contains("m")) {
    auto meta = page_meta(shop, v, "");
    set_product_meta(meta, v, **p);
    return render(shop, v, 200, meta, Template::product, product_data(shop, v, **p, v.csrf()));
  }
  // The path is "/<lang>/p/<handle>", so language, origin and handle make the whole key.
  const std::string key = std::string(lang_code(v.lang)) + " " + v.base_url + " " +
                          std::string(handle);
  auto page = shop.data.page(key, listing.get(), p->get());
  if (!page) {
    page = render_product(shop, v, listing, *p);
    shop.data.keep_page(key, page);
  }
  const std::int64_t cart_count = page_meta(shop, v, "").cart_count;
  const PageTemplate& t = cart_count > 0 ? page->with_cart : page->no_cart;
  return html(200, t.fill(v.csrf(), std::to_string(cart_count)));
}

Response sitemap(const Listing& l, const std::string& base, bool host_derived) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  auto url = [&](const std::string& path, std::optional<std::int64_t> at) {
    // Handles and slugs are [a-z0-9-]: nothing here needs XML escaping.
    out += "<url><loc>" + base + path + "</loc>";
    if (at) out += "<lastmod>" + format_rfc3339_ms(*at).substr(0, 10) + "</lastmod>";
    out += "</url>\n";
  };
  for (const char* lang : {"it", "en"}) {
    url(std::string("/") + lang + "/", std::nullopt);
    for (const auto& c : l.categories) url(std::string("/") + lang + "/c/" + c.slug, std::nullopt);
    for (const auto& p : l.products)
      url(std::string("/") + lang + "/p/" + url_encode(p.handle), p.updated_at);
  }
  out += "</urlset>\n";
  return text_response("application/xml; charset=utf-8", std::move(out), host_derived);
}

Response robots(const std::string& base, bool host_derived) {
  return text_response("text/plain; charset=utf-8",
                       "User-agent: *\nDisallow: /api/\nDisallow: /admin\nDisallow: /it/cart\n"
                       "Disallow: /en/cart\nDisallow: /it/checkout\nDisallow: /en/checkout\n"
                       "Disallow: /it/order/\nDisallow: /en/order/\nDisallow: /it/account\n"
                       "Disallow: /en/account\nSitemap: " +
                           base + "/sitemap.xml\n",
                       host_derived);
}

Lang preferred_lang(const Request& req) {
  const auto accept = ascii_lower(req.header("Accept-Language"));
  const auto en = accept.find("en"), it = accept.find("it");
  return en != std::string::npos && (it == std::string::npos || en < it) ? Lang::en : Lang::it;
}

Response route_get(Shop& shop, Visit& v, std::string_view rest) {
  auto listing = shop.data.listing();
  if (!listing) return server_error(listing.error());
  const Listing& l = **listing;
  if (rest == "/") return home(shop, v, l);
  if (rest.starts_with("/c/")) return category(shop, v, l, rest.substr(3));
  if (rest.starts_with("/p/")) return product(shop, v, *listing, rest.substr(3));
  if (rest == "/search") return search(shop, v, l);
  if (rest == "/cart") return cart_page(shop, v);
  if (rest == "/checkout") return checkout_page(shop, v);
  if (rest == "/orders/lookup") return lookup_page(shop, v);
  if (rest.starts_with("/order/")) return order_page(shop, v, rest.substr(7));
  if (rest == "/account") return account_page(shop, v);
  if (rest == "/account/sign-in") return sign_in_redeem(shop, v);
  return not_found(shop, v);
}

Response route_post(Shop& shop, Visit& v, std::string_view rest) {
  if (v.req.body.size() > limits::kShopFormBytes) return html(413, "Payload too large");
  auto form = parse_form(v.req.body);
  if (!form) return html(400, "Bad form");
  // CSRF: the form must carry the token derived from this browser's own cookie.
  const auto token = form->find("csrf");
  if (v.new_cookie || token == form->end() ||
      !platform::constant_time_equal(token->second, v.csrf())) {
    auto meta = page_meta(shop, v, shop.renderer.text(v.lang, "session_expired"));
    meta.error = meta.title;
    meta.noindex = true;
    meta.canonical = false;
    return render(shop, v, 403, meta, Template::notfound, mu::data{});
  }
  if (rest == "/cart/add") return cart_change(shop, v, *form, true);
  if (rest == "/cart/update") return cart_change(shop, v, *form, false);
  if (rest == "/checkout") return checkout_post(shop, v, *form);
  if (rest == "/orders/lookup") return lookup_post(shop, v, *form);
  if (rest == "/account/sign-in") return sign_in_post(shop, v, *form);
  if (rest == "/account/sign-out") return sign_out_post(shop, v);
  return not_found(shop, v);
}

Response serve(Shop& shop, const Request& req) {
  const std::string_view path = target_path(req.target);
  if (path == "/robots.txt")
    return robots(base_url(shop.options, req), shop.options.base_url.empty());
  if (path == "/assets/shop.js" && !shop.options.script.empty())
    return text_response("text/javascript; charset=utf-8", shop.options.script, false);
  if (path == "/assets/shop.css")
    return text_response("text/css; charset=utf-8", std::string(stylesheet()), false);
  if (path == kPlaceholder)
    return text_response("image/svg+xml", std::string(kPlaceholderSvg), false);
  if (path == "/sitemap.xml") {
    auto listing = shop.data.listing();
    if (!listing) return server_error(listing.error());
    return sitemap(**listing, base_url(shop.options, req), shop.options.base_url.empty());
  }
  if (path == "/" || path.empty())
    return redirect(preferred_lang(req) == Lang::en ? "/en/" : "/it/");
  Visit v{req};
  v.lang = path.starts_with("/en") ? Lang::en : Lang::it;
  v.path = std::string(path);
  v.base_url = base_url(shop.options, req);
  v.query = parse_form(target_query(req.target)).value_or(FormFields{});
  v.secret = std::string(request_cookie(req, kShopCookie));
  if (!is_secret(v.secret)) {
    v.secret = customers::new_secret(shop.s.random);
    v.new_cookie = true;
  }
  Response r;
  const bool localized =
      (path.starts_with("/it") || path.starts_with("/en")) && (path.size() == 3 || path[3] == '/');
  const std::string_view rest = path.size() > 3 ? path.substr(3) : std::string_view("/");
  if (!localized)
    r = not_found(shop, v);
  else if (req.method == "GET" || req.method == "HEAD")
    r = route_get(shop, v, rest);
  else if (req.method == "POST")
    r = route_post(shop, v, rest);
  else
    r = html(405, "Method not allowed");
  if (v.new_cookie)
    r.set_header("Set-Cookie", std::string(kShopCookie) + "=" + v.secret +
                                   "; Path=/; HttpOnly; SameSite=Lax" +
                                   (shop.options.secure_cookies ? "; Secure" : ""));
  return r;
}

}  // namespace

std::string Visit::csrf() const {
  return hex_encode(platform::sha256("csrf:" + secret)).substr(0, 32);
}

Response html(int status, std::string body) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "text/html; charset=utf-8");
  r.set_header("Cache-Control", "no-store");
  r.set_header("X-Content-Type-Options", "nosniff");
  // Pages load only the shop's own stylesheet and scripts; images may come from the
  // seller's CDN. No page may be framed (clickjacking on the cart and checkout forms).
  r.set_header("Content-Security-Policy", std::string(kPageCsp));
  r.set_header("X-Frame-Options", "DENY");
  r.set_header("Referrer-Policy", "strict-origin-when-cross-origin");
  r.body = std::move(body);
  return r;
}

Response redirect(std::string location) {
  Response r;
  r.status = 303;
  r.set_header("Location", std::move(location));
  r.set_header("Cache-Control", "no-store");
  return r;
}

Response server_error(const Error& e) {
  spdlog::error("storefront: {} ({})", e.message, to_string(e.code));
  return html(500, "<!doctype html><title>Error</title><p>Something went wrong. Please retry.");
}

Response render(Shop& shop, Visit& v, int status, const PageMeta& meta, Template body,
                mu::data data) {
  auto listing = shop.data.listing();
  if (!listing) return server_error(listing.error());
  return html(status,
              shop.renderer.page(v.lang, meta, body, std::move(data), **listing, v.base_url));
}

Response not_found(Shop& shop, Visit& v) {
  auto meta = page_meta(shop, v, shop.renderer.text(v.lang, "not_found"));
  meta.canonical = false;
  meta.noindex = true;
  return render(shop, v, 404, meta, Template::notfound, mu::data{});
}

api::Handler make_storefront_handler(api::Services& services, const StorefrontOptions& options,
                                     api::Handler next) {
  auto shop = std::make_shared<Shop>(services, options);
  return [shop, next = std::move(next)](const Request& req) -> Response {
    if (passes_through(target_path(req.target))) return next(req);
    return serve(*shop, req);
  };
}

}  // namespace fondaco::storefront
