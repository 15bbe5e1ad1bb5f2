// Fulfillment resources: shipments (create, read, pack scans, label, ship, cancel), pick
// lists (batch, read, PDF), carriers (list, configure), the carriers' daily manifest (JSON,
// CSV, PDF) and the generic carrier tracking webhook (JSON array or CSV). Logistics does the
// work (admin always may); managers and customer care read. The tracking webhook also
// accepts integration tokens, which is what a carrier connector holds.
#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/fulfillment/fulfillment.h"
#include "router.h"

namespace fondaco::api {
namespace {

using fulfillment::Fulfillment;
using fulfillment::Shipment;
using json::Object;

constexpr json::StringRule kText{limits::kMaxShortTextChars, 0, false};
constexpr json::StringRule kCode{limits::kMaxCodeChars, 1, false};

// ---- output ----

void write_address(json::Writer& w, const fulfillment::Address& a) {
  w.begin_object().kv("name", a.name).kv("line1", a.line1).kv("line2", a.line2);
  w.kv("city", a.city).kv("postal_code", a.postal_code).kv("province", a.province);
  w.kv("country", a.country).kv("phone", a.phone).kv("email", a.email).end_object();
}

void write_shipment(json::Writer& w, const Shipment& s) {
  w.begin_object().kv("id", s.id).kv("source_key", s.source_key).kv("order_id", s.order_id);
  w.kv("order_number", s.order_number).kv("location", s.location);
  w.kv("status", fulfillment::to_string(s.status)).key("ship_to");
  write_address(w, s.ship_to);
  w.key("ship_from");
  if (s.ship_from) write_address(w, *s.ship_from);
  else w.null();
  w.key("lines").begin_array();
  for (const auto& l : s.lines) {
    w.begin_object().kv("line_no", l.line_no).kv("sku", l.sku).kv("gtin", l.gtin);
    w.kv("description", l.description).kv("qty", l.qty).kv("scanned", l.scanned);
    w.kv("weight_g", l.weight_g).kv("bin", l.bin).kv("pick_seq", l.pick_seq).end_object();
  }
  w.end_array().kv("carrier", s.carrier).kv("service", s.service);
  w.kv("cod_amount_minor", s.cod_amount_minor).kv("cod_currency", s.cod_currency);
  w.kv("parcels", s.parcels).kv("weight_g", s.weight_g).kv("tracking_number", s.tracking_number);
  w.key("tracking_url");
  if (s.tracking_url && !s.tracking_url->empty()) w.str(*s.tracking_url);
  else w.null();
  w.kv("pick_list_id", s.pick_list_id).kv_bool("has_label", s.has_label);
  w.kv_bool("forced", s.forced);
  auto time = [&w](const char* k, std::optional<std::int64_t> t) {
    w.key(k);
    if (t) w.str(format_rfc3339_ms(*t));
    else w.null();
  };
  time("shipped_at", s.shipped_at);
  time("delivered_at", s.delivered_at);
  time("created_at", s.created_at);
  time("updated_at", s.updated_at);
  w.end_object();
}

Response shipment_response(int status, const Shipment& s) {
  json::Writer w;
  write_shipment(w, s);
  return json_response(status, w.take());
}

void write_pick_list(json::Writer& w, const fulfillment::PickList& p) {
  w.begin_object().kv("id", p.id).kv("location", p.location).kv_bool("open", p.open);
  w.kv("max_shipments", p.max_shipments).key("shipment_ids").begin_array();
  for (auto id : p.shipment_ids) w.i64(id);
  w.end_array().key("lines").begin_array();
  for (const auto& l : p.lines) {
    w.begin_object().kv("sku", l.sku).kv("bin", l.bin).kv("pick_seq", l.pick_seq);
    w.kv("description", l.description).kv("qty", l.qty).end_object();
  }
  w.end_array().kv("created_at", format_rfc3339_ms(p.created_at)).end_object();
}

void write_carrier(json::Writer& w, const fulfillment::Carrier& c) {
  w.begin_object().kv("code", c.code).kv("name", c.name).key("services").begin_array();
  for (const auto& s : c.services) w.str(s);
  w.end_array().kv_bool("active", c.active).kv_bool("default", c.is_default);
  w.kv("tracking_format", fulfillment::to_string(c.tracking_format));
  w.kv("tracking_prefix", c.tracking_prefix).kv("tracking_url_template", c.tracking_url_template);
  w.kv("max_parcel_weight_g", c.max_parcel_weight_g).end_object();
}

Response bytes_response(std::string content_type, std::string body, const std::string& filename) {
  Response r;
  r.status = 200;
  r.set_header("Content-Type", std::move(content_type));
  r.set_header("Content-Disposition", "inline; filename=\"" + filename + "\"");
  r.body = std::move(body);
  return r;
}

// ---- input ----

Result<fulfillment::Address> read_address(const json::Value& v, const std::string& path) {
  Object o = FONDACO_TRY(Object::of(v, path));
  fulfillment::Address a;
  a.name = FONDACO_TRY(o.req_string("name", kText));
  a.line1 = FONDACO_TRY(o.req_string("line1", kText));
  a.line2 = FONDACO_TRY(o.opt_string("line2", kText));
  a.city = FONDACO_TRY(o.req_string("city", kText));
  a.postal_code =
      FONDACO_TRY(o.opt_string("postal_code", {limits::kMaxPostalCodeChars, 0, false})).value_or("");
  a.province = FONDACO_TRY(o.opt_string("province", kText));
  a.country = FONDACO_TRY(o.req_string("country", {2, 2, false}));
  a.phone = FONDACO_TRY(o.opt_string("phone", {limits::kMaxPhoneChars, 1, false}));
  a.email = FONDACO_TRY(o.opt_string("email", {limits::kMaxEmailChars, 3, false}));
  FONDACO_TRY(o.finish());
  return a;
}

Result<fulfillment::LineInput> read_line(const json::Value& v, const std::string& path) {
  Object o = FONDACO_TRY(Object::of(v, path));
  fulfillment::LineInput l;
  l.sku = FONDACO_TRY(o.req_string("sku", {limits::kMaxSkuChars, 1, false}));
  l.gtin = FONDACO_TRY(o.opt_string("gtin", {14, 1, false}));
  l.description =
      FONDACO_TRY(o.opt_string("description", {limits::kMaxShipmentDescriptionChars, 0, false}))
          .value_or("");
  l.qty = FONDACO_TRY(o.req_int("qty", {1, limits::kMaxQuantity}));
  l.weight_g = FONDACO_TRY(o.opt_int("weight_g", {0, limits::kMaxWeightGrams})).value_or(0);
  l.bin = FONDACO_TRY(o.opt_string("bin", kCode));
  l.pick_seq = FONDACO_TRY(o.opt_int("pick_seq", {0, limits::kMaxPickSeq})).value_or(0);
  FONDACO_TRY(o.finish());
  return l;
}

Result<fulfillment::ShipmentInput> read_shipment_input(Object& o) {
  fulfillment::ShipmentInput in;
  in.source_key = FONDACO_TRY(o.req_string("source_key", {limits::kMaxSourceKeyChars, 1, false}));
  in.order_id = FONDACO_TRY(o.opt_int("order_id", {1, INT64_MAX}));
  in.order_number = FONDACO_TRY(o.req_string("order_number", {limits::kMaxExternalRefChars, 1, false}));
  in.location = FONDACO_TRY(o.req_string("location", kCode));
  const json::Value* to = FONDACO_TRY(o.opt_object("ship_to"));
  if (!to) return fail(ErrorCode::invalid_argument, "is required", "ship_to");
  in.ship_to = FONDACO_TRY(read_address(*to, "ship_to"));
  if (const json::Value* from = FONDACO_TRY(o.opt_object("ship_from")))
    in.ship_from = FONDACO_TRY(read_address(*from, "ship_from"));
  const json::Value* lines = FONDACO_TRY(o.req_array("lines", limits::kMaxShipmentLines));
  for (rapidjson::SizeType i = 0; i < lines->Size(); ++i)
    in.lines.push_back(FONDACO_TRY(read_line((*lines)[i], json::index_path("lines", i))));
  in.carrier = FONDACO_TRY(o.opt_string("carrier", {limits::kMaxCarrierCodeChars, 1, false}));
  in.service = FONDACO_TRY(o.opt_string("service", {limits::kMaxCarrierCodeChars, 1, false}));
  in.cod_amount_minor = FONDACO_TRY(o.opt_int("cod_amount_minor", {1, limits::kMaxAmountMinor}));
  in.cod_currency = FONDACO_TRY(o.opt_string("cod_currency", {3, 3, false}));
  in.parcels = FONDACO_TRY(o.opt_int("parcels", {1, limits::kMaxParcels})).value_or(1);
  FONDACO_TRY(o.finish());
  return in;
}

// POSTs whose body is optional: an empty body reads as {}.
Result<std::unique_ptr<json::Document>> optional_body(const Ctx& c) {
  if (c.req.body.empty()) return json::parse("{}");
  return json_body(c);
}

// ---- shipments ----

Result<Response> create_shipment(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const auto in = FONDACO_TRY(read_shipment_input(o));
  Fulfillment f(c.s.log);
  // 201 for a new shipment, 200 with the existing one for a source key already used.
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<std::pair<Shipment, bool>> {
        if (auto existing = FONDACO_TRY(Fulfillment::find_by_source(tx, in.source_key)))
          return std::pair{std::move(*existing), false};
        return std::pair{FONDACO_TRY(f.create_shipment(tx, in, c.now_ms())), true};
      },
      [](const std::pair<Shipment, bool>& r) {
        return shipment_response(r.second ? 201 : 200, r.first);
      });
}

Result<fulfillment::ShipmentFilter> read_filter(const Ctx& c) {
  fulfillment::ShipmentFilter f;
  if (auto it = c.query.find("order_id"); it != c.query.end()) {
    const auto& v = it->second;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
      return fail(ErrorCode::invalid_argument, "must be an order id", "order_id");
    f.order_id = std::stoll(v);
  }
  if (auto it = c.query.find("status"); it != c.query.end()) {
    f.status = fulfillment::parse_status(it->second);
    if (!f.status)
      return fail(ErrorCode::invalid_argument,
                  "must be pending, picking, packed, shipped, delivered, cancelled or exception",
                  "status");
  }
  if (auto it = c.query.find("location"); it != c.query.end()) f.location = it->second;
  if (auto it = c.query.find("carrier"); it != c.query.end()) f.carrier = it->second;
  return f;
}

Result<Response> list_shipments(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor", "order_id", "status", "location", "carrier"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  const auto filter = FONDACO_TRY(read_filter(c));
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) {
    return Fulfillment::list(tx, filter, page.after_id, page.limit);
  }));
  json::Writer w;
  w.begin_array();
  for (const auto& s : result.items) write_shipment(w, s);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<Response> get_shipment(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto s = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) { return Fulfillment::get(tx, id); }));
  return shipment_response(200, s);
}

Result<Response> scan(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const auto code = FONDACO_TRY(o.req_string("code", {limits::kMaxSkuChars, 1, false}));
  FONDACO_TRY(o.finish());
  Fulfillment f(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return f.scan(tx, id, code, c.now_ms()); },
      [](const fulfillment::ScanResult& r) {
        json::Writer w;
        w.begin_object().kv("line_no", r.line_no).kv_bool("complete", r.complete).key("shipment");
        write_shipment(w, r.shipment);
        w.end_object();
        return json_response(200, w.take());
      });
}

Result<Response> make_label(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(optional_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  fulfillment::LabelOptions opts;
  opts.carrier = FONDACO_TRY(o.opt_string("carrier", {limits::kMaxCarrierCodeChars, 1, false}));
  opts.service = FONDACO_TRY(o.opt_string("service", {limits::kMaxCarrierCodeChars, 1, false}));
  opts.parcels = FONDACO_TRY(o.opt_int("parcels", {1, limits::kMaxParcels}));
  FONDACO_TRY(o.finish());
  Fulfillment f(c.s.log);
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<Shipment> {
        FONDACO_TRY(f.label(tx, id, c.now_ms(), opts));
        return Fulfillment::get(tx, id);
      },
      [](const Shipment& s) { return shipment_response(201, s); });
}

Result<Response> label_file(Ctx& c, bool pdf) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto l = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) { return Fulfillment::get_label(tx, id); }));
  const std::string name = "label-" + l.tracking_number;
  if (pdf) return bytes_response("application/pdf", std::move(l.pdf), name + ".pdf");
  return bytes_response("application/zpl", std::move(l.zpl), name + ".zpl");
}

Result<Response> ship(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(optional_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const bool force = FONDACO_TRY(o.opt_bool("force")).value_or(false);
  FONDACO_TRY(o.finish());
  Fulfillment f(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return f.ship(tx, id, force, c.now_ms()); },
      [](const Shipment& s) { return shipment_response(200, s); });
}

Result<Response> cancel(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(optional_body(c));
  FONDACO_TRY(FONDACO_TRY(Object::of(doc->root())).finish());
  Fulfillment f(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return f.cancel(tx, id, c.now_ms()); },
      [](const Shipment& s) { return shipment_response(200, s); });
}

Result<Response> tracking(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const std::string ct = ascii_lower(c.req.header("Content-Type"));
  std::vector<fulfillment::TrackingUpdate> updates;
  if (ct.starts_with("text/csv")) {
    updates = FONDACO_TRY(fulfillment::parse_tracking_csv(c.req.body));
  } else if (ct.starts_with("application/json")) {
    updates = FONDACO_TRY(fulfillment::parse_tracking_json(c.req.body));
  } else {
    return fail(ErrorCode::unsupported_media_type, "Content-Type must be application/json or text/csv",
                "Content-Type");
  }
  Fulfillment f(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return f.apply_tracking(tx, updates, c.now_ms()); },
      [](const std::vector<fulfillment::TrackingOutcome>& out) {
        json::Writer w;
        std::int64_t applied = 0, ignored = 0, unknown = 0;
        w.begin_object().key("results").begin_array();
        for (const auto& o : out) {
          w.begin_object().kv("index", static_cast<std::int64_t>(o.index));
          w.kv("tracking_number", o.tracking_number).kv("outcome", o.outcome).key("status");
          if (o.status) w.str(fulfillment::to_string(*o.status));
          else w.null();
          w.kv("reason", o.reason).end_object();
          (o.outcome == "applied" ? applied : o.outcome == "ignored" ? ignored : unknown) += 1;
        }
        w.end_array().kv("applied", applied).kv("ignored", ignored).kv("unknown", unknown);
        w.end_object();
        return json_response(200, w.take());
      });
}

// ---- pick lists ----

Result<Response> create_pick_list(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const auto location = FONDACO_TRY(o.req_string("location", kCode));
  const auto max = FONDACO_TRY(o.opt_int("max_shipments", {1, limits::kMaxPickListShipments}))
                       .value_or(limits::kDefaultPickListShipments);
  FONDACO_TRY(o.finish());
  Fulfillment f(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return f.create_pick_list(tx, location, max, c.now_ms()); },
      [](const fulfillment::PickList& p) {
        json::Writer w;
        write_pick_list(w, p);
        return json_response(201, w.take());
      });
}

Result<Response> list_pick_lists(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor", "location"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  std::optional<std::string> location;
  if (auto it = c.query.find("location"); it != c.query.end()) location = it->second;
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) {
    return Fulfillment::list_pick_lists(tx, location, page.after_id, page.limit);
  }));
  json::Writer w;
  w.begin_array();
  for (const auto& p : result.items) write_pick_list(w, p);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<fulfillment::PickList> read_pick_list(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  return c.s.db.read([&](storage::Tx& tx) { return Fulfillment::get_pick_list(tx, id); });
}

Result<Response> get_pick_list(Ctx& c) {
  const auto p = FONDACO_TRY(read_pick_list(c));
  json::Writer w;
  write_pick_list(w, p);
  return json_response(200, w.take());
}

Result<Response> pick_list_pdf(Ctx& c) {
  const auto p = FONDACO_TRY(read_pick_list(c));
  auto pdf = FONDACO_TRY(fulfillment::pick_list_pdf(p));
  return bytes_response("application/pdf", std::move(pdf),
                        "pick-list-" + std::to_string(p.id) + ".pdf");
}

// ---- carriers ----

Result<Response> list_carriers(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  auto all = FONDACO_TRY(c.s.db.read([](storage::Tx& tx) { return Fulfillment::carriers(tx); }));
  json::Writer w;
  w.begin_object().key("items").begin_array();
  for (const auto& ca : all) write_carrier(w, ca);
  w.end_array().end_object();
  return json_response(200, w.take());
}

Result<std::vector<std::string>> read_services(Object& o) {
  const json::Value* arr = FONDACO_TRY(o.req_array("services", limits::kMaxCarrierServices));
  std::vector<std::string> out;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i)
    out.push_back(FONDACO_TRY(json::check_string((*arr)[i], json::index_path("services", i),
                                                 {limits::kMaxCarrierCodeChars, 1, false})));
  return out;
}

Result<Response> put_carrier(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  fulfillment::Carrier ca;
  ca.code = c.path.at("code");
  ca.name = FONDACO_TRY(o.req_string("name", {limits::kMaxShortTextChars, 1, false}));
  ca.services = FONDACO_TRY(read_services(o));
  ca.active = FONDACO_TRY(o.opt_bool("active")).value_or(true);
  ca.is_default = FONDACO_TRY(o.opt_bool("default")).value_or(false);
  const auto fmt = FONDACO_TRY(o.req_string("tracking_format", {16, 1, false}));
  auto parsed = fulfillment::parse_tracking_format(fmt);
  if (!parsed)
    return fail(ErrorCode::invalid_argument, "must be numeric, s10 or generic", "tracking_format");
  ca.tracking_format = *parsed;
  ca.tracking_prefix = FONDACO_TRY(o.req_string("tracking_prefix", {limits::kMaxTrackingPrefixChars, 1, false}));
  ca.tracking_url_template =
      FONDACO_TRY(o.opt_string("tracking_url_template", {limits::kMaxUrlChars, 1, false}));
  ca.max_parcel_weight_g =
      FONDACO_TRY(o.req_int("max_parcel_weight_g", {1, limits::kMaxWeightGrams}));
  FONDACO_TRY(o.finish());
  Fulfillment f(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return f.put_carrier(tx, ca, c.now_ms()); },
      [](const fulfillment::Carrier& out) {
        json::Writer w;
        write_carrier(w, out);
        return json_response(200, w.take());
      });
}

// ---- manifests ----

Response manifest_json(const fulfillment::Manifest& m) {
  json::Writer w;
  w.begin_object().kv("carrier", m.carrier).kv("date", m.date).key("items").begin_array();
  for (const auto& r : m.rows) {
    w.begin_object().kv("shipment_id", r.shipment_id).kv("tracking_number", r.tracking_number);
    w.kv("order_number", r.order_number).kv("recipient", r.recipient).kv("city", r.city);
    w.kv("postal_code", r.postal_code).kv("country", r.country).kv("parcels", r.parcels);
    w.kv("weight_g", r.weight_g).kv("cod_amount_minor", r.cod_amount_minor);
    w.kv("cod_currency", r.cod_currency).end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

enum class Format { json, csv, pdf };

Result<Response> manifest(Ctx& c, const std::string& carrier, const std::string& date, Format f) {
  auto m = FONDACO_TRY(
      c.s.db.read([&](storage::Tx& tx) { return Fulfillment::manifest(tx, carrier, date); }));
  const std::string name = "manifest-" + m.carrier + "-" + m.date;
  switch (f) {
    case Format::csv:
      return bytes_response("text/csv; charset=utf-8", fulfillment::manifest_csv(m), name + ".csv");
    case Format::pdf:
      return bytes_response("application/pdf", FONDACO_TRY(fulfillment::manifest_pdf(m)),
                            name + ".pdf");
    case Format::json: break;
  }
  return manifest_json(m);
}

Result<Response> manifest_query(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"carrier", "date"}));
  auto carrier = c.query.find("carrier");
  if (carrier == c.query.end()) return fail(ErrorCode::invalid_argument, "is required", "carrier");
  auto date = c.query.find("date");
  if (date == c.query.end()) return fail(ErrorCode::invalid_argument, "is required", "date");
  const std::string accept = ascii_lower(c.req.header("Accept"));
  const Format f = accept.find("text/csv") != std::string::npos          ? Format::csv
                   : accept.find("application/pdf") != std::string::npos ? Format::pdf
                                                                         : Format::json;
  return manifest(c, carrier->second, date->second, f);
}

Result<Response> manifest_file(Ctx& c, Format f) {
  FONDACO_TRY(allow_query(c, {}));
  return manifest(c, c.path.at("carrier"), c.path.at("date"), f);
}

Access workers() { return roles({Role::logistics}); }
Access readers() { return roles({Role::logistics, Role::manager, Role::customer_care}); }

}  // namespace

std::vector<Route> fulfillment_routes() {
  return {
      {"POST", "/api/v1/shipments", workers(), create_shipment},
      {"GET", "/api/v1/shipments", readers(), list_shipments},
      {"GET", "/api/v1/shipments/{id}", readers(), get_shipment},
      {"POST", "/api/v1/shipments/tracking", roles({Role::logistics, Role::integration}), tracking},
      {"POST", "/api/v1/shipments/{id}/scan", workers(), scan},
      {"POST", "/api/v1/shipments/{id}/label", workers(), make_label},
      {"GET", "/api/v1/shipments/{id}/label.pdf", readers(),
       [](Ctx& c) { return label_file(c, true); }},
      {"GET", "/api/v1/shipments/{id}/label.zpl", readers(),
       [](Ctx& c) { return label_file(c, false); }},
      {"POST", "/api/v1/shipments/{id}/ship", workers(), ship},
      {"POST", "/api/v1/shipments/{id}/cancel", workers(), cancel},
      {"POST", "/api/v1/pick-lists", workers(), create_pick_list},
      {"GET", "/api/v1/pick-lists", readers(), list_pick_lists},
      {"GET", "/api/v1/pick-lists/{id}", readers(), get_pick_list},
      {"GET", "/api/v1/pick-lists/{id}.pdf", readers(), pick_list_pdf},
      {"GET", "/api/v1/carriers", readers(), list_carriers},
      {"PUT", "/api/v1/carriers/{code}", workers(), put_carrier},
      {"GET", "/api/v1/manifests", readers(), manifest_query},
      {"GET", "/api/v1/manifests/{carrier}/{date}.csv", readers(),
       [](Ctx& c) { return manifest_file(c, Format::csv); }},
      {"GET", "/api/v1/manifests/{carrier}/{date}.pdf", readers(),
       [](Ctx& c) { return manifest_file(c, Format::pdf); }},
  };
}

}  // namespace fondaco::api
