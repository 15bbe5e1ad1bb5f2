// Orders in from channels (Shopify, WooCommerce, Amazon...): an ExternalOrder, as a
// connector translated it, becomes one Fondaco order, inside the caller's transaction.
//
// Channels deliver at least once, late and out of order, so ingestion is keyed and ordered:
//   - one Fondaco order per (channel, external id): a repeat finds the stored order (the
//     orders module keeps the pair unique, so concurrent deliveries cannot create two);
//   - the channel's `updated_at` orders versions: a delivery not newer than the stored one
//     changes nothing (`unchanged`); an update that arrives before its create creates the
//     order in its (newer) state, and the late create is then `unchanged`;
//   - an update applies what the state machine allows: cancellation (holds released),
//     payment collected by the channel (→ paid), new addresses while the order is editable,
//     the channel's total; line changes made on the channel are not applied (see
//     ARCHITECTURE.md) and are left to a person.
// Lines map to Fondaco SKUs through the channel's listings (channels::sku_for_external),
// else the channel's SKU when the catalog sells it. A line that maps to nothing is kept on
// the order under the channel's SKU and the order goes `on_hold` with a reason naming the
// line; the known lines still reserve stock when there is enough. Stock is reserved over the
// channel's locations by the same allocation as place_order, under the SKUs' balance-row
// locks, so concurrent channels never reserve more than there is: an order the stock cannot
// cover is kept `on_hold` ("insufficient stock") with nothing reserved, never dropped.
// Orders the channel has been paid for use payment method `marketplace` and become `paid`
// at once (which starts fulfilment); others wait as `pending_payment` for a later update.
//
// Lock order (as place_order.h): the order row, the SKUs' balance rows, the event counter.
// Functions take now_ms; nothing reads the clock. Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fondaco/base/result.h"
#include "fondaco/channels/external.h"
#include "fondaco/orders/orders.h"
#include "fondaco/storage/database.h"
#include "fondaco/workflows/place_order.h"

namespace fondaco::workflows {

enum class IngestOutcome { created, updated, unchanged };
std::string_view to_string(IngestOutcome o);

struct IngestResult {
  IngestOutcome outcome = IngestOutcome::unchanged;
  std::int64_t order_id = 0;
  std::string number;
  orders::Status status = orders::Status::pending_payment;
  std::optional<std::string> hold_reason;
};

// The channel must be registered and active (invalid_argument naming "channel"). Errors in
// the payload that Fondaco cannot store (an amount out of range, an invalid currency) are
// invalid_argument naming the member; nothing is written then.
Result<IngestResult> ingest_channel_order(storage::Tx& tx, const OrderServices& s,
                                          std::string_view channel_code,
                                          const channels::ExternalOrder& ext, std::int64_t now_ms);

// The marketplace fees of an order the channel already delivered (Amazon's settlement
// report), replacing what was stored. not_found naming "order_id" when the order has not
// been imported.
Result<IngestResult> set_channel_order_fees(storage::Tx& tx, const OrderServices& s,
                                            std::string_view channel_code,
                                            std::string_view external_id,
                                            std::span<const orders::ChannelFee> fees,
                                            std::int64_t now_ms);

}  // namespace fondaco::workflows
