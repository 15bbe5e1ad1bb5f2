// Shopify order webhooks in: signature check and the translation of an `orders/create` /
// `orders/updated` payload (Admin REST order JSON) into channels::ExternalOrder.
//
// Shopify signs each delivery with `X-Shopify-Hmac-Sha256`: base64 of HMAC-SHA256 over the
// raw body with the app's webhook secret. It delivers at least once, with retries for up
// to 48 h, and not in order: `X-Shopify-Webhook-Id` identifies a delivery and the order's
// `updated_at` orders its versions. Money arrives as decimal strings ("403.00") and is read
// exactly into minor units. Unknown members are ignored (Shopify adds fields over time).
// Pure functions, no database and no clock. Thread-safety: stateless.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "fondaco/base/result.h"
#include "fondaco/channels/external.h"

namespace fondaco::shopify {

inline constexpr std::string_view kHmacHeader = "X-Shopify-Hmac-Sha256";
inline constexpr std::string_view kTopicHeader = "X-Shopify-Topic";
inline constexpr std::string_view kWebhookIdHeader = "X-Shopify-Webhook-Id";
inline constexpr std::string_view kTriggeredAtHeader = "X-Shopify-Triggered-At";

// ok when `signature_b64` is the base64 HMAC-SHA256 of `body` under any of `secrets`
// (current and, during a rotation, previous), compared in constant time; unauthorized
// otherwise (missing header, no secret configured, mismatch).
Result<void> verify_webhook(std::string_view body, std::string_view signature_b64,
                            std::span<const std::string> secrets);

// The topics whose payload is an order.
bool is_order_topic(std::string_view topic);

// An order payload (the webhook body, or the REST `{"order": {...}}` envelope) →
// ExternalOrder. invalid_argument naming the member ("line_items[1].price") when a member
// Fondaco needs is missing or malformed.
Result<channels::ExternalOrder> parse_order(std::string_view body);

}  // namespace fondaco::shopify
