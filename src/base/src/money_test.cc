#include "fondaco/base/money.h"

#include <gtest/gtest.h>

#include <climits>

namespace fondaco {
namespace {

TEST(Money, RoundHalfUpIsCommercialRounding) {
  EXPECT_EQ(round_half_up_div(25, 10), 3);
  EXPECT_EQ(round_half_up_div(24, 10), 2);
  EXPECT_EQ(round_half_up_div(-25, 10), -3);
  EXPECT_EQ(round_half_up_div(-24, 10), -2);
  EXPECT_EQ(round_half_up_div(0, 7), 0);
}

TEST(Money, ApplyBasisPointsComputesItalianVat) {
  EXPECT_EQ(apply_basis_points(1000, 2200), 220);
  // 0.05 cent rounds up: 1.25 at 22% = 0.275 → 0.28
  EXPECT_EQ(apply_basis_points(125, 2200), 28);
  EXPECT_EQ(apply_basis_points(999, 400), 40);  // 39.96 → 40
  EXPECT_EQ(apply_basis_points(1000, 0), 0);
}

TEST(Money, CheckedArithmeticDetectsOverflow) {
  EXPECT_EQ(checked_add(1, 2), 3);
  EXPECT_FALSE(checked_add(LLONG_MAX, 1).has_value());
  EXPECT_EQ(checked_mul(1'000'000, 1'000'000), 1'000'000'000'000);
  EXPECT_FALSE(checked_mul(LLONG_MAX / 2, 3).has_value());
}

TEST(Money, FormatsMinorUnits) {
  EXPECT_EQ(format_minor(1990), "19.90");
  EXPECT_EQ(format_minor(5), "0.05");
  EXPECT_EQ(format_minor(-1205), "-12.05");
  EXPECT_EQ(format_minor(LLONG_MIN), "-92233720368547758.08");
}

TEST(Money, KnowsCurrencies) {
  EXPECT_TRUE(is_known_currency("EUR"));
  EXPECT_TRUE(is_known_currency("USD"));
  EXPECT_FALSE(is_known_currency("eur"));
  EXPECT_FALSE(is_known_currency("XXX"));
  EXPECT_FALSE(is_known_currency(""));
}

}  // namespace
}  // namespace fondaco
