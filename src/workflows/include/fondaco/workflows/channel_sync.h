// Channel sync: what every selling channel is shown of Fondaco's stock and catalog, and the
// status of its orders sent back, kept up to date within milliseconds of a change.
//
// Two halves:
//   - the queue side (transactional event subscribers, see register_channel_sync):
//       stock.changed                       → a "stock" row per pushing channel listing the
//                                             SKU (the channel's publishable quantity)
//       product.created/updated/archived    → a "listing" row per pushing channel listing one
//                                             of the product's SKUs (overrides applied)
//       channel.updated                     → stock rows of the channel recomputed (its
//                                             policy or locations may have changed)
//       shipment.shipped                    → a "fulfillment" row when the order came from a
//                                             shopify/woocommerce channel with an external_ref
//     Only channels of kind shopify, woocommerce and generic receive pushes; storefront,
//     pos and phone read Fondaco directly, and Amazon's feeds API and eBay are out of scope.
//   - the push side (ChannelPusher): claims a channel's due rows, calls its ChannelClient
//     outside any transaction and records what the channel accepted, with retries,
//     exponential backoff and jitter, Retry-After, and the delivery log.
//
// A channel's available quantity of a SKU is Σ (on hand − reserved) over its locations
// (every warehouse, store and bin when it names none, as allocation does), then its stock
// policy (channels::publishable_quantity). A stock row's quantity is recomputed when it is
// claimed, so what is sent is never above what Fondaco could promise at that moment.
//
// Thread-safety: the free functions are stateless and take the caller's transaction;
// ChannelPusher may be used from several threads for different channels at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fondaco/base/clock.h"
#include "fondaco/base/result.h"
#include "fondaco/catalog/catalog.h"
#include "fondaco/channels/channels.h"
#include "fondaco/channels/listings.h"
#include "fondaco/channels/sync.h"
#include "fondaco/channels/sync_queue.h"
#include "fondaco/events/event_log.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/orders/orders.h"
#include "fondaco/storage/database.h"

namespace fondaco::workflows {

// Kinds Fondaco pushes stock, listings and fulfilments to.
bool receives_pushes(channels::Kind k);

// Σ (on hand − reserved) of `sku` over the channel's locations, never negative.
Result<std::int64_t> channel_available(storage::Tx& tx, inventory::Inventory& inventory,
                                       const channels::Channel& channel, std::string_view sku);

// The listing as the channel should show it: product title/description/status and the
// "default" price list's single-unit price, then the listing's overrides.
Result<channels::Listing> channel_listing(storage::Tx& tx, catalog::Catalog& catalog,
                                          const channels::ChannelListing& listing);

// Queues the stock row of one SKU for one channel (a no-op when the value is unchanged,
// unless `force`). Returns whether a new version is due.
Result<bool> queue_stock(storage::Tx& tx, inventory::Inventory& inventory,
                         const channels::Channel& channel, std::string_view sku,
                         std::int64_t now_ms, bool force = false);
// Queues the listing row of one SKU for one channel (same no-op rule as queue_stock).
Result<bool> queue_listing(storage::Tx& tx, const channels::Channel& channel,
                           const channels::Listing& listing, std::int64_t now_ms,
                           bool force = false);
// Queues stock and listing rows for every SKU the channel lists; returns how many SKUs.
// With `force`, every row gets a new version even when its value is unchanged (resync).
Result<int> queue_channel(storage::Tx& tx, catalog::Catalog& catalog,
                          inventory::Inventory& inventory, const channels::Channel& channel,
                          std::int64_t now_ms, bool force);

// The modules the subscribers and the pusher use (owned by the composition root).
struct ChannelSync {
  storage::Database& db;
  const Clock& clock;
  catalog::Catalog& catalog;
  inventory::Inventory& inventory;
  orders::Orders& orders;
  // Called after a transaction that queued rows for the channel commits (the worker wakes
  // its thread); may be empty.
  std::function<void(std::int64_t channel_id)> on_queued;
};

void register_channel_sync(events::Dispatcher& d, const ChannelSync& sync);

// What one ChannelPusher::run_channel round did.
struct PushRound {
  int calls = 0;                         // client calls made
  std::optional<std::int64_t> next_due;  // when the channel has something due next
};

class ChannelPusher {
 public:
  ChannelPusher(const ChannelSync& sync, Random& random) : sync_(sync), random_(random) {}

  // Sends what is due for the channel, at most `max_calls` client calls (the caller's rate
  // limit): stock first (in batches of client.max_stock_batch()), then listings, then
  // fulfilments. `changed_skus` (stock changes the caller heard of at commit) are queued
  // first, in the transaction of the first claim, so a change reaches the channel without
  // waiting for the event dispatcher. Each batch is claimed in one transaction, pushed with
  // no transaction open, and its outcome and delivery recorded in another.
  Result<PushRound> run_channel(std::string_view channel_code, channels::ChannelClient& client,
                                int max_calls, std::span<const std::string> changed_skus = {});

  // The wait before attempt `attempts + 1` (attempts ≥ 1): exponential, capped, jittered;
  // at least `retry_after_ms`.
  std::int64_t backoff_ms(std::int64_t attempts, std::int64_t retry_after_ms);

 private:
  struct Claimed;
  Result<Claimed> claim(std::string_view channel_code, channels::SyncKind kind, int limit,
                        std::span<const std::string> changed_skus);
  Result<void> finish(const Claimed& c, const channels::PushResult& r, std::int64_t latency_ms,
                      std::int64_t items);
  channels::PushResult call(const Claimed& c, channels::ChannelClient& client);

  ChannelSync sync_;
  Random& random_;
};

}  // namespace fondaco::workflows
