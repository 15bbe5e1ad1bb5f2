// Shipments: creation (idempotent per source key), reads, pack scans, ship, cancel. Every
// status change is one conditional UPDATE whose WHERE names the states it may leave, so
// concurrent writers cannot both move a shipment (READ COMMITTED re-checks the WHERE on
// the row it waited for).
#include <algorithm>
#include <array>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "internal.h"

namespace fondaco::fulfillment {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

constexpr std::array<std::string_view, 7> kStatusNames = {
    "pending", "picking", "packed", "shipped", "delivered", "cancelled", "exception"};

constexpr std::string_view kCols =
    "s.id, s.source_key, s.order_id, s.order_number, s.location, s.status, s.ship_to, "
    "s.ship_from, s.carrier, s.service, s.cod_amount_minor, s.cod_currency, s.parcels, "
    "s.weight_g, s.tracking_number, s.pick_list_id, s.has_label, s.forced, s.shipped_at, "
    "s.delivered_at, s.tracking_at, s.created_at, s.updated_at, c.tracking_url_template";
constexpr std::string_view kFrom = " FROM shipments s JOIN carriers c ON c.code = s.carrier ";

Result<Shipment> shipment_from(const Rows& r, std::size_t i) {
  Shipment s;
  s.id = r.i64(i, 0);
  s.source_key = r.text(i, 1);
  s.order_id = r.opt_i64(i, 2);
  s.order_number = r.text(i, 3);
  s.location = r.text(i, 4);
  s.status = parse_status(r.text(i, 5)).value_or(Status::exception);
  s.ship_to = FONDACO_TRY(detail::address_from_json(r.text(i, 6)));
  if (!r.is_null(i, 7)) s.ship_from = FONDACO_TRY(detail::address_from_json(r.text(i, 7)));
  s.carrier = r.text(i, 8);
  s.service = r.text(i, 9);
  s.cod_amount_minor = r.opt_i64(i, 10);
  s.cod_currency = r.opt_text(i, 11);
  s.parcels = r.i64(i, 12);
  s.weight_g = r.i64(i, 13);
  s.tracking_number = r.opt_text(i, 14);
  s.pick_list_id = r.opt_i64(i, 15);
  s.has_label = r.i64(i, 16) != 0;
  s.forced = r.i64(i, 17) != 0;
  s.shipped_at = r.opt_i64(i, 18);
  s.delivered_at = r.opt_i64(i, 19);
  s.tracking_at = r.opt_i64(i, 20);
  s.created_at = r.i64(i, 21);
  s.updated_at = r.i64(i, 22);
  s.tracking_url = tracking_url(r.opt_text(i, 23), s.tracking_number);
  return s;
}

Result<void> load_lines(Tx& tx, Shipment& s) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT line_no, sku, gtin, description, qty, scanned, weight_g, bin, pick_seq "
      "FROM shipment_lines WHERE shipment_id = ? ORDER BY line_no",
      {s.id}));
  for (std::size_t i = 0; i < rows.size(); ++i)
    s.lines.push_back(ShipmentLine{rows.i64(i, 0), rows.text(i, 1), rows.opt_text(i, 2),
                                   rows.text(i, 3), rows.i64(i, 4), rows.i64(i, 5),
                                   rows.i64(i, 6), rows.opt_text(i, 7), rows.i64(i, 8)});
  return ok();
}

std::string at(std::string_view base, std::string_view member) {
  return std::string(base) + "." + std::string(member);
}

Result<void> check_text(const std::string& v, const std::string& field, std::size_t max,
                        bool required = true) {
  if (!is_valid_utf8(v) || has_control_chars(v) || utf8_length(v) > max ||
      (required && v.empty()))
    return fail(ErrorCode::invalid_argument,
                "must be " + std::string(required ? "1" : "0") + "-" + std::to_string(max) +
                    " characters without control characters",
                field);
  return ok();
}

Result<void> check_opt(const std::optional<std::string>& v, const std::string& field,
                       std::size_t max) {
  if (v) FONDACO_TRY(check_text(*v, field, max, false));
  return ok();
}

Result<void> check_address(const Address& a, std::string_view base) {
  FONDACO_TRY(check_text(a.name, at(base, "name"), limits::kMaxShortTextChars));
  FONDACO_TRY(check_text(a.line1, at(base, "line1"), limits::kMaxShortTextChars));
  FONDACO_TRY(check_opt(a.line2, at(base, "line2"), limits::kMaxShortTextChars));
  FONDACO_TRY(check_text(a.city, at(base, "city"), limits::kMaxShortTextChars));
  // Empty where a country has no postal codes (orders allow it too).
  FONDACO_TRY(check_text(a.postal_code, at(base, "postal_code"), limits::kMaxPostalCodeChars, false));
  FONDACO_TRY(check_opt(a.province, at(base, "province"), limits::kMaxShortTextChars));
  FONDACO_TRY(check_opt(a.phone, at(base, "phone"), limits::kMaxPhoneChars));
  FONDACO_TRY(check_opt(a.email, at(base, "email"), limits::kMaxEmailChars));
  if (a.email && !a.email->empty() && a.email->find('@') == std::string::npos)
    return fail(ErrorCode::invalid_argument, "must be an e-mail address", at(base, "email"));
  if (a.country.size() != 2 || !std::all_of(a.country.begin(), a.country.end(),
                                            [](char c) { return c >= 'A' && c <= 'Z'; }))
    return fail(ErrorCode::invalid_argument, "must be an ISO 3166-1 alpha-2 code (IT)",
                at(base, "country"));
  return ok();
}

Result<void> check_line(const LineInput& l, std::size_t i) {
  const std::string base = json::index_path("lines", i);
  if (!is_valid_code(l.sku, limits::kMaxSkuChars))
    return fail(ErrorCode::invalid_argument, "must be a SKU", at(base, "sku"));
  if (l.gtin) {
    if (l.gtin->empty() || l.gtin->size() > 14 ||
        !std::all_of(l.gtin->begin(), l.gtin->end(), [](char c) { return c >= '0' && c <= '9'; }))
      return fail(ErrorCode::invalid_argument, "must be 8, 12, 13 or 14 digits", at(base, "gtin"));
    if (!is_valid_gtin(*l.gtin))
      return fail(ErrorCode::unprocessable, "GS1 check digit is wrong", at(base, "gtin"));
  }
  FONDACO_TRY(check_text(l.description, at(base, "description"),
                         limits::kMaxShipmentDescriptionChars, false));
  if (l.qty < 1 || l.qty > limits::kMaxQuantity)
    return fail(ErrorCode::invalid_argument, "must be 1-1000000", at(base, "qty"));
  if (l.weight_g < 0 || l.weight_g > limits::kMaxWeightGrams)
    return fail(ErrorCode::invalid_argument, "must be 0-10000000 grams", at(base, "weight_g"));
  if (l.bin && !is_valid_code(*l.bin, limits::kMaxCodeChars))
    return fail(ErrorCode::invalid_argument, "must be a location code", at(base, "bin"));
  if (l.pick_seq < 0 || l.pick_seq > limits::kMaxPickSeq)
    return fail(ErrorCode::invalid_argument, "must be 0-1000000000", at(base, "pick_seq"));
  return ok();
}

Result<void> check_money(const ShipmentInput& in) {
  if (in.cod_amount_minor.has_value() != in.cod_currency.has_value())
    return fail(ErrorCode::invalid_argument, "cod_amount_minor and cod_currency go together",
                in.cod_amount_minor ? "cod_currency" : "cod_amount_minor");
  if (in.cod_amount_minor && (*in.cod_amount_minor <= 0 ||
                              *in.cod_amount_minor > limits::kMaxAmountMinor))
    return fail(ErrorCode::invalid_argument, "must be a positive amount", "cod_amount_minor");
  if (in.cod_currency &&
      (in.cod_currency->size() != 3 ||
       !std::all_of(in.cod_currency->begin(), in.cod_currency->end(),
                    [](char c) { return c >= 'A' && c <= 'Z'; })))
    return fail(ErrorCode::invalid_argument, "must be an ISO 4217 code (EUR)", "cod_currency");
  return ok();
}

Result<void> check_input(const ShipmentInput& in) {
  FONDACO_TRY(check_text(in.source_key, "source_key", limits::kMaxSourceKeyChars));
  if (in.order_id && *in.order_id <= 0)
    return fail(ErrorCode::invalid_argument, "must be positive", "order_id");
  FONDACO_TRY(check_text(in.order_number, "order_number", limits::kMaxExternalRefChars));
  if (!is_valid_code(in.location, limits::kMaxCodeChars))
    return fail(ErrorCode::invalid_argument, "must be a location code", "location");
  FONDACO_TRY(check_address(in.ship_to, "ship_to"));
  if (in.ship_from) FONDACO_TRY(check_address(*in.ship_from, "ship_from"));
  if (in.lines.empty() || in.lines.size() > limits::kMaxShipmentLines)
    return fail(ErrorCode::invalid_argument, "must have 1-500 lines", "lines");
  for (std::size_t i = 0; i < in.lines.size(); ++i) FONDACO_TRY(check_line(in.lines[i], i));
  FONDACO_TRY(check_money(in));
  if (in.parcels < 1 || in.parcels > limits::kMaxParcels)
    return fail(ErrorCode::invalid_argument, "must be 1-99", "parcels");
  return ok();
}

Result<std::optional<std::int64_t>> find_id_by_source(Tx& tx, const std::string& key) {
  auto rows = FONDACO_TRY(tx.query("SELECT id FROM shipments WHERE source_key = ?", {key}));
  if (rows.empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(rows.i64(0, 0));
}

// The carrier and service a new shipment uses: the named or the default carrier, active.
Result<std::pair<std::string, std::string>> pick_carrier(Tx& tx, const ShipmentInput& in) {
  std::string code = in.carrier.value_or("");
  if (!in.carrier) {
    auto rows = FONDACO_TRY(tx.query("SELECT code FROM carriers WHERE is_default = 1"));
    if (rows.empty()) return fail(ErrorCode::invalid_argument, "no default carrier", "carrier");
    code = rows.text(0, 0);
  }
  auto found = detail::load_carrier(tx, code, "carrier");
  if (!found) return fail(ErrorCode::invalid_argument, "unknown carrier", "carrier");
  if (!found->active) return fail(ErrorCode::invalid_argument, "carrier is not active", "carrier");
  std::string service = in.service.value_or(found->services.front());
  if (std::find(found->services.begin(), found->services.end(), service) == found->services.end())
    return fail(ErrorCode::invalid_argument, "not a service of carrier " + code, "service");
  return std::pair{code, service};
}

Result<void> insert_lines(Tx& tx, std::int64_t id, const std::vector<LineInput>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    FONDACO_TRY(tx.exec(
        "INSERT INTO shipment_lines (shipment_id, line_no, sku, gtin, description, qty, "
        "scanned, weight_g, bin, pick_seq) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
        {id, static_cast<std::int64_t>(i + 1), l.sku, storage::opt_value(l.gtin), l.description,
         l.qty, l.weight_g, storage::opt_value(l.bin), l.pick_seq}));
  }
  return ok();
}

std::int64_t total_weight(const std::vector<LineInput>& lines) {
  std::int64_t w = 0;  // bounded: 500 lines × 10^6 units × 10^7 g < 2^63
  for (const auto& l : lines) w += l.qty * l.weight_g;
  return w;
}

// Locks the shipment row (a no-op update) when it is in one of `from`; false otherwise.
Result<bool> lock_in(Tx& tx, std::int64_t id, std::string_view from_list) {
  const auto n = FONDACO_TRY(tx.exec("UPDATE shipments SET updated_at = updated_at WHERE id = ? "
                                     "AND status IN (" + std::string(from_list) + ")",
                                     {id}));
  return n == 1;
}

// Why a conditional transition changed nothing: no such shipment, or its state.
Error wrong_state(Tx& tx, std::int64_t id, std::string_view what) {
  auto s = Fulfillment::get(tx, id);
  if (!s) return s.error();
  return make_error(ErrorCode::invalid_transition,
                    std::string(what) + " is not possible for a " +
                        std::string(to_string(s->status)) + " shipment",
                    "status");
}

}  // namespace

std::string_view to_string(Status s) { return kStatusNames[static_cast<std::size_t>(s)]; }

std::optional<Status> parse_status(std::string_view s) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i)
    if (kStatusNames[i] == s) return static_cast<Status>(i);
  return std::nullopt;
}

std::string tracking_url(const std::optional<std::string>& url_template,
                         const std::optional<std::string>& tracking) {
  if (!url_template || !tracking) return {};
  std::string out = *url_template;
  const auto pos = out.find("{tracking}");
  if (pos != std::string::npos) out.replace(pos, 10, *tracking);
  return out;
}

Result<void> Fulfillment::emit(Tx& tx, const char* type, const Shipment& s, std::int64_t now_ms) {
  json::Writer w;
  w.begin_object().kv("shipment_id", s.id).kv("order_id", s.order_id);
  w.kv("order_number", s.order_number).kv("location", s.location);
  w.kv("status", to_string(s.status)).kv("carrier", s.carrier).kv("service", s.service);
  w.kv("tracking_number", s.tracking_number).key("lines").begin_array();
  for (const auto& l : s.lines) w.begin_object().kv("sku", l.sku).kv("qty", l.qty).end_object();
  w.end_array().end_object();
  FONDACO_TRY(log_.append(tx, type, "shipment", std::to_string(s.id), w.take(), now_ms));
  return ok();
}

Result<Shipment> Fulfillment::create_shipment(Tx& tx, const ShipmentInput& in,
                                              std::int64_t now_ms) {
  FONDACO_TRY(check_input(in));
  if (auto id = FONDACO_TRY(find_id_by_source(tx, in.source_key))) return get(tx, *id);
  const auto [carrier, service] = FONDACO_TRY(pick_carrier(tx, in));
  // ON CONFLICT DO NOTHING: a concurrent creator of the same key waits on the unique index
  // and then finds no row returned; it answers with the committed shipment.
  auto inserted = FONDACO_TRY(tx.query(
      "INSERT INTO shipments (source_key, order_id, order_number, location, status, ship_to, "
      "ship_from, carrier, service, cod_amount_minor, cod_currency, parcels, weight_g, "
      "has_label, forced, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, "
      "?, ?, ?, ?, 0, 0, ?, ?) ON CONFLICT (source_key) DO NOTHING RETURNING id",
      {in.source_key, storage::opt_value(in.order_id), in.order_number, in.location,
       detail::address_json(in.ship_to),
       in.ship_from ? Value{detail::address_json(*in.ship_from)} : storage::null_value(),
       carrier, service, storage::opt_value(in.cod_amount_minor),
       storage::opt_value(in.cod_currency), in.parcels, total_weight(in.lines), now_ms,
       now_ms}));
  if (inserted.empty()) {
    auto id = FONDACO_TRY(find_id_by_source(tx, in.source_key));
    if (!id) return fail(ErrorCode::conflict, "shipment source key raced", "source_key");
    return get(tx, *id);
  }
  const std::int64_t id = inserted.i64(0, 0);
  FONDACO_TRY(insert_lines(tx, id, in.lines));
  Shipment s = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(emit(tx, "shipment.created", s, now_ms));
  return s;
}

Result<Shipment> Fulfillment::get(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(
      tx.query("SELECT " + std::string(kCols) + std::string(kFrom) + "WHERE s.id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "shipment not found", "id");
  Shipment s = FONDACO_TRY(shipment_from(rows, 0));
  FONDACO_TRY(load_lines(tx, s));
  return s;
}

Result<std::optional<Shipment>> Fulfillment::find_by_source(Tx& tx, std::string_view key) {
  auto id = FONDACO_TRY(find_id_by_source(tx, std::string(key)));
  if (!id) return std::optional<Shipment>{};
  return std::optional<Shipment>(FONDACO_TRY(get(tx, *id)));
}

Result<Page<Shipment>> Fulfillment::list(Tx& tx, const ShipmentFilter& f, std::int64_t after_id,
                                         int limit) {
  std::string sql = "SELECT " + std::string(kCols) + std::string(kFrom) + "WHERE s.id > ?";
  std::vector<Value> params{after_id};
  if (f.order_id) sql += " AND s.order_id = ?", params.emplace_back(*f.order_id);
  if (f.status) sql += " AND s.status = ?", params.emplace_back(std::string(to_string(*f.status)));
  if (f.location) sql += " AND s.location = ?", params.emplace_back(*f.location);
  if (f.carrier) sql += " AND s.carrier = ?", params.emplace_back(*f.carrier);
  sql += " ORDER BY s.id LIMIT ?";
  params.emplace_back(std::int64_t{limit + 1});
  auto rows = FONDACO_TRY(tx.query(sql, std::span<const Value>(params)));
  Page<Shipment> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
    Shipment s = FONDACO_TRY(shipment_from(rows, i));
    FONDACO_TRY(load_lines(tx, s));
    page.items.push_back(std::move(s));
  }
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<ScanResult> Fulfillment::scan(Tx& tx, std::int64_t shipment_id, std::string_view code,
                                     std::int64_t now_ms) {
  if (code.empty() || code.size() > limits::kMaxSkuChars || !is_valid_utf8(code))
    return fail(ErrorCode::invalid_argument, "must be a GTIN or SKU", "code");
  if (!FONDACO_TRY(lock_in(tx, shipment_id, "'pending', 'picking'")))
    return fail(wrong_state(tx, shipment_id, "scanning"));
  auto lines = FONDACO_TRY(tx.query(
      "SELECT line_no, qty, scanned FROM shipment_lines WHERE shipment_id = ? AND "
      "(gtin = ? OR sku = ?) ORDER BY line_no",
      {shipment_id, std::string(code), std::string(code)}));
  if (lines.empty())
    return fail(ErrorCode::unprocessable, "wrong item: no line of this shipment has this code",
                "code");
  std::optional<std::int64_t> line_no;
  for (std::size_t i = 0; i < lines.size() && !line_no; ++i)
    if (lines.i64(i, 2) < lines.i64(i, 1)) line_no = lines.i64(i, 0);
  if (!line_no)
    return fail(ErrorCode::conflict, "extra item: every unit with this code is already scanned",
                "code");
  const auto n = FONDACO_TRY(tx.exec(
      "UPDATE shipment_lines SET scanned = scanned + 1 WHERE shipment_id = ? AND line_no = ? "
      "AND scanned < qty",
      {shipment_id, *line_no}));
  if (n != 1) return fail(ErrorCode::conflict, "extra item", "code");
  auto left = FONDACO_TRY(tx.query(
      "SELECT COUNT(*) FROM shipment_lines WHERE shipment_id = ? AND scanned < qty", {shipment_id}));
  const bool complete = left.i64(0, 0) == 0;
  FONDACO_TRY(tx.exec("UPDATE shipments SET status = ?, updated_at = ? WHERE id = ? AND status IN "
                      "('pending', 'picking')",
                      {std::string(complete ? "packed" : "picking"), now_ms, shipment_id}));
  Shipment s = FONDACO_TRY(get(tx, shipment_id));
  if (complete) FONDACO_TRY(emit(tx, "shipment.packed", s, now_ms));
  return ScanResult{std::move(s), *line_no, complete};
}

Result<Shipment> Fulfillment::ship(Tx& tx, std::int64_t shipment_id, bool force,
                                   std::int64_t now_ms) {
  const std::string from = force ? "'pending', 'picking', 'packed'" : "'packed'";
  if (!FONDACO_TRY(lock_in(tx, shipment_id, from)))
    return fail(wrong_state(tx, shipment_id, "shipping"));
  Shipment s = FONDACO_TRY(get(tx, shipment_id));
  if (!s.has_label)
    return fail(ErrorCode::invalid_transition, "make the label before shipping", "label");
  const bool forced = s.status != Status::packed;
  FONDACO_TRY(tx.exec(
      "UPDATE shipments SET status = 'shipped', shipped_at = ?, shipped_day = ?, forced = ?, "
      "updated_at = ? WHERE id = ? AND status IN (" + from + ")",
      {now_ms, detail::utc_day(now_ms), std::int64_t{forced ? 1 : 0}, now_ms, shipment_id}));
  s = FONDACO_TRY(get(tx, shipment_id));
  FONDACO_TRY(emit(tx, "shipment.shipped", s, now_ms));
  return s;
}

Result<Shipment> Fulfillment::cancel(Tx& tx, std::int64_t shipment_id, std::int64_t now_ms) {
  const auto n = FONDACO_TRY(tx.exec(
      "UPDATE shipments SET status = 'cancelled', updated_at = ? WHERE id = ? AND status IN "
      "('pending', 'picking', 'packed')",
      {now_ms, shipment_id}));
  if (n != 1) return fail(wrong_state(tx, shipment_id, "cancelling"));
  Shipment s = FONDACO_TRY(get(tx, shipment_id));
  FONDACO_TRY(emit(tx, "shipment.cancelled", s, now_ms));
  return s;
}

}  // namespace fondaco::fulfillment
