#include "fondaco/platform/product_file.h"

#include "fondaco/base/limits.h"

namespace fondaco::product_file {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Digits into an int64 no larger than `max`; false on anything else.
bool parse_digits(std::string_view s, std::int64_t max, std::int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  out = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    out = out * 10 + (c - '0');
  }
  return out <= max;
}

}  // namespace

Result<std::int64_t> parse_money(std::string_view text) {
  std::string_view s = trim(text);
  auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  std::int64_t units = 0;
  std::int64_t cents = 0;
  if (whole.empty() && !frac.empty()) whole = "0";  // ".5" as spreadsheets write it
  if (!parse_digits(whole, limits::kMaxAmountMinor / 100, units) ||
      (dot != std::string_view::npos && (frac.empty() || frac.size() > 2)) ||
      (!frac.empty() && !parse_digits(frac, 99, cents)))
    return fail(ErrorCode::invalid_argument,
                "is not an amount (digits with at most two decimals, e.g. 12.50)");
  if (frac.size() == 1) cents *= 10;
  return units * 100 + cents;
}

Result<std::int64_t> parse_grams(std::string_view text) {
  std::string_view s = trim(text);
  auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::int64_t grams = 0;
  if (whole.empty()) whole = "0";
  if (!parse_digits(whole, limits::kMaxWeightGrams, grams))
    return fail(ErrorCode::invalid_argument, "is not a weight in grams");
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (frac.empty()) return fail(ErrorCode::invalid_argument, "is not a weight in grams");
    for (char c : frac)
      if (!is_digit(c)) return fail(ErrorCode::invalid_argument, "is not a weight in grams");
    if (frac[0] >= '5') ++grams;  // half up on the first decimal
  }
  if (grams > limits::kMaxWeightGrams)
    return fail(ErrorCode::invalid_argument, "is not a weight in grams");
  return grams;
}

Result<std::int64_t> parse_count(std::string_view text) {
  std::string_view s = trim(text);
  bool negative = !s.empty() && s.front() == '-';
  if (negative || (!s.empty() && s.front() == '+')) s.remove_prefix(1);
  std::int64_t n = 0;
  if (!parse_digits(s, limits::kMaxQuantity, n))
    return fail(ErrorCode::invalid_argument, "is not a whole number of units");
  return negative ? -n : n;
}

std::string format_money(std::int64_t minor) {
  bool negative = minor < 0;
  std::uint64_t v = negative ? 0 - static_cast<std::uint64_t>(minor) : minor;
  std::string cents = std::to_string(v % 100);
  if (cents.size() == 1) cents.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(v / 100) + "." + cents;
}

std::string slug(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || is_digit(c)) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace fondaco::product_file
