// Carrier tracking updates (parsers of the generic webhook's JSON and CSV, and their
// application) and the daily manifest read. Updates are applied row by row with
// conditional UPDATEs: delivered is final, and an update older than the last one applied
// (tracking_at) never moves the status.
#include <algorithm>
#include <chrono>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "internal.h"

namespace fondaco::fulfillment {

using storage::Tx;

namespace {

std::optional<TrackingEvent> parse_event(std::string_view s) {
  if (s == "in_transit") return TrackingEvent::in_transit;
  if (s == "delivered") return TrackingEvent::delivered;
  if (s == "exception") return TrackingEvent::exception;
  return std::nullopt;
}

// RFC 3339, or a bare day (midnight UTC) as carriers' CSV exports often give.
std::optional<std::int64_t> parse_when(std::string_view s) {
  if (s.size() == 10 && detail::is_valid_day(s)) {
    using namespace std::chrono;
    const year_month_day ymd{year{std::stoi(std::string(s.substr(0, 4)))},
                             month{static_cast<unsigned>(std::stoi(std::string(s.substr(5, 2))))},
                             day{static_cast<unsigned>(std::stoi(std::string(s.substr(8, 2))))}};
    return static_cast<std::int64_t>(sys_days{ymd}.time_since_epoch().count()) * 86'400'000;
  }
  return parse_rfc3339(s);
}

bool valid_tracking(std::string_view t) {
  return !t.empty() && t.size() <= limits::kMaxTrackingNumberChars &&
         std::all_of(t.begin(), t.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  c == '-' || c == '_';
         });
}

Result<TrackingUpdate> make_update(std::string_view tracking, std::string_view status,
                                   std::string_view when, const std::string& base,
                                   const char* sep) {
  if (!valid_tracking(tracking))
    return fail(ErrorCode::invalid_argument, "must be 1-64 of A-Z a-z 0-9 - _",
                base + sep + "tracking_number");
  auto ev = parse_event(status);
  if (!ev)
    return fail(ErrorCode::invalid_argument, "must be in_transit, delivered or exception",
                base + sep + "status");
  auto at = parse_when(when);
  if (!at)
    return fail(ErrorCode::invalid_argument, "must be an RFC 3339 time or YYYY-MM-DD",
                base + sep + (sep[0] == '.' ? "at" : "date"));
  return TrackingUpdate{std::string(tracking), *ev, *at};
}

// Splits one CSV record (no embedded newlines) into fields; double quotes may wrap a field.
std::optional<std::vector<std::string>> csv_fields(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"' && out.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
    if (out.size() > 3) return std::nullopt;
  }
  if (quoted) return std::nullopt;
  for (auto& f : out) {
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.pop_back();
    while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.erase(0, 1);
  }
  return out;
}

std::string csv_cell(const std::string& v) {
  std::string s = v;
  // A cell that a spreadsheet would run as a formula is prefixed with a quote.
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The UPDATE for one event: its target status, the states it may leave, whether it obeys
// the time order.
struct Move {
  const char* to;
  const char* from;
  bool ordered;
  const char* event;
};
Move move_for(TrackingEvent e) {
  switch (e) {
    case TrackingEvent::delivered:
      return {"delivered", "'shipped', 'exception'", false, "shipment.delivered"};
    case TrackingEvent::exception: return {"exception", "'shipped'", true, "shipment.exception"};
    case TrackingEvent::in_transit:
      return {"shipped", "'shipped', 'exception'", true, "shipment.in_transit"};
  }
  return {"shipped", "'shipped'", true, ""};
}

}  // namespace

std::string_view to_string(TrackingEvent e) {
  switch (e) {
    case TrackingEvent::in_transit: return "in_transit";
    case TrackingEvent::delivered: return "delivered";
    case TrackingEvent::exception: return "exception";
  }
  return "in_transit";
}

Result<std::vector<TrackingUpdate>> parse_tracking_json(std::string_view body) {
  if (body.size() > limits::kMaxRequestBodyBytes)
    return fail(ErrorCode::payload_too_large, "tracking update body too large");
  auto doc = FONDACO_TRY(json::parse(body));
  const auto& root = doc->root();
  if (!root.IsArray())
    return fail(ErrorCode::invalid_argument, "must be an array of tracking updates", "body");
  if (root.Size() == 0 || root.Size() > limits::kMaxTrackingUpdates)
    return fail(ErrorCode::invalid_argument, "must hold 1-5000 updates", "body");
  std::vector<TrackingUpdate> out;
  for (rapidjson::SizeType i = 0; i < root.Size(); ++i) {
    const std::string base = "[" + std::to_string(i) + "]";
    auto o = FONDACO_TRY(json::Object::of(root[i], base));
    const auto t = FONDACO_TRY(o.req_string("tracking_number", {limits::kMaxTrackingNumberChars, 1}));
    const auto st = FONDACO_TRY(o.req_string("status", {32, 1}));
    const auto at = FONDACO_TRY(o.req_string("at", {64, 1}));
    FONDACO_TRY(o.finish());
    out.push_back(FONDACO_TRY(make_update(t, st, at, base, ".")));
  }
  return out;
}

Result<std::vector<TrackingUpdate>> parse_tracking_csv(std::string_view body) {
  if (body.size() > limits::kMaxRequestBodyBytes)
    return fail(ErrorCode::payload_too_large, "tracking update body too large");
  if (!is_valid_utf8(body)) return fail(ErrorCode::invalid_argument, "not UTF-8", "body");
  std::vector<TrackingUpdate> out;
  bool header = false;
  std::size_t line_no = 0;
  while (!body.empty()) {
    const auto nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view{} : body.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::string where = "line " + std::to_string(line_no);
    auto f = csv_fields(line);
    if (!f || f->size() != 3)
      return fail(ErrorCode::invalid_argument, "must be 3 fields: tracking_number,status,date",
                  where);
    if (!header) {
      if (ascii_lower((*f)[0]) != "tracking_number" || ascii_lower((*f)[1]) != "status" ||
          ascii_lower((*f)[2]) != "date")
        return fail(ErrorCode::invalid_argument, "header must be tracking_number,status,date",
                    where);
      header = true;
      continue;
    }
    if (out.size() == limits::kMaxTrackingUpdates)
      return fail(ErrorCode::invalid_argument, "at most 5000 updates", where);
    out.push_back(FONDACO_TRY(make_update((*f)[0], ascii_lower((*f)[1]), (*f)[2], where, ": ")));
  }
  if (out.empty()) return fail(ErrorCode::invalid_argument, "no tracking updates", "body");
  return out;
}

Result<std::vector<TrackingOutcome>> Fulfillment::apply_tracking(
    Tx& tx, std::span<const TrackingUpdate> updates, std::int64_t now_ms) {
  if (updates.size() > limits::kMaxTrackingUpdates)
    return fail(ErrorCode::invalid_argument, "at most 5000 updates", "body");
  std::vector<TrackingOutcome> out;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    const auto& u = updates[i];
    TrackingOutcome o{i, u.tracking_number, "unknown", std::nullopt, "no shipment has it"};
    auto found = FONDACO_TRY(tx.query(
        "SELECT id, status FROM shipments WHERE tracking_number = ?", {u.tracking_number}));
    if (found.empty()) {
      out.push_back(std::move(o));
      continue;
    }
    const std::int64_t id = found.i64(0, 0);
    const auto before = parse_status(found.text(0, 1));
    const Move m = move_for(u.event);
    const std::string sql = std::string("UPDATE shipments SET status = '") + m.to +
                            "', tracking_at = ?, updated_at = ?" +
                            (u.event == TrackingEvent::delivered ? ", delivered_at = ?" : "") +
                            " WHERE id = ? AND status IN (" + m.from + ")" +
                            (m.ordered ? " AND (tracking_at IS NULL OR tracking_at <= ?)" : "");
    std::vector<storage::Value> params{u.at_ms, now_ms};
    if (u.event == TrackingEvent::delivered) params.emplace_back(u.at_ms);
    params.emplace_back(id);
    if (m.ordered) params.emplace_back(u.at_ms);
    const auto n = FONDACO_TRY(tx.exec(sql, std::span<const storage::Value>(params)));
    if (n == 1) {
      o.outcome = "applied";
      o.reason.clear();
      o.status = parse_status(m.to);
      if (before != o.status) FONDACO_TRY(emit(tx, m.event, FONDACO_TRY(get(tx, id)), now_ms));
    } else {
      // Nothing moved. Read the status again: on PostgreSQL another writer may have changed
      // it since the read above.
      auto now = FONDACO_TRY(tx.query("SELECT status FROM shipments WHERE id = ?", {id}));
      const auto status = parse_status(now.text(0, 0));
      o.outcome = "ignored";
      o.status = status;
      o.reason = status == Status::delivered ? "already delivered"
                 : (status == Status::shipped || status == Status::exception)
                     ? "older than the last update applied"
                     : "shipment is " + now.text(0, 0);
    }
    out.push_back(std::move(o));
  }
  return out;
}

Result<Manifest> Fulfillment::manifest(Tx& tx, std::string_view carrier, std::string_view date) {
  if (!detail::is_valid_day(date))
    return fail(ErrorCode::invalid_argument, "must be a date YYYY-MM-DD", "date");
  Carrier c = FONDACO_TRY(detail::load_carrier(tx, carrier, "carrier"));
  Manifest m{c.code, c.name, std::string(date), {}};
  auto rows = FONDACO_TRY(tx.query(
      "SELECT id FROM shipments WHERE carrier = ? AND shipped_day = ? AND status IN ('shipped', "
      "'delivered', 'exception') ORDER BY id",
      {c.code, std::string(date)}));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Shipment s = FONDACO_TRY(get(tx, rows.i64(i, 0)));
    m.rows.push_back(ManifestRow{s.id, s.tracking_number.value_or(""), s.order_number,
                                 s.ship_to.name, s.ship_to.city, s.ship_to.postal_code,
                                 s.ship_to.country, s.parcels, s.weight_g, s.cod_amount_minor,
                                 s.cod_currency});
  }
  return m;
}

std::string manifest_csv(const Manifest& m) {
  std::string out =
      "tracking_number,order_number,recipient,city,postal_code,country,parcels,weight_g,"
      "cod_amount_minor,cod_currency\r\n";
  for (const auto& r : m.rows) {
    out += csv_cell(r.tracking_number) + "," + csv_cell(r.order_number) + "," +
           csv_cell(r.recipient) + "," + csv_cell(r.city) + "," + csv_cell(r.postal_code) + "," +
           csv_cell(r.country) + "," + std::to_string(r.parcels) + "," +
           std::to_string(r.weight_g) + "," +
           (r.cod_amount_minor ? std::to_string(*r.cod_amount_minor) : "") + "," +
           csv_cell(r.cod_currency.value_or("")) + "\r\n";
  }
  return out;
}

}  // namespace fondaco::fulfillment
