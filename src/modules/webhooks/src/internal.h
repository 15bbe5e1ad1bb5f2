// Private to the webhooks module: the delivery row's columns and reader, shared by the
// endpoint/log code (webhooks.cc) and the sender (delivery.cc). Thread-safety: pure.
#pragma once

#include <string_view>

#include "fondaco/storage/database.h"
#include "fondaco/webhooks/webhooks.h"

namespace fondaco::webhooks::detail {

inline constexpr std::string_view kDeliveryColumns =
    "id, endpoint_id, event_id, event_type, ordering_key, event_at, payload, status, attempts, "
    "next_attempt_at, lease_until, last_status_code, last_error, created_at, updated_at, "
    "delivered_at";

Delivery delivery_from(const storage::Rows& r, std::size_t i);

}  // namespace fondaco::webhooks::detail
