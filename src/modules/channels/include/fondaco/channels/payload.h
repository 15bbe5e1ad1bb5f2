// Lenient readers for channel JSON payloads (Shopify, WooCommerce), shared by connectors.
// Unlike json::Object, unknown members are ignored — channels add fields over time and a
// new field must never make Fondaco refuse an order — but every member Fondaco does read is
// type-checked, bounded and named in the error ("line_items[2].quantity").
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fondaco/base/result.h"
#include "fondaco/platform/json.h"

namespace fondaco::channels::payload {

// The member, or null when it is absent or JSON null.
const json::Value* member(const json::Value& obj, std::string_view key);
// A string as it is, an integer in decimal; absent/null → "". invalid_argument naming
// `path` for another type or text over `max_chars` bytes / invalid UTF-8 / control chars.
Result<std::string> text(const json::Value& obj, std::string_view key, const std::string& path,
                         std::size_t max_chars = 255);
// Like text() but required non-empty.
Result<std::string> required_text(const json::Value& obj, std::string_view key,
                                  const std::string& path, std::size_t max_chars = 255);
// An integer, or a string holding one. Absent → `fallback` when given, else an error.
Result<std::int64_t> integer(const json::Value& obj, std::string_view key, const std::string& path,
                             std::optional<std::int64_t> fallback = std::nullopt);
// A decimal amount (string or number as sent) in minor units; absent/null → 0.
Result<std::int64_t> money(const json::Value& obj, std::string_view key, std::string_view currency,
                           const std::string& path);
// An RFC 3339 timestamp in unix ms. Without a zone designator the time is taken as UTC
// (WooCommerce's *_gmt members). Required.
Result<std::int64_t> timestamp(const json::Value& obj, std::string_view key,
                               const std::string& path);
// "key[i]" / "key.sub"
std::string at(std::string_view key, std::size_t i);

// A webhook signed as Shopify and WooCommerce sign theirs: standard base64 of
// HMAC-SHA256(secret, raw body) in `header`. Compared in constant time against each
// non-empty secret (current, then the previous one during its grace period); unauthorized
// naming the header when the signature is missing or matches none.
Result<void> verify_base64_hmac(std::string_view body, std::string_view signature_b64,
                                std::span<const std::string> secrets, std::string_view header);

}  // namespace fondaco::channels::payload
