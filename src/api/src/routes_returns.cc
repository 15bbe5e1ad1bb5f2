// Return (RMA) resources: customer care requests, authorizes, rejects and cancels returns;
// logistics receives and inspects them; accounting reads them. The refund itself (and the
// restock and the credit note) is done by workflows reacting to the returns module's
// events, so no route marks an RMA refunded. What an order allows to return is computed
// from the order by workflows::returnable (committed holds minus earlier returns).
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/returns/returns.h"
#include "router.h"

namespace fondaco::api {

namespace {

// The returnable view of an order (shipped minus already returned, unit refunds), read in
// the request's transaction.
Result<returns::ReturnableInfo> returnable_for_order(Ctx& c, storage::Tx& tx,
                                                     std::int64_t order_id) {
  if (!c.s.chain) return fail(ErrorCode::unavailable, "returns are not wired in this process");
  return workflows::returnable(*c.s.chain, tx, order_id);
}

using json::Object;
using returns::Rma;

struct RmaView {
  Rma rma;
  std::vector<returns::HistoryEntry> timeline;
  bool created = false;
};

// Leaves the object open: the caller adds members (the timeline) and closes it.
void write_rma(json::Writer& w, const Rma& r) {
  w.begin_object().kv("id", r.id).kv("number", r.number).kv("order_id", r.order_id);
  w.kv("order_number", r.order_number).kv("customer_email", r.customer_email);
  w.kv("source", returns::to_string(r.source)).kv("source_key", r.source_key);
  w.kv("status", returns::to_string(r.status)).kv("currency", r.currency);
  w.kv("requested_minor", r.requested_minor).kv("refund_minor", r.refund_minor);
  w.kv("refunded_minor", r.refunded_minor).kv("refund_ref", r.refund_ref);
  w.kv("return_by", r.return_by_ms ? std::optional<std::string>(format_rfc3339_ms(*r.return_by_ms))
                                   : std::nullopt);
  w.key("lines").begin_array();
  for (const auto& l : r.lines) {
    w.begin_object().kv("line_no", l.line_no).kv("sku", l.sku).kv("qty", l.qty);
    w.kv("reason", returns::to_string(l.reason)).kv("note", l.note);
    w.kv("unit_refund_minor", l.unit_refund_minor).kv("received_qty", l.received_qty);
    w.end_object();
  }
  w.end_array().key("inspected").begin_array();
  for (const auto& l : r.inspected) {
    w.begin_object().kv("sku", l.sku).kv("qty", l.qty);
    w.kv("disposition", returns::to_string(l.disposition)).kv("location", l.location);
    w.end_object();
  }
  w.end_array().kv("created_at", format_rfc3339_ms(r.created_at));
  w.kv("updated_at", format_rfc3339_ms(r.updated_at));
}

Response view_response(int status, const RmaView& v) {
  json::Writer w;
  write_rma(w, v.rma);
  w.key("timeline").begin_array();
  for (const auto& h : v.timeline) {
    w.begin_object().kv("at", format_rfc3339_ms(h.at_ms));
    w.kv("from", h.from ? std::optional<std::string>(std::string(returns::to_string(*h.from)))
                        : std::nullopt);
    w.kv("to", returns::to_string(h.to)).kv("note", h.note).end_object();
  }
  w.end_array().end_object();
  return json_response(status, w.take());
}

Result<RmaView> with_timeline(storage::Tx& tx, Rma r, bool created = false) {
  auto tl = FONDACO_TRY(returns::Returns::timeline(tx, r.id));
  return RmaView{std::move(r), std::move(tl), created};
}

constexpr json::StringRule kSku{limits::kMaxSkuChars, 1, false};
constexpr json::StringRule kNote{limits::kMaxReturnNoteChars, 0, true};
constexpr json::IntRule kQty{1, limits::kMaxQuantity};

Result<std::vector<returns::LineInput>> read_request_lines(Object& o) {
  const json::Value* arr = FONDACO_TRY(o.req_array("lines", limits::kMaxReturnLines));
  std::vector<returns::LineInput> out;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
    Object l = FONDACO_TRY(Object::of((*arr)[i], json::index_path("lines", i)));
    returns::LineInput in;
    in.sku = FONDACO_TRY(l.req_string("sku", kSku));
    in.qty = FONDACO_TRY(l.req_int("qty", kQty));
    const auto reason = returns::parse_reason(FONDACO_TRY(l.req_string("reason", {32, 1, false})));
    if (!reason)
      return fail(ErrorCode::invalid_argument,
                  "must be damaged, wrong_item, not_as_described, changed_mind, too_late or other",
                  l.field("reason"));
    in.reason = *reason;
    in.note = FONDACO_TRY(l.opt_string("note", kNote)).value_or("");
    FONDACO_TRY(l.finish());
    out.push_back(std::move(in));
  }
  return out;
}

Result<Response> create_return(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const std::int64_t order_id = FONDACO_TRY(o.req_int("order_id", {1, INT64_MAX}));
  returns::ReturnInput in;
  in.lines = FONDACO_TRY(read_request_lines(o));
  const auto source = FONDACO_TRY(o.opt_string("source", {16, 1, false}));
  in.source = returns::Source::customer_care;  // this route is customer care's desk
  if (source) {
    auto s = returns::parse_source(*source);
    if (!s) return fail(ErrorCode::invalid_argument, "must be customer or customer_care", "source");
    in.source = *s;
  }
  in.source_key = FONDACO_TRY(o.opt_string("source_key", {limits::kMaxReturnSourceKeyChars, 1,
                                                          false}));
  FONDACO_TRY(o.finish());
  returns::Returns rets(c.s.log);
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<RmaView> {
        const auto info = FONDACO_TRY(returnable_for_order(c, tx, order_id));
        in.order_id = info.order_id;
        in.order_number = info.order_number;
        in.customer_email = info.customer_email;
        in.currency = info.currency;
        in.returnable = info.lines;
        auto created = FONDACO_TRY(rets.request(tx, in, c.now_ms()));
        return with_timeline(tx, std::move(created.rma), created.created);
      },
      [](const RmaView& v) { return view_response(v.created ? 201 : 200, v); });
}

Result<Response> list_returns(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor", "status", "order_id"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  returns::ReturnFilter f;
  f.after_id = page.after_id;
  f.limit = page.limit;
  if (auto it = c.query.find("status"); it != c.query.end()) {
    f.status = returns::parse_status(it->second);
    if (!f.status) return fail(ErrorCode::invalid_argument, "unknown return status", "status");
  }
  if (auto it = c.query.find("order_id"); it != c.query.end()) {
    const std::string& v = it->second;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
      return fail(ErrorCode::invalid_argument, "must be an order id", "order_id");
    f.order_id = std::stoll(v);
  }
  auto result = FONDACO_TRY(
      c.s.db.read([&](storage::Tx& tx) { return returns::Returns::list(tx, f); }));
  json::Writer w;
  w.begin_array();
  for (const auto& r : result.items) {
    write_rma(w, r);
    w.end_object();
  }
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<Response> get_return(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto view = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<RmaView> {
    return with_timeline(tx, FONDACO_TRY(returns::Returns::get(tx, id)));
  }));
  return view_response(200, view);
}

// Runs one transition of the RMA named by the path and answers with it and its timeline.
template <typename Fn>
Result<Response> transition(Ctx& c, Fn&& fn) {
  returns::Returns rets(c.s.log);
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<RmaView> {
        return with_timeline(tx, FONDACO_TRY(fn(rets, tx)));
      },
      [](const RmaView& v) { return view_response(200, v); });
}

// The body of authorize/cancel/close is optional: {"note": "..."}.
Result<std::string> optional_note(const Ctx& c) {
  if (c.req.body.empty()) return std::string();
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  auto note = FONDACO_TRY(o.opt_string("note", kNote)).value_or("");
  FONDACO_TRY(o.finish());
  return note;
}

Result<Response> authorize_return(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  const std::string note = FONDACO_TRY(optional_note(c));
  return transition(c, [&](returns::Returns& r, storage::Tx& tx) {
    return r.authorize(tx, id, note, c.now_ms());
  });
}

Result<Response> cancel_return(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  const std::string note = FONDACO_TRY(optional_note(c));
  return transition(c, [&](returns::Returns& r, storage::Tx& tx) {
    return r.cancel(tx, id, note, c.now_ms());
  });
}

Result<Response> close_return(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  const std::string note = FONDACO_TRY(optional_note(c));
  return transition(c, [&](returns::Returns& r, storage::Tx& tx) {
    return r.close(tx, id, note, c.now_ms());
  });
}

Result<Response> reject_return(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const std::string reason =
      FONDACO_TRY(o.req_string("reason", {limits::kMaxReturnNoteChars, 1, true}));
  FONDACO_TRY(o.finish());
  return transition(c, [&](returns::Returns& r, storage::Tx& tx) {
    return r.reject(tx, id, reason, c.now_ms());
  });
}

Result<Response> receive_return(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const json::Value* arr = FONDACO_TRY(o.req_array("lines", limits::kMaxReturnScanEntries));
  std::vector<returns::ScannedLine> scanned;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
    Object l = FONDACO_TRY(Object::of((*arr)[i], json::index_path("lines", i)));
    returns::ScannedLine s;
    s.sku = FONDACO_TRY(l.req_string("sku", kSku));
    s.qty = FONDACO_TRY(l.req_int("qty", kQty));
    FONDACO_TRY(l.finish());
    scanned.push_back(std::move(s));
  }
  FONDACO_TRY(o.finish());
  return transition(c, [&](returns::Returns& r, storage::Tx& tx) {
    return r.receive(tx, id, scanned, c.now_ms());
  });
}

Result<returns::InspectedLine> read_inspected(const json::Value& v, std::size_t i) {
  Object l = FONDACO_TRY(Object::of(v, json::index_path("lines", i)));
  returns::InspectedLine out;
  out.sku = FONDACO_TRY(l.req_string("sku", kSku));
  out.qty = FONDACO_TRY(l.req_int("qty", kQty));
  const auto d = returns::parse_disposition(FONDACO_TRY(l.req_string("disposition", {16, 1, false})));
  if (!d)
    return fail(ErrorCode::invalid_argument, "must be restock, damaged or returns",
                l.field("disposition"));
  out.disposition = *d;
  out.location = FONDACO_TRY(l.req_string("location", {limits::kMaxCodeChars, 1, false}));
  FONDACO_TRY(l.finish());
  return out;
}

// The units are moved from the customer to these locations when the inspection's event is
// handled: an unknown location would fail that handler on every retry, so it is refused
// here, in the inspection's transaction (the returns module knows no locations).
Result<void> check_destinations(Ctx& c, storage::Tx& tx,
                                const std::vector<returns::InspectedLine>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string field = json::index_path("lines", i) + ".location";
    auto loc = c.s.inventory.location(tx, lines[i].location);
    if (!loc && loc.error().code == ErrorCode::invalid_argument)
      return fail(ErrorCode::invalid_argument, "unknown location", field);
    if (!loc) return std::unexpected(loc.error());
    if (loc->kind == inventory::LocationKind::customer ||
        loc->kind == inventory::LocationKind::supplier)
      return fail(ErrorCode::invalid_argument, "returned units cannot go to this location", field);
  }
  return ok();
}

Result<Response> inspect_return(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const json::Value* arr = FONDACO_TRY(o.req_array("lines", limits::kMaxReturnScanEntries));
  returns::InspectInput in;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i)
    in.lines.push_back(FONDACO_TRY(read_inspected((*arr)[i], i)));
  in.refund_minor = FONDACO_TRY(o.opt_int("refund_minor", {0, limits::kMaxAmountMinor}));
  in.note = FONDACO_TRY(o.opt_string("note", kNote)).value_or("");
  FONDACO_TRY(o.finish());
  return transition(c, [&](returns::Returns& r, storage::Tx& tx) -> Result<Rma> {
    FONDACO_TRY(check_destinations(c, tx, in.lines));
    return r.inspect(tx, id, in, c.now_ms());
  });
}

Access return_desk() { return roles({Role::customer_care}); }
Access return_dock() { return roles({Role::logistics}); }
Access return_readers() {
  return roles({Role::customer_care, Role::logistics, Role::accounting});
}

}  // namespace

std::vector<Route> returns_routes() {
  return {
      {"POST", "/api/v1/returns", return_desk(), create_return},
      {"GET", "/api/v1/returns", return_readers(), list_returns},
      {"GET", "/api/v1/returns/{id}", return_readers(), get_return},
      {"POST", "/api/v1/returns/{id}/authorize", return_desk(), authorize_return},
      {"POST", "/api/v1/returns/{id}/reject", return_desk(), reject_return},
      {"POST", "/api/v1/returns/{id}/receive", return_dock(), receive_return},
      {"POST", "/api/v1/returns/{id}/inspect", return_dock(), inspect_return},
      {"POST", "/api/v1/returns/{id}/cancel", return_desk(), cancel_return},
      {"POST", "/api/v1/returns/{id}/close", return_desk(), close_return},
  };
}

}  // namespace fondaco::api
