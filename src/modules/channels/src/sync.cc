#include <array>

#include "fondaco/channels/sync_queue.h"

namespace fondaco::channels {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

constexpr std::array<std::string_view, 3> kSyncKinds = {"stock", "listing", "fulfillment"};

constexpr std::string_view kColumns =
    "id, channel_id, kind, item, desired, payload, version, published, published_version, "
    "attempts, next_attempt_at, last_error, failed, updated_at";

SyncItem item_from(const Rows& r, std::size_t i) {
  SyncItem s;
  s.id = r.i64(i, 0);
  s.channel_id = r.i64(i, 1);
  s.kind = parse_sync_kind(r.text(i, 2)).value_or(SyncKind::stock);
  s.item = r.text(i, 3);
  s.desired = r.i64(i, 4);
  s.payload = r.text(i, 5);
  s.version = r.i64(i, 6);
  s.published = r.opt_i64(i, 7);
  s.published_version = r.i64(i, 8);
  s.attempts = r.i64(i, 9);
  s.next_attempt_at = r.i64(i, 10);
  s.last_error = r.opt_text(i, 11);
  s.failed = r.i64(i, 12) != 0;
  s.updated_at = r.i64(i, 13);
  return s;
}

std::string kind_value(SyncKind k) { return std::string(to_string(k)); }

}  // namespace

std::string_view to_string(SyncKind k) { return kSyncKinds[static_cast<std::size_t>(k)]; }

std::optional<SyncKind> parse_sync_kind(std::string_view s) {
  for (std::size_t i = 0; i < kSyncKinds.size(); ++i)
    if (kSyncKinds[i] == s) return static_cast<SyncKind>(i);
  return std::nullopt;
}

std::string_view SyncItem::state() const {
  if (version > published_version) return attempts > 0 ? "retrying" : "pending";
  return failed ? "failed" : "synced";
}

Result<bool> SyncQueue::want(Tx& tx, std::int64_t channel_id, SyncKind kind, std::string_view item,
                             std::int64_t desired, std::string_view payload, std::int64_t now_ms,
                             bool force) {
  // The WHERE of DO UPDATE makes an unchanged value a no-op: no new version, no push.
  const std::string sql =
      std::string(
          "INSERT INTO channel_sync (channel_id, kind, item, desired, payload, version, "
          "published, published_version, attempts, next_attempt_at, lease_until, last_error, "
          "failed, updated_at) VALUES (?, ?, ?, ?, ?, 1, NULL, 0, 0, ?, 0, NULL, 0, ?) "
          "ON CONFLICT (channel_id, kind, item) DO UPDATE SET desired = excluded.desired, "
          "payload = excluded.payload, version = channel_sync.version + 1, "
          "next_attempt_at = CASE WHEN channel_sync.attempts > 0 THEN "
          "channel_sync.next_attempt_at ELSE excluded.next_attempt_at END, "
          "updated_at = excluded.updated_at") +
      (force ? ""
             : " WHERE channel_sync.desired <> excluded.desired OR "
               "channel_sync.payload <> excluded.payload");
  const auto n = FONDACO_TRY(tx.exec(sql, {channel_id, kind_value(kind), std::string(item), desired,
                                           std::string(payload), now_ms, now_ms}));
  return n > 0;
}

Result<std::vector<SyncItem>> SyncQueue::claim(Tx& tx, std::int64_t channel_id, SyncKind kind,
                                               std::int64_t now_ms, int limit,
                                               std::int64_t lease_ms) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kColumns) +
          " FROM channel_sync WHERE channel_id = ? AND kind = ? AND version > published_version "
          "AND next_attempt_at <= ? AND lease_until <= ? ORDER BY next_attempt_at, id LIMIT ?",
      {channel_id, kind_value(kind), now_ms, now_ms, std::int64_t{limit}}));
  std::vector<SyncItem> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SyncItem s = item_from(rows, i);
    // Conditional: of two workers racing for the row, one takes it.
    const auto taken = FONDACO_TRY(
        tx.exec("UPDATE channel_sync SET lease_until = ? WHERE id = ? AND lease_until <= ?",
                {now_ms + lease_ms, s.id, now_ms}));
    if (taken == 1) out.push_back(std::move(s));
  }
  return out;
}

Result<void> SyncQueue::record(Tx& tx, const SyncItem& sent, const SyncOutcome& o,
                               std::int64_t now_ms) {
  switch (o.kind) {
    case SyncOutcome::Kind::ok:
      FONDACO_TRY(tx.exec(
          "UPDATE channel_sync SET published_version = CASE WHEN published_version < ? THEN ? "
          "ELSE published_version END, published = COALESCE(?, published), attempts = 0, "
          "last_error = NULL, failed = 0, lease_until = 0, next_attempt_at = ?, updated_at = ? "
          "WHERE id = ?",
          {sent.version, sent.version, storage::opt_value(o.published), now_ms, now_ms, sent.id}));
      break;
    case SyncOutcome::Kind::retry:
      FONDACO_TRY(tx.exec(
          "UPDATE channel_sync SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, "
          "published = COALESCE(?, published), lease_until = 0, updated_at = ? WHERE id = ?",
          {o.retry_at, o.error, storage::opt_value(o.published), now_ms, sent.id}));
      break;
    case SyncOutcome::Kind::rejected:
      FONDACO_TRY(tx.exec(
          "UPDATE channel_sync SET published_version = CASE WHEN published_version < ? THEN ? "
          "ELSE published_version END, attempts = 0, last_error = ?, failed = 1, lease_until = 0, "
          "next_attempt_at = ?, updated_at = ? WHERE id = ?",
          {sent.version, sent.version, o.error, now_ms, now_ms, sent.id}));
      break;
  }
  return ok();
}

Result<std::optional<SyncItem>> SyncQueue::find(Tx& tx, std::int64_t channel_id, SyncKind kind,
                                                std::string_view item) {
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(kColumns) +
                                       " FROM channel_sync WHERE channel_id = ? AND kind = ? AND "
                                       "item = ?",
                                   {channel_id, kind_value(kind), std::string(item)}));
  if (rows.empty()) return std::optional<SyncItem>{};
  return std::optional<SyncItem>(item_from(rows, 0));
}

Result<std::vector<SyncItem>> SyncQueue::list(Tx& tx, std::int64_t channel_id, SyncKind kind,
                                              std::string_view after_item, int limit) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kColumns) +
          " FROM channel_sync WHERE channel_id = ? AND kind = ? AND item > ? ORDER BY item LIMIT ?",
      {channel_id, kind_value(kind), std::string(after_item), std::int64_t{limit}}));
  std::vector<SyncItem> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(item_from(rows, i));
  return out;
}

Result<std::optional<std::int64_t>> SyncQueue::next_due(Tx& tx, std::int64_t channel_id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT MIN(CASE WHEN lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at "
      "END) FROM channel_sync WHERE channel_id = ? AND version > published_version",
      {channel_id}));
  if (rows.empty()) return std::optional<std::int64_t>{};
  return rows.opt_i64(0, 0);
}

Result<void> SyncQueue::log_delivery(Tx& tx, const Delivery& d, std::int64_t keep) {
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO channel_deliveries (channel_id, kind, items, http_status, outcome, detail, "
      "latency_ms, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {d.channel_id, d.kind, d.items, d.http_status, d.outcome, d.detail, d.latency_ms, d.at}));
  // Pruning on every insert would walk `keep` index entries each time; every 32nd insert
  // bounds the log at keep + a few dozen rows per channel for a fraction of the cost.
  if (rows.i64(0, 0) % 32 == 0)
    FONDACO_TRY(
        tx.exec("DELETE FROM channel_deliveries WHERE channel_id = ? AND id < (SELECT id FROM "
                "channel_deliveries WHERE channel_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                {d.channel_id, d.channel_id, keep - 1}));
  return ok();
}

Result<std::vector<Delivery>> SyncQueue::deliveries(Tx& tx, std::int64_t channel_id,
                                                    std::int64_t before_id, int limit) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT id, channel_id, kind, items, http_status, outcome, detail, latency_ms, at FROM "
      "channel_deliveries WHERE channel_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
      {channel_id, before_id, before_id, std::int64_t{limit}}));
  std::vector<Delivery> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(Delivery{rows.i64(i, 0), rows.i64(i, 1), rows.text(i, 2), rows.i64(i, 3),
                           rows.i64(i, 4), rows.text(i, 5), rows.text(i, 6), rows.i64(i, 7),
                           rows.i64(i, 8)});
  return out;
}

}  // namespace fondaco::channels
