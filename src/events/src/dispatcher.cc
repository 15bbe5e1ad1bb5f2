#include <algorithm>

#include <spdlog/spdlog.h>

#include "fondaco/base/limits.h"
#include "fondaco/events/event_log.h"

namespace fondaco::events {

void Dispatcher::subscribe(std::string name, Handler handler) {
  subscribers_.push_back(Subscriber{std::move(name), std::move(handler), 0, 0});
}

void Dispatcher::start() {
  stopping_ = false;
  thread_ = std::thread([this] {
    std::uint64_t seen = log_.notifications();
    while (!stopping_) {
      if (auto r = run_once(); !r) spdlog::warn("event dispatch: {}", r.error().message);
      // Wake on the next commit, or poll every 500 ms for retries and for events written by
      // other nodes sharing the database.
      seen = log_.wait(seen, 500);
    }
  });
}

void Dispatcher::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  log_.notify();
  thread_.join();
}

Result<int> Dispatcher::run_once() {
  std::lock_guard lock(run_mu_);
  int delivered = 0;
  for (auto& s : subscribers_) {
    if (s.retry_at_ms > clock_.now_ms()) continue;
    delivered += FONDACO_TRY(deliver(s));
  }
  return delivered;
}

Result<int> Dispatcher::deliver(Subscriber& s) {
  const std::int64_t from = FONDACO_TRY(cursor(s.name));
  auto batch = FONDACO_TRY(db_.read([&](storage::Tx& tx) {
    return EventLog::read_after(tx, from, limits::kDispatchBatch);
  }));
  int delivered = 0;
  std::int64_t last = from;
  for (const auto& e : batch) {
    if (stopping_) break;
    if (auto r = s.handler(e); !r) {
      ++s.failures;
      const int backoff = std::min(limits::kDispatchMaxBackoffMs, 100 << std::min(s.failures, 10));
      s.retry_at_ms = clock_.now_ms() + backoff;
      spdlog::warn("subscriber {} failed on event {} ({}): {}; retry in {} ms", s.name, e.seq,
                   e.type, r.error().message, backoff);
      FONDACO_TRY(save_cursor(s.name, last, r.error().message));
      return delivered;
    }
    last = e.seq;
    ++delivered;
  }
  s.failures = 0;
  s.retry_at_ms = 0;
  if (last != from) FONDACO_TRY(save_cursor(s.name, last, {}));
  return delivered;
}

Result<std::int64_t> Dispatcher::cursor(const std::string& name) {
  return db_.read([&](storage::Tx& tx) -> Result<std::int64_t> {
    auto rows = FONDACO_TRY(
        tx.query("SELECT last_seq FROM event_cursors WHERE subscriber = ?", {name}));
    return rows.empty() ? 0 : rows.i64(0, 0);
  });
}

Result<void> Dispatcher::save_cursor(const std::string& name, std::int64_t seq,
                                     const std::string& error) {
  return db_.write([&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(tx.exec(
        "INSERT INTO event_cursors (subscriber, last_seq, updated_at, last_error) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (subscriber) DO UPDATE SET "
        "last_seq = excluded.last_seq, updated_at = excluded.updated_at, "
        "last_error = excluded.last_error",
        {name, seq, clock_.now_ms(),
         error.empty() ? storage::null_value() : storage::Value{error}}));
    return ok();
  });
}

Result<std::int64_t> Dispatcher::pending() {
  return db_.read([&](storage::Tx& tx) -> Result<std::int64_t> {
    const std::int64_t last = FONDACO_TRY(EventLog::last_seq(tx));
    if (subscribers_.empty()) return 0;
    std::int64_t slowest = last;
    for (const auto& s : subscribers_) {
      auto rows = FONDACO_TRY(
          tx.query("SELECT last_seq FROM event_cursors WHERE subscriber = ?", {s.name}));
      slowest = std::min(slowest, rows.empty() ? std::int64_t{0} : rows.i64(0, 0));
    }
    return last - slowest;
  });
}

}  // namespace fondaco::events
