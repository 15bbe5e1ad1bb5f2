// WooCommerce order webhooks in: signature check, the creation ping, and the translation
// of an `order.created` / `order.updated` payload (REST API v3 order JSON) into
// channels::ExternalOrder.
//
// WooCommerce signs each delivery with `X-WC-Webhook-Signature`: base64 of HMAC-SHA256
// over the raw body with the webhook's secret. When a webhook is created it first POSTs a
// form-encoded `webhook_id=N`, unsigned: it must get a 2xx or WooCommerce disables the
// webhook. Deliveries carry `X-WC-Webhook-Delivery-ID`; versions of an order are ordered by
// `date_modified_gmt`. Money is read exactly from the decimal strings. Unknown members are
// ignored. Pure functions. Thread-safety: stateless.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "fondaco/base/result.h"
#include "fondaco/channels/external.h"

namespace fondaco::woocommerce {

inline constexpr std::string_view kSignatureHeader = "X-WC-Webhook-Signature";
inline constexpr std::string_view kTopicHeader = "X-WC-Webhook-Topic";
inline constexpr std::string_view kDeliveryIdHeader = "X-WC-Webhook-Delivery-ID";

// ok when `signature_b64` is the base64 HMAC-SHA256 of `body` under any of `secrets`
// (constant-time compare); unauthorized otherwise.
Result<void> verify_webhook(std::string_view body, std::string_view signature_b64,
                            std::span<const std::string> secrets);

// True for the body of the creation ping: exactly `webhook_id=<digits>`.
bool is_ping(std::string_view body);

bool is_order_topic(std::string_view topic);

// An order payload → ExternalOrder; invalid_argument naming the member.
Result<channels::ExternalOrder> parse_order(std::string_view body);

}  // namespace fondaco::woocommerce
