// Locale formatting of money and dates for the templates, and the small enum tables.
#include <array>
#include <cstdlib>

#include "fondaco/notifications/notifications.h"

namespace fondaco::notifications {
namespace {

constexpr std::array<std::string_view, 7> kKindNames = {
    "order_confirmed", "bank_transfer_instructions", "shipped",         "delivered",
    "refund_issued",   "webhook_disabled",           "customer_sign_in"};
constexpr std::array<std::string_view, 4> kStatusNames = {"queued", "sending", "sent", "failed"};

constexpr std::array<std::string_view, 12> kMonthsIt = {
    "gennaio", "febbraio", "marzo",     "aprile",  "maggio",   "giugno",
    "luglio",  "agosto",   "settembre", "ottobre", "novembre", "dicembre"};
constexpr std::array<std::string_view, 12> kMonthsEn = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// Digits of |v| with `sep` between groups of three ("1234567" → "1.234.567").
std::string grouped(std::int64_t v, char sep) {
  std::string digits = std::to_string(v);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(sep);
    out.push_back(digits[i]);
  }
  return out;
}

std::string_view symbol(std::string_view currency) {
  if (currency == "EUR") return "€";
  if (currency == "USD") return "$";
  if (currency == "GBP") return "£";
  return {};
}

struct Civil {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 → civil date (H. Hinnant's algorithm, proleptic Gregorian).
Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Unix ms of 01:00 UTC on the last Sunday of `month` (the EU summer-time switch).
std::int64_t eu_switch_ms(std::int64_t year, int month) {
  const std::int64_t last = days_from_civil(year, month, 31);  // March and October: 31 days
  const std::int64_t weekday = ((last % 7) + 7 + 4) % 7;       // 1970-01-01 was a Thursday
  return (last - weekday) * 86'400'000 + 3'600'000;
}

}  // namespace

std::string_view to_string(Locale l) { return l == Locale::it ? "it" : "en"; }

std::optional<Locale> parse_locale(std::string_view s) {
  if (s == "it") return Locale::it;
  if (s == "en") return Locale::en;
  return std::nullopt;
}

std::string_view to_string(Kind k) { return kKindNames[static_cast<std::size_t>(k)]; }

std::optional<Kind> parse_kind(std::string_view s) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == s) return static_cast<Kind>(i);
  return std::nullopt;
}

std::string_view to_string(Status s) { return kStatusNames[static_cast<std::size_t>(s)]; }

std::optional<Status> parse_status(std::string_view s) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i)
    if (kStatusNames[i] == s) return static_cast<Status>(i);
  return std::nullopt;
}

std::string format_money(std::int64_t amount_minor, std::string_view currency, Locale l) {
  // Callers validate amounts against limits::kMaxAmountMinor, so the negation is safe.
  const bool negative = amount_minor < 0;
  const std::int64_t abs = negative ? -amount_minor : amount_minor;
  const std::int64_t units = abs / 100;
  const int cents = static_cast<int>(abs % 100);
  const std::string cents_text = (cents < 10 ? "0" : "") + std::to_string(cents);
  const std::string_view sym = symbol(currency);
  std::string out = negative ? "-" : "";
  if (l == Locale::it) {
    out += grouped(units, '.') + "," + cents_text + " ";
    out += sym.empty() ? currency : sym;
  } else {
    out += sym.empty() ? std::string(currency) + " " : std::string(sym);
    out += grouped(units, ',') + "." + cents_text;
  }
  return out;
}

std::string format_date(std::int64_t unix_ms, Locale l) {
  const Civil utc = civil_from_days(floor_div(unix_ms, 86'400'000));
  const bool summer = unix_ms >= eu_switch_ms(utc.year, 3) && unix_ms < eu_switch_ms(utc.year, 10);
  const std::int64_t local_ms = unix_ms + (summer ? 2 : 1) * 3'600'000;
  const Civil c = civil_from_days(floor_div(local_ms, 86'400'000));
  const auto& months = l == Locale::it ? kMonthsIt : kMonthsEn;
  return std::to_string(c.day) + " " + std::string(months[static_cast<std::size_t>(c.month - 1)]) +
         " " + std::to_string(c.year);
}

}  // namespace fondaco::notifications
