// The shopper's side that changes things: the cart (on stock holds), checkout, the order
// page and the guest lookup. Every change is one transaction through the group-commit
// writer, then a 303 to the page that shows the result (POST/redirect/GET).
#include <algorithm>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "fondaco/workflows/carts.h"
#include "shop.h"

namespace fondaco::storefront {
namespace {

using api::Response;
using storage::Tx;

std::string lang_path(const Visit& v, std::string_view rest) {
  return "/" + std::string(lang_code(v.lang)) + std::string(rest);
}

// The open cart of the session, if any (an expired or converted one reads as none).
Result<std::optional<orders::Cart>> open_cart(Shop& shop, Tx& tx,
                                              const std::optional<customers::Session>& s,
                                              std::int64_t now_ms) {
  if (!s || !s->cart_id) return std::optional<orders::Cart>{};
  auto c = shop.orders.cart(tx, *s->cart_id, now_ms);
  if (!c) {
    if (c.error().code == ErrorCode::not_found) return std::optional<orders::Cart>{};
    return std::unexpected(c.error());
  }
  if (!orders::check_open(*c, "cart_id")) return std::optional<orders::Cart>{};
  return std::optional<orders::Cart>(std::move(*c));
}

std::string message_for(Shop& shop, Lang lang, std::string_view m) {
  for (const char* k : {"added", "short_stock", "cart_gone", "lookup_failed"})
    if (m == k) return shop.renderer.text(lang, k);
  return {};
}

}  // namespace

Result<customers::Session> server_session(Shop& shop, storage::Tx& tx, Visit& v,
                                          std::int64_t now_ms) {
  auto found = FONDACO_TRY(customers::Customers::find_session(tx, v.secret, now_ms));
  if (!found) {
    v.secret = customers::new_secret(shop.s.random);
    v.new_cookie = true;
  }
  return customers::Customers::ensure_session(tx, v.secret, now_ms);
}

Result<std::optional<customers::Session>> session(Shop& shop, Visit& v) {
  if (!v.session_loaded) {
    if (!v.new_cookie) {
      v.session_row = FONDACO_TRY(shop.s.db.read([&](Tx& tx) {
        return customers::Customers::find_session(tx, v.secret, shop.s.clock.now_ms());
      }));
    }
    v.session_loaded = true;
  }
  return v.session_row;
}

PageMeta page_meta(Shop& shop, Visit& v, std::string title) {
  PageMeta m;
  m.title = std::move(title);
  m.path = v.path;
  m.script = !shop.options.script.empty();
  if (auto it = v.query.find("m"); it != v.query.end()) {
    const bool bad = it->second != "added";
    (bad ? m.error : m.notice) = message_for(shop, v.lang, it->second);
  }
  auto s = session(shop, v);
  if (s && *s && (*s)->cart_id) {
    auto cart =
        shop.s.db.read([&](Tx& tx) { return open_cart(shop, tx, *s, shop.s.clock.now_ms()); });
    if (cart && *cart)
      for (const auto& l : (*cart)->lines) m.cart_count += l.qty;
  }
  return m;
}

Response cart_page(Shop& shop, Visit& v) {
  auto meta = page_meta(shop, v, shop.renderer.text(v.lang, "cart"));
  meta.canonical = false;
  meta.noindex = true;
  auto s = session(shop, v);
  if (!s) return server_error(s.error());
  const auto now = shop.s.clock.now_ms();
  auto cart = shop.s.db.read([&](Tx& tx) { return open_cart(shop, tx, *s, now); });
  if (!cart) return server_error(cart.error());
  auto listing = shop.data.listing();
  if (!listing) return server_error(listing.error());
  mu::data d;
  d.set("csrf", v.csrf());
  mu::data lines{mu::data::type::list};
  std::int64_t subtotal = 0;
  std::string currency = "EUR";
  int i = 0;
  for (const auto& l : *cart ? (*cart)->lines : std::vector<orders::CartLine>{}) {
    mu::data x;
    x.set("index", std::to_string(i++));
    x.set("sku", l.sku);
    x.set("qty", std::to_string(l.qty));
    std::string title = l.sku;
    std::optional<std::int64_t> unit;
    if (auto it = (*listing)->by_sku.find(l.sku); it != (*listing)->by_sku.end()) {
      const auto& p = (*listing)->products[it->second];
      title = p.title;
      x.set("url", lang_path(v, "/p/" + p.handle));
      if (auto view = shop.data.product(p.handle); view && *view)
        for (const auto& var : (*view)->variants)
          if (var.sku == l.sku && var.price_minor) {
            unit = var.price_minor;
            currency = var.currency;
            if (!var.label.empty()) title += " — " + var.label;
          }
    }
    x.set("title", title);
    x.set("unit_price", unit ? shop.renderer.money(v.lang, *unit, currency) : "—");
    x.set("line_total", unit ? shop.renderer.money(v.lang, *unit * l.qty, currency) : "—");
    x.set("csrf", v.csrf());
    if (unit) subtotal += *unit * l.qty;
    lines.push_back(x);
  }
  d.set("lines", lines);
  d.set("has_lines", i > 0);
  d.set("subtotal", shop.renderer.money(v.lang, subtotal, currency));
  if (*cart)
    d.set("held_until", shop.renderer.text(v.lang, "held_until") + " " +
                            format_rfc3339_ms((*cart)->expires_at).substr(11, 5) + " UTC");
  return render(shop, v, 200, meta, Template::cart, std::move(d));
}

namespace {

// The cart's new lines after adding (or setting) `qty` of `sku`.
std::vector<orders::CartLineInput> changed_lines(const std::optional<orders::Cart>& cart,
                                                 const std::string& sku, std::int64_t qty,
                                                 bool add) {
  std::vector<orders::CartLineInput> lines;
  bool found = false;
  if (cart)
    for (const auto& l : cart->lines) {
      std::int64_t q = l.qty;
      if (l.sku == sku) {
        q = add ? q + qty : qty;
        found = true;
      }
      if (q > 0) lines.push_back({l.sku, q});
    }
  if (!found && qty > 0) lines.push_back({sku, qty});
  return lines;
}

std::optional<std::int64_t> parse_qty(const FormFields& form) {
  const auto it = form.find("qty");
  if (it == form.end() || it->second.empty() || it->second.size() > 4) return std::nullopt;
  std::int64_t n = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n > 99) return std::nullopt;
  return n;
}

// The shop's script (web/shop/shop.ts) posts the same forms with Accept: application/json
// and updates the page in place; a browser without it follows the redirect.
bool wants_json(const api::Request& req) {
  return req.header("Accept").find("application/json") != std::string_view::npos;
}

// The answer to a cart change: the redirect to the cart (with message code m), or for the
// script {ok, message, cart_count, cart_label, csrf}.
Response cart_answer(Shop& shop, Visit& v, std::string_view m) {
  if (!wants_json(v.req))
    return redirect(lang_path(v, m.empty() ? std::string("/cart") : "/cart?m=" + std::string(m)));
  // Read after the change, which may have made the session (and so a new cookie).
  const auto now = shop.s.clock.now_ms();
  auto count = shop.s.db.read([&](Tx& tx) -> Result<std::int64_t> {
    const auto s = FONDACO_TRY(customers::Customers::find_session(tx, v.secret, now));
    const auto cart = FONDACO_TRY(open_cart(shop, tx, s, now));
    std::int64_t n = 0;
    if (cart)
      for (const auto& l : cart->lines) n += l.qty;
    return n;
  });
  if (!count) return server_error(count.error());
  const std::string& cart = shop.renderer.text(v.lang, "cart");
  json::Writer w;
  w.begin_object().kv_bool("ok", m != "short_stock").kv("message", message_for(shop, v.lang, m));
  w.kv("cart_count", *count);
  w.kv("cart_label", *count > 0 ? cart + " (" + std::to_string(*count) + ")" : cart);
  // A new session means a new token: the page's other forms must carry it from now on.
  w.kv("csrf", v.csrf());
  w.end_object();
  Response r;
  r.status = 200;
  r.set_header("Content-Type", "application/json");
  r.set_header("Cache-Control", "no-store");
  r.set_header("X-Content-Type-Options", "nosniff");
  r.body = w.take();
  return r;
}

}  // namespace

Response cart_change(Shop& shop, Visit& v, const FormFields& form, bool add) {
  const auto sku_it = form.find("sku");
  const auto qty = parse_qty(form);
  auto listing = shop.data.listing();
  if (!listing) return server_error(listing.error());
  // Only what the shop lists can go into a cart (not a draft product's SKU).
  if (sku_it == form.end() || !qty || (add && *qty == 0) ||
      !(*listing)->by_sku.contains(sku_it->second))
    return cart_answer(shop, v, "short_stock");
  const std::string& sku = sku_it->second;
  const auto now = shop.s.clock.now_ms();
  const auto os = shop.order_services();
  auto done = shop.s.writes.write([&](Tx& tx) -> Result<void> {
    auto s = FONDACO_TRY(server_session(shop, tx, v, now));
    auto cart = FONDACO_TRY(open_cart(shop, tx, s, now));
    const auto lines = changed_lines(cart, sku, *qty, add);
    if (cart && lines.empty()) {
      FONDACO_TRY(workflows::release_cart(tx, os, cart->id, now));
      return customers::Customers::set_cart(tx, s.id, std::nullopt);
    }
    if (cart) {
      FONDACO_TRY(workflows::update_cart(tx, os, cart->id, lines, std::nullopt, now));
      return ok();
    }
    if (lines.empty()) return ok();
    workflows::CartInput in{shop.options.channel, lines, shop.s.cart_ttl_seconds * 1000};
    auto held = FONDACO_TRY(workflows::create_cart(tx, os, in, now));
    return customers::Customers::set_cart(tx, s.id, held.cart.id);
  });
  if (!done) {
    if (done.error().code == ErrorCode::insufficient_stock)
      return cart_answer(shop, v, "short_stock");
    return server_error(done.error());
  }
  return cart_answer(shop, v, add ? "added" : "");
}

}  // namespace fondaco::storefront
