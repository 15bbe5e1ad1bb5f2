#include "fondaco/base/money.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace fondaco {

namespace {
// Currencies with two minor digits that sellers in our market use. Zero- and three-digit
// currencies (JPY, KWD) need a per-currency exponent before they can be accepted.
constexpr std::array<std::string_view, 20> kCurrencies = {
    "AUD", "BGN", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD",
    "HUF", "NOK", "NZD", "PLN", "RON", "SEK", "SGD", "TRY", "USD", "ZAR"};
}  // namespace

bool is_known_currency(std::string_view code) {
  return std::find(kCurrencies.begin(), kCurrencies.end(), code) != kCurrencies.end();
}

std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::int64_t round_half_up_div(std::int64_t n, std::int64_t d) {
  const std::int64_t q = n / d;
  const std::int64_t r = n % d;
  if (2 * std::llabs(r) >= d) return n < 0 ? q - 1 : q + 1;
  return q;
}

std::int64_t apply_basis_points(std::int64_t amount_minor, int rate_bp) {
  return round_half_up_div(amount_minor * rate_bp, 10'000);
}

std::string format_minor(std::int64_t amount_minor) {
  const bool neg = amount_minor < 0;
  const std::uint64_t abs = neg ? 0 - static_cast<std::uint64_t>(amount_minor)
                                : static_cast<std::uint64_t>(amount_minor);
  std::string cents = std::to_string(abs % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (neg ? "-" : "") + std::to_string(abs / 100) + "." + cents;
}

}  // namespace fondaco
