#include "fondaco/base/text.h"

#include <gtest/gtest.h>

#include <vector>

#include "fondaco/base/result.h"

namespace fondaco {
namespace {

TEST(Utf8, AcceptsValidAndRejectsMalformed) {
  EXPECT_TRUE(is_valid_utf8("caffè ☕ 𝄞"));
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("abc\xE2\x82"));       // truncated
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_EQ(utf8_length("caffè"), 5u);
}

TEST(Gtin, ValidatesCheckDigits) {
  EXPECT_TRUE(is_valid_gtin("4006381333931"));   // EAN-13
  EXPECT_TRUE(is_valid_gtin("036000291452"));    // UPC-A
  EXPECT_TRUE(is_valid_gtin("96385074"));        // EAN-8
  EXPECT_TRUE(is_valid_gtin("10012345678902"));  // GTIN-14
  EXPECT_FALSE(is_valid_gtin("4006381333932"));
  EXPECT_FALSE(is_valid_gtin("400638133393"));  // wrong length for its digits
  EXPECT_FALSE(is_valid_gtin("40063813339a1"));
  EXPECT_FALSE(is_valid_gtin(""));
  EXPECT_EQ(gtin_check_digit("400638133393"), '1');
}

TEST(Codes, AllowOnlySafeCharacters) {
  EXPECT_TRUE(is_valid_code("BF-11-1", 64));
  EXPECT_TRUE(is_valid_code("a.b_c/d", 64));
  EXPECT_FALSE(is_valid_code("", 64));
  EXPECT_FALSE(is_valid_code("with space", 64));
  EXPECT_FALSE(is_valid_code("ü", 64));
  EXPECT_FALSE(is_valid_code(std::string(65, 'a'), 64));
}

TEST(Time, FormatsAndParsesRfc3339) {
  EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(1'795'000'000'123), "2026-11-18T11:06:40.123Z");
  EXPECT_EQ(parse_rfc3339("2026-11-18T11:06:40.123Z"), 1'795'000'000'123);
  EXPECT_EQ(parse_rfc3339("2026-11-18T12:06:40+01:00"), 1'795'000'000'000);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_FALSE(parse_rfc3339("2026-13-01T00:00:00Z").has_value());
  EXPECT_FALSE(parse_rfc3339("2026-11-18").has_value());
  EXPECT_FALSE(parse_rfc3339("2026-11-18T08:26:40").has_value());
  EXPECT_FALSE(parse_rfc3339("2026-11-18T08:26:40Zjunk").has_value());
}

TEST(Base64Url, RoundTrips) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    auto back = base64url_decode(base64url_encode(s));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(base64url_decode("a").has_value());
  EXPECT_FALSE(base64url_decode("ab+/").has_value());
  EXPECT_EQ(hex_encode("\x01\xab"), "01ab");
}

Result<int> half(int x) {
  if (x % 2) return fail(ErrorCode::invalid_argument, "odd", "x");
  return x / 2;
}
Result<int> quarter(int x) {
  const int h = FONDACO_TRY(half(x));
  return FONDACO_TRY(half(h));
}

TEST(Result, TryPropagatesErrors) {
  EXPECT_EQ(quarter(8).value(), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().field, "x");
  EXPECT_EQ(to_string(ErrorCode::insufficient_stock), "insufficient_stock");
}

}  // namespace
}  // namespace fondaco

namespace fondaco {
namespace {
TEST(Text, AsciiLowerLeavesOtherBytesAlone) {
  EXPECT_EQ(ascii_lower("Anna@Example.IT"), "anna@example.it");
  EXPECT_EQ(ascii_lower("CAFFÈ"), "caffÈ");
}
}  // namespace
}  // namespace fondaco
