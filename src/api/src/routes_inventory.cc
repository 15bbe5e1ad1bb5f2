// Inventory resources: locations, stock moves and counts, stock levels and the ledger,
// reservations. A move or reservation of a SKU the catalog does not know is refused in the
// same transaction that would write it.
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "router.h"

namespace fondaco::api {
namespace {

using inventory::Location;
using inventory::Move;
using inventory::Reservation;
using json::Object;

constexpr json::StringRule kCode{limits::kMaxCodeChars, 1, false};
constexpr json::StringRule kReference{limits::kMaxShortTextChars, 0, false};

void write_location(json::Writer& w, const Location& l) {
  w.begin_object().kv("id", l.id).kv("code", l.code).kv("name", l.name);
  w.kv("kind", inventory::to_string(l.kind)).kv("parent", l.parent).kv("pick_order", l.pick_order);
  w.kv("created_at", format_rfc3339_ms(l.created_at)).end_object();
}

void write_move(json::Writer& w, const Move& m) {
  w.begin_object().kv("id", m.id).kv("sku", m.sku).kv("qty", m.qty).kv("from", m.from);
  w.kv("to", m.to).kv("reason", m.reason).kv("reference", m.reference);
  w.kv("reservation_id", m.reservation_id).kv("at", format_rfc3339_ms(m.at)).end_object();
}

void write_reservation(json::Writer& w, const Reservation& r) {
  w.begin_object().kv("id", r.id).kv("sku", r.sku).kv("location", r.location).kv("qty", r.qty);
  w.kv("reference", r.reference).kv("status", inventory::to_string(r.status)).key("expires_at");
  if (r.expires_at) w.str(format_rfc3339_ms(*r.expires_at));
  else w.null();
  w.kv("created_at", format_rfc3339_ms(r.created_at));
  w.kv("updated_at", format_rfc3339_ms(r.updated_at)).end_object();
}

Response move_response(int status, const Move& m) {
  json::Writer w;
  write_move(w, m);
  return json_response(status, w.take());
}

Response reservation_response(int status, const Reservation& r) {
  json::Writer w;
  write_reservation(w, r);
  return json_response(status, w.take());
}

Result<void> require_sku(Ctx& c, storage::Tx& tx, const std::string& sku) {
  if (!FONDACO_TRY(c.s.catalog.sku_exists(tx, sku)))
    return fail(ErrorCode::invalid_argument, "unknown SKU", "sku");
  return ok();
}

Result<Response> create_location(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  inventory::LocationInput in;
  in.code = FONDACO_TRY(o.req_string("code", kCode));
  in.name = FONDACO_TRY(o.req_string("name", {limits::kMaxShortTextChars, 1, false}));
  const auto kind = FONDACO_TRY(o.req_string("kind", {16, 1, false}));
  auto parsed = inventory::parse_kind(kind);
  if (!parsed || !inventory::is_bounded(*parsed))
    return fail(ErrorCode::invalid_argument,
                "must be warehouse, store, bin, transit or returns (supplier, customer and "
                "adjustment locations exist already)",
                "kind");
  in.kind = *parsed;
  in.parent = FONDACO_TRY(o.opt_string("parent", kCode));
  in.pick_order = FONDACO_TRY(o.opt_int("pick_order", {0, 1'000'000'000})).value_or(0);
  FONDACO_TRY(o.finish());
  return commit(
      c, [&](storage::Tx& tx) { return c.s.inventory.create_location(tx, in, c.now_ms()); },
      [](const Location& l) {
        json::Writer w;
        write_location(w, l);
        return json_response(201, w.take());
      });
}

Result<Response> list_locations(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) {
    return c.s.inventory.locations(tx, page.after_id, page.limit);
  }));
  json::Writer w;
  w.begin_array();
  for (const auto& l : result.items) write_location(w, l);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<Response> get_location(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  auto l = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<Location> {
    auto r = c.s.inventory.location(tx, c.path.at("code"));
    if (!r) return fail(ErrorCode::not_found, "location not found", "code");
    return r;
  }));
  json::Writer w;
  write_location(w, l);
  return json_response(200, w.take());
}

Result<Response> create_move(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  inventory::MoveInput in;
  in.sku = FONDACO_TRY(o.req_string("sku", kCode));
  in.qty = FONDACO_TRY(o.req_int("qty", {1, limits::kMaxQuantity}));
  in.from = FONDACO_TRY(o.req_string("from", kCode));
  in.to = FONDACO_TRY(o.req_string("to", kCode));
  in.reason = FONDACO_TRY(o.req_string("reason", {32, 1, false}));
  in.reference = FONDACO_TRY(o.opt_string("reference", kReference)).value_or("");
  FONDACO_TRY(o.finish());
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<Move> {
        FONDACO_TRY(require_sku(c, tx, in.sku));
        return c.s.inventory.move(tx, in, c.now_ms());
      },
      [](const Move& m) { return move_response(201, m); });
}

Result<Response> create_count(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const auto sku = FONDACO_TRY(o.req_string("sku", kCode));
  const auto location = FONDACO_TRY(o.req_string("location", kCode));
  const auto counted = FONDACO_TRY(o.req_int("counted", {0, limits::kMaxQuantity * 1000}));
  const auto reference = FONDACO_TRY(o.opt_string("reference", kReference)).value_or("");
  FONDACO_TRY(o.finish());
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<std::optional<Move>> {
        FONDACO_TRY(require_sku(c, tx, sku));
        return c.s.inventory.count(tx, sku, location, counted, reference, c.now_ms());
      },
      [&](const std::optional<Move>& m) {
        json::Writer w;
        w.begin_object().kv("sku", sku).kv("location", location).kv("counted", counted);
        w.key("move");
        if (m) write_move(w, *m);
        else w.null();
        w.end_object();
        return json_response(m ? 201 : 200, w.take());
      });
}

Result<Response> get_stock(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const std::string& sku = c.path.at("sku");
  auto level = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<inventory::StockLevel> {
    if (!FONDACO_TRY(c.s.catalog.sku_exists(tx, sku)))
      return fail(ErrorCode::not_found, "no variant with this SKU", "sku");
    return c.s.inventory.stock(tx, sku);
  }));
  json::Writer w;
  w.begin_object().kv("sku", level.sku).kv("on_hand", level.on_hand);
  w.kv("reserved", level.reserved).kv("available", level.available).key("locations").begin_array();
  for (const auto& b : level.locations) {
    w.begin_object().kv("location", b.location).kv("kind", inventory::to_string(b.kind));
    w.kv("on_hand", b.on_hand).kv("reserved", b.reserved).kv("available", b.available());
    w.end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

Result<Response> get_ledger(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  const std::string& sku = c.path.at("sku");
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<inventory::Page<Move>> {
    if (!FONDACO_TRY(c.s.catalog.sku_exists(tx, sku)))
      return fail(ErrorCode::not_found, "no variant with this SKU", "sku");
    return c.s.inventory.ledger(tx, sku, page.after_id, page.limit);
  }));
  json::Writer w;
  w.begin_array();
  for (const auto& m : result.items) write_move(w, m);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<Response> create_reservation(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  inventory::ReservationInput in;
  in.sku = FONDACO_TRY(o.req_string("sku", kCode));
  in.location = FONDACO_TRY(o.req_string("location", kCode));
  in.qty = FONDACO_TRY(o.req_int("qty", {1, limits::kMaxQuantity}));
  in.reference = FONDACO_TRY(o.req_string("reference", {limits::kMaxShortTextChars, 1, false}));
  in.ttl_ms = FONDACO_TRY(o.opt_int("ttl_ms", {1, limits::kMaxReservationTtlMs}));
  FONDACO_TRY(o.finish());
  // "order:<id>:line:<n>" identifies an order's holds: only order placement makes those.
  if (in.reference.starts_with("order:"))
    return fail(ErrorCode::invalid_argument, "references starting with order: are reserved",
                "reference");
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<Reservation> {
        FONDACO_TRY(require_sku(c, tx, in.sku));
        return c.s.inventory.reserve(tx, in, c.now_ms());
      },
      [](const Reservation& r) { return reservation_response(201, r); });
}

Result<Response> get_reservation(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto r = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) { return c.s.inventory.reservation(tx, id); }));
  return reservation_response(200, r);
}

Result<Response> commit_reservation(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  return commit(
      c, [&](storage::Tx& tx) { return c.s.inventory.commit(tx, id, c.now_ms()); },
      [](const Move& m) { return move_response(200, m); });
}

Result<Response> release_reservation(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  return commit(
      c, [&](storage::Tx& tx) { return c.s.inventory.release(tx, id, c.now_ms()); },
      [](const Reservation& r) { return reservation_response(200, r); });
}

Access stock_writers() {
  return roles({Role::manager, Role::logistics, Role::purchasing, Role::integration});
}
Access reservers() { return roles({Role::manager, Role::logistics, Role::integration}); }

}  // namespace

std::vector<Route> inventory_routes() {
  return {
      {"POST", "/api/v1/locations", roles({Role::manager, Role::logistics}), create_location},
      {"GET", "/api/v1/locations", any_role(), list_locations},
      {"GET", "/api/v1/locations/{code}", any_role(), get_location},
      {"POST", "/api/v1/stock/moves", stock_writers(), create_move},
      {"POST", "/api/v1/stock/counts", stock_writers(), create_count},
      {"GET", "/api/v1/stock/{sku}", any_role(), get_stock},
      {"GET", "/api/v1/stock/{sku}/ledger", any_role(), get_ledger},
      {"POST", "/api/v1/reservations", reservers(), create_reservation},
      {"GET", "/api/v1/reservations/{id}", any_role(), get_reservation},
      {"POST", "/api/v1/reservations/{id}/commit", reservers(), commit_reservation},
      {"POST", "/api/v1/reservations/{id}/release", reservers(), release_reservation},
  };
}

}  // namespace fondaco::api
