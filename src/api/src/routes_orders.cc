// Order resources: place (POST /orders reserves stock for every line in the same
// transaction, or takes over a cart's holds given "cart_id"), read, list with filters,
// edit before fulfilment (PATCH: lines, addresses, notes; holds re-planned atomically),
// cancel (releases the reservations) and status transitions under the order state machine.
// Placing runs workflows::place_order, editing workflows::edit_order.
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/workflows/place_order.h"
#include "router.h"

namespace fondaco::api {
namespace {

using json::Object;
using orders::Status;
using workflows::PlacedOrder;

constexpr json::StringRule kText{limits::kMaxShortTextChars, 0, false};
constexpr json::StringRule kRequired{limits::kMaxShortTextChars, 1, false};

// Orders and the workflow hold no state but the event log: built per request.
struct OrderContext {
  orders::Orders orders;
  workflows::OrderServices services;
  explicit OrderContext(Services& s)
      : orders(s.log),
        services{s.catalog, s.inventory, orders, s.chain ? &s.chain->payments : nullptr} {}
};

struct OrderView {
  PlacedOrder placed;
  std::vector<orders::HistoryEntry> timeline;
};

void write_address(json::Writer& w, std::string_view key, const std::optional<orders::Address>& a) {
  w.key(key);
  if (!a) {
    w.null();
    return;
  }
  w.begin_object().kv("name", a->name).kv("line1", a->line1).kv("line2", a->line2);
  w.kv("city", a->city).kv("postal_code", a->postal_code).kv("province", a->province);
  w.kv("country", a->country).end_object();
}

void write_customer(json::Writer& w, const orders::Customer& c) {
  w.key("customer").begin_object().kv("email", c.email).kv("name", c.name).kv("phone", c.phone);
  w.key("company");
  if (c.company) {
    w.begin_object().kv("name", c.company->name).kv("vat_number", c.company->vat_number);
    w.kv("fiscal_code", c.company->fiscal_code).kv("sdi_code", c.company->sdi_code);
    w.kv("pec", c.company->pec).end_object();
  } else {
    w.null();
  }
  w.end_object();
}

void write_totals(json::Writer& w, const orders::Order& o) {
  const auto& t = o.totals;
  w.key("totals").begin_object().kv("lines_minor", t.lines_minor);
  w.kv("discount_minor", t.discount_minor).kv("shipping_minor", t.shipping_minor);
  w.kv("taxable_minor", t.taxable_minor).kv("vat_minor", t.vat_minor);
  w.kv("total_minor", t.total_minor).key("vat").begin_array();
  for (const auto& v : t.vat) {
    w.begin_object().kv("rate_bp", v.rate_bp).kv("taxable_minor", v.taxable_minor);
    w.kv("vat_minor", v.vat_minor).end_object();
  }
  w.end_array().end_object();
  w.kv("channel_total_minor", o.channel_total_minor).kv_bool("totals_mismatch", o.totals_mismatch);
  // The channel's marketplace fees (charged to the seller) and why the order is held.
  w.kv("fees_minor", o.fees_minor).kv("hold_reason", o.hold_reason);
  w.key("external_updated_at");
  if (o.external_updated_at) w.str(format_rfc3339_ms(*o.external_updated_at));
  else w.null();
}

// The order; reservations and timeline only when given (the single-order views).
void write_order(json::Writer& w, const orders::Order& o, const OrderView* view) {
  w.begin_object().kv("id", o.id).kv("number", o.number).kv("channel", o.channel);
  w.kv("external_ref", o.external_ref).kv("status", orders::to_string(o.status));
  w.kv("payment_status", orders::to_string(o.payment_status));
  w.kv("fulfillment_status", orders::to_string(o.fulfillment_status));
  write_customer(w, o.customer);
  write_address(w, "billing_address", o.billing_address);
  write_address(w, "shipping_address", o.shipping_address);
  w.key("lines").begin_array();
  for (const auto& l : o.lines) {
    w.begin_object().kv("line_no", l.line_no).kv("sku", l.sku).kv("qty", l.qty);
    w.kv("unit_price_minor", l.unit_price_minor).kv("discount_minor", l.discount_minor);
    w.kv("vat_rate_bp", l.vat_rate_bp).kv("amount_minor", l.amount_minor).end_object();
  }
  w.end_array();
  w.kv("shipping_method", o.shipping_method).kv("shipping_vat_rate_bp", o.shipping_vat_rate_bp);
  w.kv("currency", o.currency).kv("notes", o.notes);
  w.kv_bool("prices_include_vat", o.prices_include_vat);
  w.kv("payment_method", orders::to_string(o.payment_method)).kv("locale", o.locale);
  w.kv_bool("invoice_requested", o.invoice_requested);
  write_totals(w, o);
  if (view) {
    w.key("reservations").begin_array();
    for (const auto& r : view->placed.reservations) {
      w.begin_object().kv("id", r.id).kv("sku", r.sku).kv("location", r.location);
      w.kv("qty", r.qty).kv("reference", r.reference);
      w.kv("status", inventory::to_string(r.status)).end_object();
    }
    w.end_array().key("timeline").begin_array();
    for (const auto& h : view->timeline) {
      w.begin_object().kv("at", format_rfc3339_ms(h.at)).key("from");
      if (h.from) w.str(orders::to_string(*h.from));
      else w.null();
      w.kv("to", orders::to_string(h.to)).kv("note", h.note).end_object();
    }
    w.end_array();
  }
  w.kv("created_at", format_rfc3339_ms(o.created_at));
  w.kv("updated_at", format_rfc3339_ms(o.updated_at)).end_object();
}

Response view_response(int status, const OrderView& v) {
  json::Writer w;
  write_order(w, v.placed.order, &v);
  return json_response(status, w.take());
}

Result<OrderView> with_timeline(storage::Tx& tx, OrderContext& oc, PlacedOrder placed) {
  OrderView v{std::move(placed), {}};
  v.timeline = FONDACO_TRY(oc.orders.history(tx, v.placed.order.id));
  return v;
}

Result<orders::Address> read_address(const json::Value& v, const std::string& path) {
  Object o = FONDACO_TRY(Object::of(v, path));
  orders::Address a;
  a.name = FONDACO_TRY(o.req_string("name", kRequired));
  a.line1 = FONDACO_TRY(o.req_string("line1", kRequired));
  a.line2 = FONDACO_TRY(o.opt_string("line2", kText)).value_or("");
  a.city = FONDACO_TRY(o.req_string("city", kRequired));
  a.postal_code =
      FONDACO_TRY(o.opt_string("postal_code", {limits::kMaxPostalCodeChars, 0, false})).value_or("");
  a.province = FONDACO_TRY(o.opt_string("province", kText)).value_or("");
  a.country = FONDACO_TRY(o.req_string("country", {2, 2, false}));
  FONDACO_TRY(o.finish());
  return a;
}

Result<std::optional<orders::Address>> opt_address(Object& o, std::string_view key) {
  const json::Value* v = FONDACO_TRY(o.opt_object(key));
  if (!v) return std::optional<orders::Address>{};
  return std::optional<orders::Address>(FONDACO_TRY(read_address(*v, o.field(key))));
}

Result<orders::Customer> read_customer(const json::Value& v) {
  Object o = FONDACO_TRY(Object::of(v, "customer"));
  orders::Customer c;
  c.email = FONDACO_TRY(o.req_string("email", {limits::kMaxEmailChars, 1, false}));
  c.name = FONDACO_TRY(o.opt_string("name", kText)).value_or("");
  c.phone = FONDACO_TRY(o.opt_string("phone", {limits::kMaxPhoneChars, 1, false}));
  if (const json::Value* cv = FONDACO_TRY(o.opt_object("company"))) {
    Object co = FONDACO_TRY(Object::of(*cv, "customer.company"));
    const json::StringRule id{limits::kMaxFiscalIdChars, 1, false};
    orders::Company company;
    company.name = FONDACO_TRY(co.req_string("name", kRequired));
    company.vat_number = FONDACO_TRY(co.opt_string("vat_number", id));
    company.fiscal_code = FONDACO_TRY(co.opt_string("fiscal_code", id));
    company.sdi_code = FONDACO_TRY(co.opt_string("sdi_code", id));
    company.pec = FONDACO_TRY(co.opt_string("pec", {limits::kMaxEmailChars, 1, false}));
    FONDACO_TRY(co.finish());
    c.company = std::move(company);
  }
  FONDACO_TRY(o.finish());
  return c;
}

Result<orders::LineInput> read_line(const json::Value& v, const std::string& path) {
  Object o = FONDACO_TRY(Object::of(v, path));
  orders::LineInput l;
  l.sku = FONDACO_TRY(o.req_string("sku", {limits::kMaxSkuChars, 1, false}));
  l.qty = FONDACO_TRY(o.req_int("qty", {1, limits::kMaxQuantity}));
  l.unit_price_minor = FONDACO_TRY(o.opt_int("unit_price_minor", {0, limits::kMaxAmountMinor}));
  l.discount_minor =
      FONDACO_TRY(o.opt_int("discount_minor", {0, limits::kMaxOrderTotalMinor})).value_or(0);
  if (auto rate = FONDACO_TRY(o.opt_int("vat_rate_bp", {0, limits::kMaxVatRateBp})))
    l.vat_rate_bp = static_cast<int>(*rate);
  FONDACO_TRY(o.finish());
  return l;
}

Result<workflows::PlaceOrderInput> read_order(const json::Value& root) {
  Object o = FONDACO_TRY(Object::of(root));
  workflows::PlaceOrderInput in;
  auto& order = in.order;
  in.cart_id = FONDACO_TRY(o.opt_int("cart_id", {1, INT64_MAX}));
  // With a cart an absent channel means the cart's (workflows::place_order).
  order.channel = FONDACO_TRY(o.opt_string("channel", {limits::kMaxChannelChars, 1, false}))
                      .value_or(in.cart_id ? "" : "storefront");
  order.external_ref =
      FONDACO_TRY(o.opt_string("external_ref", {limits::kMaxExternalRefChars, 1, false}));
  const json::Value* customer = FONDACO_TRY(o.opt_object("customer"));
  if (!customer) return fail(ErrorCode::invalid_argument, "is required", "customer");
  order.customer = FONDACO_TRY(read_customer(*customer));
  order.billing_address = FONDACO_TRY(opt_address(o, "billing_address"));
  order.shipping_address = FONDACO_TRY(opt_address(o, "shipping_address"));
  const json::Value* lines =
      in.cart_id ? FONDACO_TRY(o.opt_array("lines", limits::kMaxOrderLines))
                 : FONDACO_TRY(o.req_array("lines", limits::kMaxOrderLines));
  for (rapidjson::SizeType i = 0; lines && i < lines->Size(); ++i)
    order.lines.push_back(FONDACO_TRY(read_line((*lines)[i], json::index_path("lines", i))));
  order.shipping_method = FONDACO_TRY(o.opt_string("shipping_method", kText)).value_or("");
  order.shipping_minor =
      FONDACO_TRY(o.opt_int("shipping_minor", {0, limits::kMaxOrderTotalMinor})).value_or(0);
  order.shipping_vat_rate_bp = static_cast<int>(
      FONDACO_TRY(o.opt_int("shipping_vat_rate_bp", {0, limits::kMaxVatRateBp})).value_or(2200));
  order.currency = FONDACO_TRY(o.opt_string("currency", {3, 3, false})).value_or("EUR");
  order.notes =
      FONDACO_TRY(o.opt_string("notes", {limits::kMaxOrderNotesChars, 0, true})).value_or("");
  order.prices_include_vat = FONDACO_TRY(o.opt_bool("prices_include_vat")).value_or(true);
  order.channel_total_minor =
      FONDACO_TRY(o.opt_int("channel_total_minor", {0, limits::kMaxOrderTotalMinor}));
  if (auto m = FONDACO_TRY(o.opt_string("payment_method", {16, 1, false}))) {
    auto pm = orders::parse_payment_method(*m);
    if (!pm)
      return fail(ErrorCode::invalid_argument,
                  "must be none, card, paypal, bank_transfer, cod, cash or marketplace",
                  "payment_method");
    order.payment_method = *pm;
  }
  order.locale = FONDACO_TRY(o.opt_string("locale", {2, 2, false})).value_or("it");
  order.invoice_requested = FONDACO_TRY(o.opt_bool("invoice_requested")).value_or(false);
  const json::Value* locations =
      FONDACO_TRY(o.opt_array("locations", limits::kMaxPlacementLocations));
  for (rapidjson::SizeType i = 0; locations && i < locations->Size(); ++i)
    in.locations.push_back(FONDACO_TRY(json::check_string(
        (*locations)[i], json::index_path("locations", i), {limits::kMaxCodeChars, 1, false})));
  FONDACO_TRY(o.finish());
  return in;
}

Result<Response> create_order(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  const auto in = FONDACO_TRY(read_order(doc->root()));
  OrderContext oc(c.s);
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<OrderView> {
        auto placed = FONDACO_TRY(workflows::place_order(tx, oc.services, in, c.now_ms()));
        return with_timeline(tx, oc, std::move(placed));
      },
      [](const OrderView& v) { return view_response(v.placed.created ? 201 : 200, v); });
}

Result<orders::EditLine> read_edit_line(const json::Value& v, const std::string& path) {
  Object o = FONDACO_TRY(Object::of(v, path));
  orders::EditLine l;
  if (auto no = FONDACO_TRY(o.opt_int("line_no", {1, static_cast<std::int64_t>(INT32_MAX)})))
    l.line_no = static_cast<int>(*no);
  l.sku = FONDACO_TRY(o.opt_string("sku", {limits::kMaxSkuChars, 1, false}));
  l.qty = FONDACO_TRY(o.opt_int("qty", {1, limits::kMaxQuantity}));
  l.unit_price_minor = FONDACO_TRY(o.opt_int("unit_price_minor", {0, limits::kMaxAmountMinor}));
  l.discount_minor = FONDACO_TRY(o.opt_int("discount_minor", {0, limits::kMaxOrderTotalMinor}));
  if (auto rate = FONDACO_TRY(o.opt_int("vat_rate_bp", {0, limits::kMaxVatRateBp})))
    l.vat_rate_bp = static_cast<int>(*rate);
  FONDACO_TRY(o.finish());
  return l;
}

// PATCH /orders/{id}: every member given replaces what the order has; `lines` is the
// complete new list (a line with line_no keeps what it does not change; one without is new).
Result<workflows::EditOrderInput> read_edit(const json::Value& root) {
  Object o = FONDACO_TRY(Object::of(root));
  workflows::EditOrderInput in;
  auto& e = in.edit;
  if (const json::Value* lines = FONDACO_TRY(o.opt_array("lines", limits::kMaxOrderLines))) {
    e.lines.emplace();
    for (rapidjson::SizeType i = 0; i < lines->Size(); ++i)
      e.lines->push_back(FONDACO_TRY(read_edit_line((*lines)[i], json::index_path("lines", i))));
  }
  e.billing_address = FONDACO_TRY(opt_address(o, "billing_address"));
  e.shipping_address = FONDACO_TRY(opt_address(o, "shipping_address"));
  e.notes = FONDACO_TRY(o.opt_string("notes", {limits::kMaxOrderNotesChars, 0, true}));
  e.note = FONDACO_TRY(o.opt_string("note", {limits::kMaxStatusNoteChars, 0, true})).value_or("");
  const json::Value* locations =
      FONDACO_TRY(o.opt_array("locations", limits::kMaxPlacementLocations));
  for (rapidjson::SizeType i = 0; locations && i < locations->Size(); ++i)
    in.locations.push_back(FONDACO_TRY(json::check_string(
        (*locations)[i], json::index_path("locations", i), {limits::kMaxCodeChars, 1, false})));
  FONDACO_TRY(o.finish());
  if (!e.lines && !e.billing_address && !e.shipping_address && !e.notes)
    return fail(ErrorCode::invalid_argument,
                "give at least one of lines, billing_address, shipping_address, notes");
  return in;
}

Result<Response> edit_order(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  const auto in = FONDACO_TRY(read_edit(doc->root()));
  OrderContext oc(c.s);
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<OrderView> {
        auto placed = FONDACO_TRY(workflows::edit_order(tx, oc.services, id, in, c.now_ms()));
        return with_timeline(tx, oc, std::move(placed));
      },
      [](const OrderView& v) { return view_response(200, v); });
}

Result<Response> get_order(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  OrderContext oc(c.s);
  auto view = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<OrderView> {
    auto placed = FONDACO_TRY(workflows::order_with_reservations(tx, oc.services, id));
    return with_timeline(tx, oc, std::move(placed));
  }));
  return view_response(200, view);
}

Result<std::optional<std::int64_t>> query_time(const Ctx& c, std::string_view name) {
  auto it = c.query.find(name);
  if (it == c.query.end()) return std::optional<std::int64_t>{};
  auto t = parse_rfc3339(it->second);
  if (!t) return fail(ErrorCode::invalid_argument, "must be an RFC 3339 timestamp", std::string(name));
  return std::optional<std::int64_t>(*t);
}

Result<Response> list_orders(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor", "status", "channel", "from", "to", "email", "sku"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  orders::OrderFilter f;
  f.after_id = page.after_id;
  f.limit = page.limit;
  if (auto it = c.query.find("status"); it != c.query.end()) {
    f.status = orders::parse_status(it->second);
    if (!f.status) return fail(ErrorCode::invalid_argument, "unknown order status", "status");
  }
  auto text = [&](std::string_view name, std::size_t max) -> Result<std::optional<std::string>> {
    auto it = c.query.find(name);
    if (it == c.query.end()) return std::optional<std::string>{};
    if (it->second.empty() || utf8_length(it->second) > max)
      return fail(ErrorCode::invalid_argument, "must be 1-" + std::to_string(max) + " characters",
                  std::string(name));
    return std::optional<std::string>(it->second);
  };
  f.channel = FONDACO_TRY(text("channel", limits::kMaxChannelChars));
  f.email = FONDACO_TRY(text("email", limits::kMaxEmailChars));
  f.sku = FONDACO_TRY(text("sku", limits::kMaxSkuChars));
  f.created_from_ms = FONDACO_TRY(query_time(c, "from"));
  f.created_to_ms = FONDACO_TRY(query_time(c, "to"));
  orders::Orders orders(c.s.log);
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) { return orders.list(tx, f); }));
  json::Writer w;
  w.begin_array();
  for (const auto& o : result.items) write_order(w, o, nullptr);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<std::string> read_note(const Ctx& c, Object& o) {
  (void)c;
  return FONDACO_TRY(o.opt_string("note", {limits::kMaxStatusNoteChars, 0, true})).value_or("");
}

Result<Response> cancel_order(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  std::string note;
  if (!c.req.body.empty()) {
    auto doc = FONDACO_TRY(json_body(c));
    Object o = FONDACO_TRY(Object::of(doc->root()));
    note = FONDACO_TRY(read_note(c, o));
    FONDACO_TRY(o.finish());
  }
  OrderContext oc(c.s);
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<OrderView> {
        auto placed = FONDACO_TRY(workflows::cancel_order(tx, oc.services, id, note, c.now_ms()));
        return with_timeline(tx, oc, std::move(placed));
      },
      [](const OrderView& v) { return view_response(200, v); });
}

Result<Response> change_status(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const auto name = FONDACO_TRY(o.req_string("status", {32, 1, false}));
  const std::string note = FONDACO_TRY(read_note(c, o));
  FONDACO_TRY(o.finish());
  const auto to = orders::parse_status(name);
  if (!to) return fail(ErrorCode::invalid_argument, "unknown order status", "status");
  // Shipment states are set by fulfilment (which commits the reservations), not by hand.
  if (*to == Status::partially_shipped || *to == Status::shipped || *to == Status::delivered ||
      *to == Status::completed)
    return fail(ErrorCode::invalid_argument, "set by fulfilment, not through this route", "status");
  OrderContext oc(c.s);
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<OrderView> {
        if (*to == Status::cancelled)
          return with_timeline(
              tx, oc, FONDACO_TRY(workflows::cancel_order(tx, oc.services, id, note, c.now_ms())));
        FONDACO_TRY(oc.orders.transition(tx, id, *to, note, c.now_ms()));
        auto placed = FONDACO_TRY(workflows::order_with_reservations(tx, oc.services, id));
        return with_timeline(tx, oc, std::move(placed));
      },
      [](const OrderView& v) { return view_response(200, v); });
}

Access order_writers() {
  return roles({Role::manager, Role::customer_care, Role::integration});
}
Access order_managers() {
  return roles({Role::manager, Role::customer_care, Role::accounting});
}

}  // namespace

std::vector<Route> orders_routes() {
  return {
      {"POST", "/api/v1/orders", order_writers(), create_order},
      {"GET", "/api/v1/orders", any_role(), list_orders},
      {"GET", "/api/v1/orders/{id}", any_role(), get_order},
      {"PATCH", "/api/v1/orders/{id}", order_writers(), edit_order},
      {"POST", "/api/v1/orders/{id}/cancel", order_managers(), cancel_order},
      {"POST", "/api/v1/orders/{id}/status", order_managers(), change_status},
  };
}

}  // namespace fondaco::api
