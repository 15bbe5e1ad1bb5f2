#include <chrono>

#include "fondaco/events/event_log.h"

namespace fondaco::events {

Result<std::int64_t> EventLog::append(storage::Tx& tx, std::string_view type,
                                      std::string_view aggregate, std::string_view aggregate_id,
                                      std::string payload_json, std::int64_t at_ms) {
  // The counter row is the serialisation point that makes seq gap-free and commit-ordered.
  auto rows = FONDACO_TRY(
      tx.query("UPDATE event_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq"));
  if (rows.empty()) return fail(ErrorCode::internal, "event counter row is missing");
  const std::int64_t seq = rows.i64(0, 0);
  FONDACO_TRY(tx.exec(
      "INSERT INTO events (seq, type, aggregate, aggregate_id, payload, at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {seq, std::string(type), std::string(aggregate), std::string(aggregate_id),
       std::move(payload_json), at_ms}));
  if (listeners_.empty()) {
    tx.after_commit([this] { notify(); });
  } else {
    tx.after_commit([this, t = std::string(type), a = std::string(aggregate),
                     id = std::string(aggregate_id)] {
      for (const auto& listener : listeners_) listener(t, a, id);
      notify();
    });
  }
  return seq;
}

Result<std::vector<Event>> EventLog::read_after(storage::Tx& tx, std::int64_t after, int limit) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT seq, type, aggregate, aggregate_id, payload, at FROM events "
      "WHERE seq > ? ORDER BY seq LIMIT ?",
      {after, std::int64_t{limit}}));
  std::vector<Event> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(Event{rows.i64(i, 0), rows.text(i, 1), rows.text(i, 2), rows.text(i, 3),
                        rows.text(i, 4), rows.i64(i, 5)});
  return out;
}

Result<std::int64_t> EventLog::last_seq(storage::Tx& tx) {
  auto rows = FONDACO_TRY(tx.query("SELECT last_seq FROM event_counter WHERE id = 1"));
  return rows.empty() ? 0 : rows.i64(0, 0);
}

void EventLog::notify() {
  {
    std::lock_guard lock(mu_);
    notified_.fetch_add(1);
  }
  cv_.notify_all();
}

std::uint64_t EventLog::wait(std::uint64_t seen, int timeout_ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
               [&] { return notified_.load() != seen; });
  return notified_.load();
}

}  // namespace fondaco::events
