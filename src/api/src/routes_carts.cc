// Cart resources: a cart holds stock for its lines for a TTL (default: the server's
// --cart-ttl, 15 minutes) through inventory reservations "cart:<id>:line:<n>", which the
// housekeeper expires. PATCH replaces the lines and re-holds all or nothing; DELETE
// releases. POST /api/v1/orders with "cart_id" turns the cart into an order
// (routes_orders.cc). Runs workflows/carts.h.
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/workflows/carts.h"
#include "router.h"

namespace fondaco::api {
namespace {

using json::Object;
using workflows::HeldCart;

struct CartContext {
  orders::Orders orders;
  workflows::OrderServices services;
  explicit CartContext(Services& s) : orders(s.log), services{s.catalog, s.inventory, orders} {}
};

Response cart_response(int status, const HeldCart& h) {
  const auto& c = h.cart;
  json::Writer w;
  w.begin_object().kv("id", c.id).kv("channel", c.channel).kv("status", orders::to_string(c.status));
  w.key("lines").begin_array();
  for (const auto& l : c.lines)
    w.begin_object().kv("line_no", l.line_no).kv("sku", l.sku).kv("qty", l.qty).end_object();
  w.end_array().kv("ttl_seconds", c.ttl_ms / 1000);
  w.kv("expires_at", format_rfc3339_ms(c.expires_at)).kv("order_id", c.order_id);
  w.key("holds").begin_array();
  for (const auto& r : h.holds) {
    w.begin_object().kv("id", r.id).kv("sku", r.sku).kv("location", r.location).kv("qty", r.qty);
    w.kv("reference", r.reference).kv("status", inventory::to_string(r.status)).key("expires_at");
    if (r.expires_at) w.str(format_rfc3339_ms(*r.expires_at));
    else w.null();
    w.end_object();
  }
  w.end_array().kv("created_at", format_rfc3339_ms(c.created_at));
  w.kv("updated_at", format_rfc3339_ms(c.updated_at)).end_object();
  return json_response(status, w.take());
}

Result<std::vector<orders::CartLineInput>> read_lines(Object& o) {
  const json::Value* lines = FONDACO_TRY(o.req_array("lines", limits::kMaxCartLines));
  std::vector<orders::CartLineInput> out;
  for (rapidjson::SizeType i = 0; i < lines->Size(); ++i) {
    Object l = FONDACO_TRY(Object::of((*lines)[i], json::index_path("lines", i)));
    orders::CartLineInput in;
    in.sku = FONDACO_TRY(l.req_string("sku", {limits::kMaxSkuChars, 1, false}));
    in.qty = FONDACO_TRY(l.req_int("qty", {1, limits::kMaxQuantity}));
    FONDACO_TRY(l.finish());
    out.push_back(std::move(in));
  }
  return out;
}

Result<std::optional<std::int64_t>> read_ttl_ms(Object& o) {
  auto s = FONDACO_TRY(
      o.opt_int("ttl_seconds", {limits::kMinCartTtlSeconds, limits::kMaxCartTtlSeconds}));
  if (!s) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(*s * 1000);
}

Result<Response> create_cart(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  workflows::CartInput in;
  in.channel = FONDACO_TRY(o.opt_string("channel", {limits::kMaxChannelChars, 1, false}))
                   .value_or("storefront");
  in.lines = FONDACO_TRY(read_lines(o));
  in.ttl_ms = FONDACO_TRY(read_ttl_ms(o)).value_or(c.s.cart_ttl_seconds * 1000);
  FONDACO_TRY(o.finish());
  CartContext cc(c.s);
  return commit(
      c, [&](storage::Tx& tx) { return workflows::create_cart(tx, cc.services, in, c.now_ms()); },
      [](const HeldCart& h) { return cart_response(201, h); });
}

Result<Response> get_cart(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  CartContext cc(c.s);
  auto h = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) {
    return workflows::cart_with_holds(tx, cc.services, id, c.now_ms());
  }));
  return cart_response(200, h);
}

Result<Response> update_cart(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const auto lines = FONDACO_TRY(read_lines(o));
  const auto ttl_ms = FONDACO_TRY(read_ttl_ms(o));
  FONDACO_TRY(o.finish());
  CartContext cc(c.s);
  return commit(
      c,
      [&](storage::Tx& tx) {
        return workflows::update_cart(tx, cc.services, id, lines, ttl_ms, c.now_ms());
      },
      [](const HeldCart& h) { return cart_response(200, h); });
}

Result<Response> delete_cart(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  CartContext cc(c.s);
  return commit(
      c, [&](storage::Tx& tx) { return workflows::release_cart(tx, cc.services, id, c.now_ms()); },
      [](const HeldCart& h) { return cart_response(200, h); });
}

// Whoever may place orders may hold stock for one.
Access cart_writers() { return roles({Role::manager, Role::customer_care, Role::integration}); }

}  // namespace

std::vector<Route> carts_routes() {
  return {
      {"POST", "/api/v1/carts", cart_writers(), create_cart},
      {"GET", "/api/v1/carts/{id}", any_role(), get_cart},
      {"PATCH", "/api/v1/carts/{id}", cart_writers(), update_cart},
      {"DELETE", "/api/v1/carts/{id}", cart_writers(), delete_cart},
  };
}

}  // namespace fondaco::api
