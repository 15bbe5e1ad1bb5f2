// The channel-sync queue: what each channel should show and what it last accepted.
//
// One row per (channel, kind, item): kind "stock" (item = SKU, desired = the quantity to
// publish), "listing" (item = SKU, payload = the listing as JSON) or "fulfillment" (item =
// a shipment key, payload = the fulfilment as JSON). `want` is an upsert: a newer desired
// value replaces the older one and bumps `version`, so however many changes arrive while a
// push is in flight, the channel receives only the latest (coalescing). A row is due while
// version > published_version, next_attempt_at has passed and no worker holds its lease.
// `claim` leases due rows; the worker calls the channel outside any transaction and then
// records the outcome for the version it sent: a newer version that arrived meanwhile stays
// due. The delivery log keeps one row per call, the newest kChannelDeliveryLogKeep per
// channel. Every function takes the caller's transaction and now_ms.
// Thread-safety: stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/storage/database.h"

namespace fondaco::channels {

enum class SyncKind { stock, listing, fulfillment };
std::string_view to_string(SyncKind k);
std::optional<SyncKind> parse_sync_kind(std::string_view s);

struct SyncItem {
  std::int64_t id = 0;
  std::int64_t channel_id = 0;
  SyncKind kind = SyncKind::stock;
  std::string item;
  std::int64_t desired = 0;
  std::string payload;
  std::int64_t version = 0;
  std::optional<std::int64_t> published;  // stock: the quantity the channel accepted last
  std::int64_t published_version = 0;
  std::int64_t attempts = 0;  // failures since the last success
  std::int64_t next_attempt_at = 0;
  std::optional<std::string> last_error;
  bool failed = false;  // the channel refused the last version sent (or retries ran out)
  std::int64_t updated_at = 0;

  // "synced", "pending", "retrying" or "failed".
  std::string_view state() const;
};

// What a push of `sent` (claimed earlier) ended with.
struct SyncOutcome {
  enum class Kind { ok, retry, rejected } kind = Kind::ok;
  // stock: the quantity the channel now shows (ok), or reported it shows (retry after a
  // compare-and-set conflict)
  std::optional<std::int64_t> published{};
  std::string error{};        // retry / rejected
  std::int64_t retry_at = 0;  // retry: not before
};

struct Delivery {
  std::int64_t id = 0;
  std::int64_t channel_id = 0;
  std::string kind;  // stock, listing, fulfillment
  std::int64_t items = 0;
  std::int64_t http_status = 0;  // 0: no HTTP answer
  std::string outcome;           // ok, retry, rejected
  std::string detail;
  std::int64_t latency_ms = 0;
  std::int64_t at = 0;
};

class SyncQueue {
 public:
  // Sets the value to publish. Returns true when the row changed (a new version is due);
  // an unchanged desired value and payload changes nothing unless `force` (resync).
  // A row in backoff keeps its next attempt time: a failing channel is not hammered.
  static Result<bool> want(storage::Tx& tx, std::int64_t channel_id, SyncKind kind,
                           std::string_view item, std::int64_t desired, std::string_view payload,
                           std::int64_t now_ms, bool force = false);
  // Leases up to `limit` due rows of one channel and kind, oldest next_attempt first, until
  // now_ms + lease_ms.
  static Result<std::vector<SyncItem>> claim(storage::Tx& tx, std::int64_t channel_id,
                                             SyncKind kind, std::int64_t now_ms, int limit,
                                             std::int64_t lease_ms);
  // Records how the push of `sent` ended and frees its lease. ok and rejected settle that
  // version (a rejected one keeps last_error and failed = true until a newer version
  // succeeds); retry counts an attempt and waits until retry_at. A newer version written
  // since the claim stays due either way.
  static Result<void> record(storage::Tx& tx, const SyncItem& sent, const SyncOutcome& outcome,
                             std::int64_t now_ms);
  static Result<std::optional<SyncItem>> find(storage::Tx& tx, std::int64_t channel_id,
                                              SyncKind kind, std::string_view item);
  // The rows of one channel and kind, ascending item after `after_item`.
  static Result<std::vector<SyncItem>> list(storage::Tx& tx, std::int64_t channel_id, SyncKind kind,
                                            std::string_view after_item, int limit);
  // The earliest time a row of the channel becomes due (nullopt: nothing to send).
  static Result<std::optional<std::int64_t>> next_due(storage::Tx& tx, std::int64_t channel_id);

  // Appends to the delivery log and prunes the channel's oldest rows beyond `keep`.
  static Result<void> log_delivery(storage::Tx& tx, const Delivery& d, std::int64_t keep);
  // Newest first: the deliveries with id < before_id (0: from the newest).
  static Result<std::vector<Delivery>> deliveries(storage::Tx& tx, std::int64_t channel_id,
                                                  std::int64_t before_id, int limit);
};

}  // namespace fondaco::channels
