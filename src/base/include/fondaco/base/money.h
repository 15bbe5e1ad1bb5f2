// Money: int64 minor units plus an ISO 4217 currency. No floating point near a price.
// Rounding is named: round_half_up_div (commercial rounding used for Italian VAT).
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fondaco/base/result.h"

namespace fondaco {

// A three-letter upper-case ISO 4217 code. Validation is syntactic plus a known-list check.
bool is_known_currency(std::string_view code);

struct Money {
  std::int64_t amount_minor = 0;
  std::string currency = "EUR";
  friend bool operator==(const Money&, const Money&) = default;
};

// a + b, or nullopt on overflow.
std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b);
// a * b, or nullopt on overflow.
std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b);

// n / d rounded half away from zero ("commerciale"): 2.5 -> 3, -2.5 -> -3. d > 0.
std::int64_t round_half_up_div(std::int64_t n, std::int64_t d);

// amount * rate_bp / 10000, commercial rounding. E.g. VAT of 1000 at 2200 bp = 220.
std::int64_t apply_basis_points(std::int64_t amount_minor, int rate_bp);

// "12.34" style decimal for a currency with 2 minor digits (all we accept today).
std::string format_minor(std::int64_t amount_minor);

}  // namespace fondaco
