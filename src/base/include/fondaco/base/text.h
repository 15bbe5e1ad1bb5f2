// Small, pure validators and formatters for text that comes from outside: UTF-8, GTINs,
// codes, timestamps. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fondaco {

// True when s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Number of code points in a valid UTF-8 string.
std::size_t utf8_length(std::string_view s);
// True when s has a control character (C0 except \t \n \r, or DEL).
bool has_control_chars(std::string_view s);

// GTIN-8, -12 (UPC-A), -13 (EAN) or -14 with a correct GS1 mod-10 check digit.
bool is_valid_gtin(std::string_view s);
// Computes the GS1 check digit for the digits in body (without the check digit).
char gtin_check_digit(std::string_view body);

// SKU / code: 1..max chars of [A-Za-z0-9._-/], no leading/trailing space.
bool is_valid_code(std::string_view s, std::size_t max_chars);
// Channel code: 1..max chars of [a-z0-9_-] ("storefront", "shopify-it").
bool is_valid_channel_code(std::string_view s, std::size_t max_chars);
// Order number prefix: 1..max chars of [A-Z0-9_-], starting with a letter or digit ("WEB").
bool is_valid_order_prefix(std::string_view s, std::size_t max_chars);

// RFC 3339 UTC with milliseconds: 2026-11-24T06:41:02.123Z
std::string format_rfc3339_ms(std::int64_t unix_ms);
// Parses RFC 3339 (Z or +hh:mm offset, optional fraction) into unix ms.
std::optional<std::int64_t> parse_rfc3339(std::string_view s);

// URL-safe base64 without padding (cursors).
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

std::string hex_encode(std::string_view bytes);

// A-Z to a-z, other bytes unchanged (search keys, case-insensitive e-mail lookups).
std::string ascii_lower(std::string_view s);

}  // namespace fondaco
