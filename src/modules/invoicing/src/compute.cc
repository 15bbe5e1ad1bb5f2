// The amounts of a fiscal document: lines, VAT summary, stamp duty; dates in Italy.
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <tuple>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/invoicing/fatturapa.h"

namespace fondaco::invoicing {
namespace {

constexpr std::array<std::string_view, 21> kNatura = {
    "N1",   "N2.1", "N2.2", "N3.1", "N3.2", "N3.3", "N3.4", "N3.5", "N3.6", "N4", "N5",
    "N6.1", "N6.2", "N6.3", "N6.4", "N6.5", "N6.6", "N6.7", "N6.8", "N6.9", "N7"};

// One priced item before the VAT split: an input line or the shipping.
struct Item {
  std::string description;
  std::string sku;
  std::int64_t qty = 1;
  std::int64_t amount_minor = 0;  // qty × price − discount, as the input states it
  int rate_bp = 0;
  std::optional<std::string> natura;
};

Result<void> check_vat(int rate_bp, const std::optional<std::string>& natura,
                       const std::string& path) {
  if (rate_bp < 0 || rate_bp > 10000)
    return fail(ErrorCode::invalid_argument, "VAT rate must be 0-10000 basis points",
                path + ".vat_rate_bp");
  const std::string field = path + ".natura";
  if (rate_bp == 0 && !natura)
    return fail(ErrorCode::unprocessable, "a 0% VAT rate needs a Natura code (N1-N7)", field);
  if (rate_bp > 0 && natura)
    return fail(ErrorCode::unprocessable, "Natura is only for a 0% VAT rate", field);
  if (natura && is_retired_natura(*natura))
    return fail(ErrorCode::unprocessable,
                "Natura " + *natura + " was retired in 2021: use its sub-code (e.g. N2.2)", field);
  if (natura && !is_current_natura(*natura))
    return fail(ErrorCode::unprocessable, "unknown Natura code", field);
  return ok();
}

Result<Item> line_item(const LineInput& l, const std::string& path) {
  if (l.description.empty() || !is_valid_utf8(l.description) ||
      utf8_length(l.description) > limits::kMaxInvoiceDescriptionChars)
    return fail(ErrorCode::invalid_argument, "description: 1-1000 characters of UTF-8",
                path + ".description");
  if (l.qty < 1 || l.qty > limits::kMaxInvoiceQty)
    return fail(ErrorCode::invalid_argument, "qty must be 1-1000000", path + ".qty");
  if (l.unit_price_minor < 0 || l.unit_price_minor > limits::kMaxInvoiceAmountMinor)
    return fail(ErrorCode::invalid_argument, "unit price out of range",
                path + ".unit_price_minor");
  const auto gross = checked_mul(l.qty, l.unit_price_minor);
  if (!gross || *gross > limits::kMaxInvoiceAmountMinor)
    return fail(ErrorCode::invalid_argument, "line amount out of range", path + ".qty");
  if (l.discount_minor < 0 || l.discount_minor > *gross)
    return fail(ErrorCode::invalid_argument, "discount must be between 0 and the line amount",
                path + ".discount_minor");
  FONDACO_TRY(check_vat(l.vat_rate_bp, l.natura, path));
  return Item{l.description, l.sku, l.qty, *gross - l.discount_minor, l.vat_rate_bp, l.natura};
}

Result<std::vector<Item>> items_of(const DocumentInput& in) {
  if (in.lines.empty()) return fail(ErrorCode::invalid_argument, "at least one line", "lines");
  if (in.lines.size() > limits::kMaxInvoiceLines)
    return fail(ErrorCode::invalid_argument, "too many lines", "lines");
  std::vector<Item> items;
  for (std::size_t i = 0; i < in.lines.size(); ++i)
    items.push_back(FONDACO_TRY(line_item(in.lines[i], "lines[" + std::to_string(i) + "]")));
  if (in.shipping) {
    const ShippingInput& s = *in.shipping;
    if (s.amount_minor < 0 || s.amount_minor > limits::kMaxInvoiceAmountMinor)
      return fail(ErrorCode::invalid_argument, "shipping amount out of range",
                  "shipping.amount_minor");
    FONDACO_TRY(check_vat(s.vat_rate_bp, s.natura, "shipping"));
    if (s.amount_minor > 0)
      items.push_back(Item{s.description, "", 1, s.amount_minor, s.vat_rate_bp, s.natura});
  }
  return items;
}

using GroupKey = std::tuple<int, std::string>;  // rate, natura ("" for none)

// Splits one (rate, natura) group: VAT once for the group, then line nets that add up to
// the group's taxable exactly (the rounding residue goes to the largest line).
VatSummary split_group(const GroupKey& key, std::vector<ComputedLine*>& lines,
                       const std::vector<std::int64_t>& amounts, bool include_vat) {
  const int rate = std::get<0>(key);
  std::int64_t sum = 0;
  for (auto a : amounts) sum += a;
  VatSummary s;
  s.rate_bp = rate;
  if (!std::get<1>(key).empty()) s.natura = std::get<1>(key);
  if (!include_vat) {
    s.taxable_minor = sum;
    s.vat_minor = round_half_up_div(sum * rate, 10000);
    for (std::size_t i = 0; i < lines.size(); ++i) lines[i]->net_minor = amounts[i];
    return s;
  }
  s.vat_minor = round_half_up_div(sum * rate, 10000 + rate);
  s.taxable_minor = sum - s.vat_minor;
  std::int64_t nets = 0;
  std::size_t largest = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    lines[i]->net_minor = round_half_up_div(amounts[i] * 10000, 10000 + rate);
    nets += lines[i]->net_minor;
    if (amounts[i] > amounts[largest]) largest = i;
  }
  lines[largest]->net_minor += s.taxable_minor - nets;
  return s;
}

}  // namespace

bool is_current_natura(std::string_view n) {
  return std::find(kNatura.begin(), kNatura.end(), n) != kNatura.end();
}
bool is_retired_natura(std::string_view n) { return n == "N2" || n == "N3" || n == "N6"; }

Result<Computed> compute_amounts(const DocumentInput& in) {
  const auto items = FONDACO_TRY(items_of(in));
  Computed out;
  std::map<GroupKey, std::vector<std::size_t>, std::greater<>> groups;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    out.lines.push_back(ComputedLine{static_cast<int>(i + 1), it.description, it.sku, it.qty, 0,
                                     0, it.rate_bp, it.natura});
    groups[{it.rate_bp, it.natura.value_or("")}].push_back(i);
  }
  for (const auto& [key, idx] : groups) {
    std::vector<ComputedLine*> lines;
    std::vector<std::int64_t> amounts;
    for (auto i : idx) {
      lines.push_back(&out.lines[i]);
      amounts.push_back(items[i].amount_minor);
    }
    VatSummary s = split_group(key, lines, amounts, in.prices_include_vat);
    out.taxable_minor += s.taxable_minor;
    out.vat_minor += s.vat_minor;
    if (s.natura && s.natura->rfind("N6", 0) != 0) out.untaxed_minor += s.taxable_minor;
    out.summary.push_back(std::move(s));
  }
  for (auto& l : out.lines) l.unit_price_e8 = round_half_up_div(l.net_minor * 1'000'000, l.qty);
  out.total_minor = out.taxable_minor + out.vat_minor;
  out.stamp_duty = out.untaxed_minor > kBolloThresholdMinor;
  return out;
}

namespace {

// Days since 1970-01-01 → civil date (Howard Hinnant's algorithm).
CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0)), m, d};
}

std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// 01:00 UTC on the last Sunday of `month` (March or October), in unix ms.
std::int64_t last_sunday_1am_utc(int year, int month) {
  const std::int64_t last = days_from_civil(year, month, 31);
  const std::int64_t weekday = ((last % 7) + 11) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  return ((last - weekday) * 86400 + 3600) * 1000;
}

}  // namespace

CivilDate rome_date(std::int64_t unix_ms) {
  const std::int64_t utc_day = (unix_ms >= 0 ? unix_ms : unix_ms - 86'399'999) / 86'400'000;
  const int year = civil_from_days(utc_day).year;
  const bool summer = unix_ms >= last_sunday_1am_utc(year, 3) &&
                      unix_ms < last_sunday_1am_utc(year, 10);
  const std::int64_t local = unix_ms + (summer ? 2 : 1) * 3'600'000;
  return civil_from_days((local >= 0 ? local : local - 86'399'999) / 86'400'000);
}

std::string format_date(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string format_decimal(std::int64_t value, int scale) {
  std::int64_t pow = 1;
  for (int i = 0; i < scale; ++i) pow *= 10;
  const bool neg = value < 0;
  const std::uint64_t v = neg ? static_cast<std::uint64_t>(-(value + 1)) + 1 : static_cast<std::uint64_t>(value);
  std::string frac = std::to_string(v % static_cast<std::uint64_t>(pow));
  frac.insert(0, static_cast<std::size_t>(scale) - frac.size(), '0');
  while (frac.size() > 2 && frac.back() == '0') frac.pop_back();
  return (neg ? "-" : "") + std::to_string(v / static_cast<std::uint64_t>(pow)) + "." + frac;
}

}  // namespace fondaco::invoicing
