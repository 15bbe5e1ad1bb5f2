// Carriers (configurable, seeded by the migration), their tracking-number formats and
// counters, and small shared helpers (address JSON, UTC days).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "internal.h"

namespace fondaco::fulfillment {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

constexpr std::array<std::string_view, 3> kFormatNames = {"numeric", "s10", "generic"};
constexpr std::string_view kCarrierCols =
    "code, name, services, active, is_default, tracking_format, tracking_prefix, "
    "tracking_url_template, max_parcel_weight_g, updated_at";

std::vector<std::string> split_services(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    const auto end = comma == std::string::npos ? s.size() : comma;
    if (end > start) out.push_back(s.substr(start, end - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string join_services(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

Carrier carrier_from(const Rows& r, std::size_t i) {
  return Carrier{r.text(i, 0),
                 r.text(i, 1),
                 split_services(r.text(i, 2)),
                 r.i64(i, 3) != 0,
                 r.i64(i, 4) != 0,
                 parse_tracking_format(r.text(i, 5)).value_or(TrackingFormat::generic),
                 r.text(i, 6),
                 r.opt_text(i, 7),
                 r.i64(i, 8),
                 r.i64(i, 9)};
}

bool all_of(std::string_view s, bool (*pred)(char)) {
  return std::all_of(s.begin(), s.end(), pred);
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_upper_or_digit(char c) { return is_upper(c) || is_digit(c); }

Result<void> check_prefix(TrackingFormat f, const std::string& p) {
  const char* field = "tracking_prefix";
  switch (f) {
    case TrackingFormat::numeric:
      if (p.empty() || p.size() > 6 || !all_of(p, is_digit))
        return fail(ErrorCode::invalid_argument, "numeric format: 1-6 digits", field);
      break;
    case TrackingFormat::s10:
      if (p.size() != 2 || !all_of(p, is_upper))
        return fail(ErrorCode::invalid_argument, "s10 format: 2 letters (service indicator)", field);
      break;
    case TrackingFormat::generic:
      if (p.empty() || p.size() > limits::kMaxTrackingPrefixChars || !all_of(p, is_upper_or_digit))
        return fail(ErrorCode::invalid_argument, "generic format: 1-8 of A-Z 0-9", field);
      break;
  }
  return ok();
}

Result<void> check_url_template(const std::optional<std::string>& t) {
  if (!t) return ok();
  const bool printable = std::all_of(t->begin(), t->end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
  });
  if (!t->starts_with("https://") || t->find("{tracking}") == std::string::npos ||
      t->size() > limits::kMaxUrlChars || !printable || !is_valid_utf8(*t))
    return fail(ErrorCode::invalid_argument,
                "must be an https:// URL containing {tracking}, without spaces",
                "tracking_url_template");
  return ok();
}

Result<void> check_carrier(const Carrier& c) {
  if (!is_valid_order_prefix(c.code, limits::kMaxCarrierCodeChars))
    return fail(ErrorCode::invalid_argument, "must be 1-32 of A-Z 0-9 _ -", "code");
  if (c.name.empty() || !is_valid_utf8(c.name) || has_control_chars(c.name) ||
      utf8_length(c.name) > limits::kMaxShortTextChars)
    return fail(ErrorCode::invalid_argument, "must be 1-255 characters", "name");
  if (c.services.empty() || c.services.size() > limits::kMaxCarrierServices)
    return fail(ErrorCode::invalid_argument, "must list 1-20 services", "services");
  for (std::size_t i = 0; i < c.services.size(); ++i) {
    const auto field = json::index_path("services", i);
    if (!is_valid_channel_code(c.services[i], limits::kMaxCarrierCodeChars))
      return fail(ErrorCode::invalid_argument, "must be 1-32 of a-z 0-9 _ -", field);
    if (std::count(c.services.begin(), c.services.end(), c.services[i]) > 1)
      return fail(ErrorCode::invalid_argument, "listed twice", field);
  }
  FONDACO_TRY(check_prefix(c.tracking_format, c.tracking_prefix));
  FONDACO_TRY(check_url_template(c.tracking_url_template));
  if (c.max_parcel_weight_g < 1 || c.max_parcel_weight_g > limits::kMaxWeightGrams)
    return fail(ErrorCode::invalid_argument, "must be 1-10000000 grams", "max_parcel_weight_g");
  if (c.is_default && !c.active)
    return fail(ErrorCode::invalid_argument, "the default carrier must be active", "active");
  return ok();
}

std::string pad(std::int64_t n, std::size_t width) {
  std::string s = std::to_string(n);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

// The largest counter value a format can print with this prefix.
std::int64_t capacity(TrackingFormat f, std::size_t prefix_len) {
  switch (f) {
    case TrackingFormat::numeric: {
      std::int64_t cap = 1;
      for (std::size_t i = prefix_len; i < 11; ++i) cap *= 10;
      return cap - 1;
    }
    case TrackingFormat::s10: return 99'999'999;
    case TrackingFormat::generic: return 9'999'999'999;
  }
  return 0;
}

}  // namespace

std::string_view to_string(TrackingFormat f) { return kFormatNames[static_cast<std::size_t>(f)]; }

std::optional<TrackingFormat> parse_tracking_format(std::string_view s) {
  for (std::size_t i = 0; i < kFormatNames.size(); ++i)
    if (kFormatNames[i] == s) return static_cast<TrackingFormat>(i);
  return std::nullopt;
}

char s10_check_digit(std::string_view serial8) {
  static constexpr int kWeights[8] = {8, 6, 4, 2, 3, 5, 9, 7};
  int sum = 0;
  for (std::size_t i = 0; i < 8 && i < serial8.size(); ++i) sum += (serial8[i] - '0') * kWeights[i];
  int check = 11 - sum % 11;
  if (check == 10) check = 0;
  if (check == 11) check = 5;
  return static_cast<char>('0' + check);
}

bool is_valid_s10(std::string_view s) {
  if (s.size() != 13 || !is_upper(s[0]) || !is_upper(s[1]) || !is_upper(s[11]) ||
      !is_upper(s[12]))
    return false;
  const auto digits = s.substr(2, 9);
  return all_of(digits, is_digit) && s10_check_digit(digits.substr(0, 8)) == digits[8];
}

std::string format_tracking_number(TrackingFormat f, std::string_view prefix, std::int64_t n) {
  switch (f) {
    case TrackingFormat::numeric: {
      const std::string body = std::string(prefix) + pad(n, 11 - prefix.size());
      return body + gtin_check_digit(body);
    }
    case TrackingFormat::s10: {
      const std::string serial = pad(n, 8);
      return std::string(prefix) + serial + s10_check_digit(serial) + "IT";
    }
    case TrackingFormat::generic: return std::string(prefix) + pad(n, 10);
  }
  return {};
}

Result<std::string> Fulfillment::next_tracking_number(Tx& tx, const Carrier& c) {
  // The counter row is taken in the labelling transaction: the number is used iff it commits.
  auto rows = FONDACO_TRY(tx.query(
      "UPDATE carriers SET counter = counter + 1 WHERE code = ? RETURNING counter", {c.code}));
  if (rows.empty()) return fail(ErrorCode::not_found, "carrier not found", "carrier");
  const std::int64_t n = rows.i64(0, 0);
  if (n > capacity(c.tracking_format, c.tracking_prefix.size()))
    return fail(ErrorCode::conflict, "tracking number range of carrier exhausted", "carrier");
  return format_tracking_number(c.tracking_format, c.tracking_prefix, n);
}

Result<std::vector<Carrier>> Fulfillment::carriers(Tx& tx) {
  auto rows = FONDACO_TRY(
      tx.query("SELECT " + std::string(kCarrierCols) + " FROM carriers ORDER BY code"));
  std::vector<Carrier> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(carrier_from(rows, i));
  return out;
}

Result<Carrier> Fulfillment::get_carrier(Tx& tx, std::string_view code) {
  return detail::load_carrier(tx, code, "code");
}

Result<Carrier> Fulfillment::put_carrier(Tx& tx, const Carrier& c, std::int64_t now_ms) {
  FONDACO_TRY(check_carrier(c));
  // Lock every carrier row in code order: the default flag spans rows.
  FONDACO_TRY(tx.exec("UPDATE carriers SET updated_at = updated_at"));
  auto clash = FONDACO_TRY(tx.query(
      "SELECT code FROM carriers WHERE tracking_format = ? AND tracking_prefix = ? AND code <> ?",
      {std::string(to_string(c.tracking_format)), c.tracking_prefix, c.code}));
  if (!clash.empty())
    return fail(ErrorCode::conflict, "prefix already used by carrier " + clash.text(0, 0),
                "tracking_prefix");
  auto current = FONDACO_TRY(tx.query("SELECT is_default FROM carriers WHERE code = ?", {c.code}));
  if (!c.is_default && !current.empty() && current.i64(0, 0) == 1)
    return fail(ErrorCode::conflict, "name another carrier as default first", "default");
  if (c.is_default)
    FONDACO_TRY(tx.exec("UPDATE carriers SET is_default = 0, updated_at = ? WHERE is_default = 1 "
                        "AND code <> ?",
                        {now_ms, c.code}));
  FONDACO_TRY(tx.exec(
      "INSERT INTO carriers (code, name, services, active, is_default, tracking_format, "
      "tracking_prefix, tracking_url_template, max_parcel_weight_g, counter, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (code) DO UPDATE SET "
      "name = excluded.name, services = excluded.services, active = excluded.active, "
      "is_default = excluded.is_default, tracking_format = excluded.tracking_format, "
      "tracking_prefix = excluded.tracking_prefix, "
      "tracking_url_template = excluded.tracking_url_template, "
      "max_parcel_weight_g = excluded.max_parcel_weight_g, updated_at = excluded.updated_at",
      {c.code, c.name, join_services(c.services), std::int64_t{c.active ? 1 : 0},
       std::int64_t{c.is_default ? 1 : 0}, std::string(to_string(c.tracking_format)),
       c.tracking_prefix, storage::opt_value(c.tracking_url_template), c.max_parcel_weight_g,
       now_ms}));
  Carrier out = FONDACO_TRY(get_carrier(tx, c.code));
  json::Writer w;
  w.begin_object().kv("code", out.code).kv("name", out.name).kv_bool("active", out.active);
  w.kv_bool("default", out.is_default).end_object();
  FONDACO_TRY(log_.append(tx, "carrier.updated", "carrier", out.code, w.take(), now_ms));
  return out;
}

namespace detail {

Result<Carrier> load_carrier(Tx& tx, std::string_view code, std::string_view field) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kCarrierCols) + " FROM carriers WHERE code = ?", {std::string(code)}));
  if (rows.empty()) return fail(ErrorCode::not_found, "carrier not found", std::string(field));
  return carrier_from(rows, 0);
}

std::string address_json(const Address& a) {
  json::Writer w;
  w.begin_object().kv("name", a.name).kv("line1", a.line1);
  if (a.line2) w.kv("line2", *a.line2);
  w.kv("city", a.city).kv("postal_code", a.postal_code);
  if (a.province) w.kv("province", *a.province);
  w.kv("country", a.country);
  if (a.phone) w.kv("phone", *a.phone);
  if (a.email) w.kv("email", *a.email);
  w.end_object();
  return w.take();
}

Result<Address> address_from_json(std::string_view text) {
  auto doc = FONDACO_TRY(json::parse(text));
  auto o = FONDACO_TRY(json::Object::of(doc->root()));
  const json::StringRule any{100000, 0, true};
  Address a;
  a.name = FONDACO_TRY(o.req_string("name", any));
  a.line1 = FONDACO_TRY(o.req_string("line1", any));
  a.line2 = FONDACO_TRY(o.opt_string("line2", any));
  a.city = FONDACO_TRY(o.req_string("city", any));
  a.postal_code = FONDACO_TRY(o.req_string("postal_code", any));
  a.province = FONDACO_TRY(o.opt_string("province", any));
  a.country = FONDACO_TRY(o.req_string("country", any));
  a.phone = FONDACO_TRY(o.opt_string("phone", any));
  a.email = FONDACO_TRY(o.opt_string("email", any));
  return a;
}

std::string utc_day(std::int64_t unix_ms) {
  using namespace std::chrono;
  const auto days = floor<std::chrono::days>(sys_time<milliseconds>(milliseconds(unix_ms)));
  const year_month_day ymd{days};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

bool is_valid_day(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!is_digit(d[i])) return false;
  const int y = std::stoi(std::string(d.substr(0, 4)));
  const unsigned m = static_cast<unsigned>(std::stoi(std::string(d.substr(5, 2))));
  const unsigned day = static_cast<unsigned>(std::stoi(std::string(d.substr(8, 2))));
  return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                     std::chrono::day{day}}
      .ok();
}

}  // namespace detail
}  // namespace fondaco::fulfillment
