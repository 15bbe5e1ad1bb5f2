#include "fondaco/workflows/channel_sync.h"

#include <algorithm>
#include <array>
#include <cstddef>

#include "allocation.h"
#include "fondaco/base/limits.h"
#include "fondaco/channels/credentials.h"
#include "fondaco/fulfillment/fulfillment.h"
#include "fondaco/platform/json.h"

namespace fondaco::workflows {

using channels::Channel;
using channels::Channels;
using channels::Kind;
using channels::Listings;
using channels::SyncKind;
using channels::SyncQueue;
using storage::Tx;

namespace {

// Listings of `sku` on channels that receive pushes and are active, with their channel.
Result<std::vector<std::pair<Channel, channels::ChannelListing>>> pushing_listings(
    Tx& tx, std::string_view sku) {
  std::vector<std::pair<Channel, channels::ChannelListing>> out;
  for (auto& l : FONDACO_TRY(Listings::for_sku(tx, sku))) {
    auto ch = FONDACO_TRY(Channels::find_by_id(tx, l.channel_id));
    if (ch && ch->active && receives_pushes(ch->kind))
      out.emplace_back(std::move(*ch), std::move(l));
  }
  return out;
}

std::string listing_json(const channels::Listing& l) {
  json::Writer w;
  w.begin_object().kv("sku", l.sku).kv("external_sku", l.external_sku);
  w.kv("external_id", l.external_id).kv("title", l.title).kv("description", l.description);
  w.kv("price_minor", l.price_minor).kv("currency", l.currency).kv_bool("active", l.active);
  w.end_object();
  return w.take();
}

void notify_after_commit(Tx& tx, const ChannelSync& sync, std::int64_t channel_id) {
  if (sync.on_queued) tx.after_commit([f = sync.on_queued, channel_id] { f(channel_id); });
}

Result<void> on_stock_changed(const ChannelSync& sync, Tx& tx, const events::Event& e) {
  const std::int64_t now = sync.clock.now_ms();
  for (const auto& [ch, listing] : FONDACO_TRY(pushing_listings(tx, e.aggregate_id)))
    if (FONDACO_TRY(queue_stock(tx, sync.inventory, ch, listing.sku, now)))
      notify_after_commit(tx, sync, ch.id);
  return ok();
}

Result<void> on_product_changed(const ChannelSync& sync, Tx& tx, const events::Event& e) {
  const std::int64_t now = sync.clock.now_ms();
  const auto product = FONDACO_TRY(sync.catalog.get(tx, std::stoll(e.aggregate_id)));
  for (const auto& v : product.variants)
    for (const auto& [ch, listing] : FONDACO_TRY(pushing_listings(tx, v.sku))) {
      const auto l = FONDACO_TRY(channel_listing(tx, sync.catalog, listing));
      if (FONDACO_TRY(queue_listing(tx, ch, l, now))) notify_after_commit(tx, sync, ch.id);
    }
  return ok();
}

Result<void> on_channel_updated(const ChannelSync& sync, Tx& tx, const events::Event& e) {
  const auto ch = FONDACO_TRY(Channels::find(tx, e.aggregate_id));
  if (!ch || !ch->active || !receives_pushes(ch->kind)) return ok();
  std::string after;
  for (;;) {
    const auto page = FONDACO_TRY(Listings::list(tx, ch->id, after, limits::kMaxPageSize));
    for (const auto& l : page)
      FONDACO_TRY(queue_stock(tx, sync.inventory, *ch, l.sku, sync.clock.now_ms()));
    if (static_cast<int>(page.size()) < limits::kMaxPageSize) break;
    after = page.back().sku;
  }
  notify_after_commit(tx, sync, ch->id);
  return ok();
}

Result<void> on_shipped(const ChannelSync& sync, Tx& tx, const events::Event& e) {
  const auto s = FONDACO_TRY(fulfillment::Fulfillment::get(tx, std::stoll(e.aggregate_id)));
  if (!s.order_id) return ok();
  const auto order = FONDACO_TRY(sync.orders.get(tx, *s.order_id));
  if (!order.external_ref) return ok();
  const auto ch = FONDACO_TRY(Channels::find(tx, order.channel));
  if (!ch || !ch->active || (ch->kind != Kind::shopify && ch->kind != Kind::woocommerce))
    return ok();
  // The payload only has to change when the parcel does: the fulfilment itself is rebuilt
  // from the shipment when it is sent.
  json::Writer w;
  w.begin_object().kv("shipment_id", s.id).kv("tracking_number", s.tracking_number).end_object();
  if (FONDACO_TRY(SyncQueue::want(tx, ch->id, SyncKind::fulfillment, "shipment:" + e.aggregate_id,
                                  0, w.take(), sync.clock.now_ms())))
    notify_after_commit(tx, sync, ch->id);
  return ok();
}

}  // namespace

bool receives_pushes(Kind k) {
  return k == Kind::shopify || k == Kind::woocommerce || k == Kind::generic;
}

Result<std::int64_t> channel_available(Tx& tx, inventory::Inventory& inventory,
                                       const Channel& channel, std::string_view sku) {
  std::int64_t total = 0;
  for (const auto& l : FONDACO_TRY(inventory.available_by_location(tx, sku))) {
    const bool counted = channel.locations.empty()
                             ? detail::placeable(l.kind)
                             : std::find(channel.locations.begin(), channel.locations.end(),
                                         l.location) != channel.locations.end();
    // A location short of its reservations (never, by the ledger's rules) adds nothing.
    if (counted) total += std::max<std::int64_t>(l.available, 0);
  }
  return total;
}

Result<channels::Listing> channel_listing(Tx& tx, catalog::Catalog& catalog,
                                          const channels::ChannelListing& listing) {
  const auto v = FONDACO_TRY(catalog.variant(tx, listing.sku));
  const auto p = FONDACO_TRY(catalog.get(tx, v.product_id));
  channels::Listing out;
  out.sku = listing.sku;
  out.external_sku = listing.external_sku;
  out.external_id = listing.external_id;
  out.title = listing.title.value_or(p.title);
  out.description = p.description;
  const catalog::Price* best = nullptr;
  for (const auto& price : v.prices)
    if (price.price_list == "default" && (!best || price.min_qty < best->min_qty)) best = &price;
  if (best) {
    out.price_minor = best->amount_minor;
    out.currency = best->currency;
  }
  if (listing.price_minor) out.price_minor = *listing.price_minor;
  out.active = listing.active.value_or(true) && p.status == catalog::ProductStatus::active;
  return out;
}

Result<bool> queue_stock(Tx& tx, inventory::Inventory& inventory, const Channel& channel,
                         std::string_view sku, std::int64_t now_ms, bool force) {
  const auto available = FONDACO_TRY(channel_available(tx, inventory, channel, sku));
  const auto q = channels::publishable_quantity(channel.policy, available);
  return SyncQueue::want(tx, channel.id, SyncKind::stock, sku, q, "", now_ms, force);
}

Result<bool> queue_listing(Tx& tx, const Channel& channel, const channels::Listing& listing,
                           std::int64_t now_ms, bool force) {
  return SyncQueue::want(tx, channel.id, SyncKind::listing, listing.sku, 0, listing_json(listing),
                         now_ms, force);
}

Result<int> queue_channel(Tx& tx, catalog::Catalog& catalog, inventory::Inventory& inventory,
                          const Channel& channel, std::int64_t now_ms, bool force) {
  int n = 0;
  std::string after;
  while (n < limits::kMaxChannelResyncListings) {
    const auto page = FONDACO_TRY(Listings::list(tx, channel.id, after, limits::kMaxPageSize));
    for (const auto& l : page) {
      FONDACO_TRY(queue_stock(tx, inventory, channel, l.sku, now_ms, force));
      const auto listing = FONDACO_TRY(channel_listing(tx, catalog, l));
      FONDACO_TRY(queue_listing(tx, channel, listing, now_ms, force));
      ++n;
    }
    if (static_cast<int>(page.size()) < limits::kMaxPageSize) break;
    after = page.back().sku;
  }
  return n;
}

void register_channel_sync(events::Dispatcher& d, const ChannelSync& sync) {
  using Step = Result<void> (*)(const ChannelSync&, Tx&, const events::Event&);
  const events::SubscribeOptions options{limits::kChainMaxAttempts};
  d.subscribe_tx(
      "channels.sync",
      [&sync](Tx& tx, const events::Event& e) -> Result<void> {
        Step step = nullptr;
        if (e.type == "stock.changed")
          step = on_stock_changed;
        else if (e.type == "product.created" || e.type == "product.updated" ||
                 e.type == "product.archived")
          step = on_product_changed;
        else if (e.type == "channel.updated")
          step = on_channel_updated;
        else if (e.type == "shipment.shipped")
          step = on_shipped;
        return step ? step(sync, tx, e) : ok();
      },
      options);
}

// ---- the push side ------------------------------------------------------------------------

// One claimed batch: the channel as it was at claim time, its endpoint and what to send.
struct ChannelPusher::Claimed {
  Channel channel;
  channels::Endpoint endpoint;
  SyncKind kind = SyncKind::stock;
  std::vector<channels::SyncItem> rows;
  std::vector<channels::StockLevel> levels;  // stock: one per row, same order
  channels::Listing listing;                 // listing: rows.size() == 1
  channels::Fulfillment fulfillment;         // fulfillment: rows.size() == 1
};

std::int64_t ChannelPusher::backoff_ms(std::int64_t attempts, std::int64_t retry_after_ms) {
  const int shift = static_cast<int>(std::clamp<std::int64_t>(attempts - 1, 0, 20));
  const std::int64_t base =
      std::min(limits::kChannelSyncBackoffBaseMs << shift, limits::kChannelSyncBackoffMaxMs);
  std::array<std::byte, 4> bytes{};
  random_.fill(bytes);
  std::uint32_t r = 0;
  for (auto b : bytes) r = (r << 8) | static_cast<std::uint32_t>(b);
  const std::int64_t jitter =
      static_cast<std::int64_t>(r % static_cast<std::uint32_t>(base / 4 + 1));
  return std::max(base + jitter, retry_after_ms);
}

namespace {

Result<channels::Fulfillment> build_fulfillment(Tx& tx, orders::Orders& orders,
                                                const channels::SyncItem& row) {
  const auto id = std::stoll(row.item.substr(row.item.find(':') + 1));
  const auto s = FONDACO_TRY(fulfillment::Fulfillment::get(tx, id));
  const auto order = FONDACO_TRY(orders.get(tx, s.order_id.value_or(0)));
  channels::Fulfillment f;
  f.external_order_id = order.external_ref.value_or("");
  f.tracking_number = s.tracking_number.value_or("");
  f.carrier = s.carrier;
  f.tracking_url = s.tracking_url.value_or("");
  for (const auto& l : s.lines) f.lines.push_back({"", l.sku, l.qty});
  f.complete = order.fulfillment_status == orders::FulfillmentStatus::fulfilled;
  return f;
}

}  // namespace

Result<ChannelPusher::Claimed> ChannelPusher::claim(std::string_view code, SyncKind kind, int limit,
                                                    std::span<const std::string> changed_skus) {
  return sync_.db.write([&](Tx& tx) -> Result<Claimed> {
    const std::int64_t now = sync_.clock.now_ms();
    Claimed c;
    c.channel = FONDACO_TRY(Channels::get(tx, code));
    c.kind = kind;
    if (!c.channel.active || !receives_pushes(c.channel.kind)) return c;
    for (const auto& sku : changed_skus)
      if (FONDACO_TRY(Listings::find(tx, c.channel.id, sku)))
        FONDACO_TRY(queue_stock(tx, sync_.inventory, c.channel, sku, now));
    c.rows = FONDACO_TRY(
        SyncQueue::claim(tx, c.channel.id, kind, now, limit, limits::kChannelSyncLeaseMs));
    if (c.rows.empty()) return c;
    c.endpoint = {c.channel.code, std::string(channels::to_string(c.channel.kind)),
                  FONDACO_TRY(channels::Credentials::load(tx, c.channel.id))};
    for (auto& row : c.rows) {
      const auto listing = FONDACO_TRY(Listings::find(tx, c.channel.id, row.item));
      if (kind == SyncKind::stock) {
        // Recomputed now: never more than what can be promised at the moment of sending.
        const auto avail = FONDACO_TRY(channel_available(tx, sync_.inventory, c.channel, row.item));
        row.desired = channels::publishable_quantity(c.channel.policy, avail);
        channels::StockLevel level{row.item, row.item, "", "", row.desired, row.published};
        if (listing) {
          level.external_sku = listing->external_sku;
          level.external_id = listing->external_id;
          level.inventory_item_id = listing->inventory_item_id;
        }
        c.levels.push_back(std::move(level));
      } else if (kind == SyncKind::listing && listing) {
        c.listing = FONDACO_TRY(channel_listing(tx, sync_.catalog, *listing));
      } else if (kind == SyncKind::fulfillment) {
        c.fulfillment = FONDACO_TRY(build_fulfillment(tx, sync_.orders, row));
      }
    }
    return c;
  });
}

channels::PushResult ChannelPusher::call(const Claimed& c, channels::ChannelClient& client) {
  switch (c.kind) {
    case SyncKind::stock:
      return client.push_stock(c.endpoint, c.levels);
    case SyncKind::listing:
      return client.push_listing(c.endpoint, c.listing);
    case SyncKind::fulfillment:
      return client.push_fulfillment(c.endpoint, c.fulfillment);
  }
  return {};
}

Result<void> ChannelPusher::finish(const Claimed& c, const channels::PushResult& r,
                                   std::int64_t latency_ms, std::int64_t items) {
  using channels::PushResult;
  using channels::SyncOutcome;
  return sync_.db.write([&](Tx& tx) -> Result<void> {
    const std::int64_t now = sync_.clock.now_ms();
    for (std::size_t i = 0; i < c.rows.size(); ++i) {
      const auto& row = c.rows[i];
      SyncOutcome o;
      std::optional<std::int64_t> observed;
      for (const auto& [sku, q] : r.observed)
        if (sku == row.item) observed = q;
      if (r.outcome == PushResult::Outcome::ok) {
        if (c.kind == SyncKind::stock) o.published = observed.value_or(row.desired);
      } else if (r.outcome == PushResult::Outcome::retry &&
                 row.attempts + 1 < limits::kChannelSyncMaxAttempts) {
        o.kind = SyncOutcome::Kind::retry;
        o.published = observed;
        o.error = r.detail;
        o.retry_at = now + backoff_ms(row.attempts + 1, r.retry_after_ms);
      } else {
        o.kind = SyncOutcome::Kind::rejected;
        o.error =
            r.outcome == PushResult::Outcome::retry
                ? "gave up after " + std::to_string(row.attempts + 1) + " attempts: " + r.detail
                : r.detail;
      }
      FONDACO_TRY(SyncQueue::record(tx, row, o, now));
    }
    static constexpr std::array<std::string_view, 3> kOutcomes = {"ok", "retry", "rejected"};
    channels::Delivery d{0,
                         c.channel.id,
                         std::string(channels::to_string(c.kind)),
                         items,
                         r.http_status,
                         std::string(kOutcomes[static_cast<std::size_t>(r.outcome)]),
                         r.detail.substr(0, 500),
                         latency_ms,
                         now};
    return SyncQueue::log_delivery(tx, d, limits::kChannelDeliveryLogKeep);
  });
}

Result<PushRound> ChannelPusher::run_channel(std::string_view code, channels::ChannelClient& client,
                                             int max_calls,
                                             std::span<const std::string> changed_skus) {
  PushRound round;
  auto next_due = [&]() -> Result<std::optional<std::int64_t>> {
    return sync_.db.read([&](Tx& tx) -> Result<std::optional<std::int64_t>> {
      const auto ch = FONDACO_TRY(Channels::find(tx, code));
      if (!ch) return std::optional<std::int64_t>{};
      return SyncQueue::next_due(tx, ch->id);
    });
  };
  // An idle wake (no SKU heard, nothing due) reads and returns: claiming is a write
  // transaction, and idle lanes must not queue on the single writer every second.
  if (changed_skus.empty()) {
    round.next_due = FONDACO_TRY(next_due());
    if (!round.next_due || *round.next_due > sync_.clock.now_ms()) return round;
  }
  for (const SyncKind kind : {SyncKind::stock, SyncKind::listing, SyncKind::fulfillment}) {
    while (round.calls < max_calls) {
      const int limit = kind == SyncKind::stock
                            ? static_cast<int>(std::max<std::size_t>(client.max_stock_batch(), 1))
                            : 1;
      Claimed c = FONDACO_TRY(claim(code, kind, limit, changed_skus));
      changed_skus = {};
      if (c.rows.empty()) break;
      const std::int64_t start = sync_.clock.now_ms();
      const auto r = call(c, client);
      FONDACO_TRY(
          finish(c, r, sync_.clock.now_ms() - start, static_cast<std::int64_t>(c.rows.size())));
      ++round.calls;
    }
  }
  round.next_due = FONDACO_TRY(next_due());
  return round;
}

}  // namespace fondaco::workflows
