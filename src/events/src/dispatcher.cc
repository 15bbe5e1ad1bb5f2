#include <algorithm>

#include <spdlog/spdlog.h>

#include "fondaco/base/limits.h"
#include "fondaco/events/event_log.h"
#include "fondaco/platform/system.h"

namespace fondaco::events {

void Dispatcher::subscribe(std::string name, Handler handler, SubscribeOptions options) {
  subscribers_.push_back(Subscriber{std::move(name), std::move(handler), {}, options, 0, 0, 0, 0});
}

void Dispatcher::subscribe_tx(std::string name, TxHandler handler, SubscribeOptions options) {
  subscribers_.push_back(Subscriber{std::move(name), {}, std::move(handler), options, 0, 0, 0, 0});
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
  if (s.tx_handler) return deliver_tx(s, from, batch);
  int delivered = 0;
  std::int64_t last = from;
  for (const auto& e : batch) {
    if (stopping_) break;
    if (auto r = s.handler(e); !r) {
      if (FONDACO_TRY(on_failure(s, e, r.error(), last))) {
        last = e.seq;
        continue;
      }
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

Result<bool> Dispatcher::on_failure(Subscriber& s, const Event& e, const Error& error,
                                    std::int64_t last) {
  if (s.failing_seq != e.seq) s.failures = 0;
  s.failing_seq = e.seq;
  ++s.failures;
  if (s.options.max_attempts > 0 && s.failures >= s.options.max_attempts) {
    spdlog::error("subscriber {} gave up on event {} ({}) after {} attempts: {}", s.name, e.seq,
                  e.type, s.failures, error.message);
    FONDACO_TRY(park(s, e, error.message));
    s.failures = 0;
    return true;
  }
  const int backoff = std::min(limits::kDispatchMaxBackoffMs, 100 << std::min(s.failures, 10));
  s.retry_at_ms = clock_.now_ms() + backoff;
  spdlog::warn("subscriber {} failed on event {} ({}): {}; retry in {} ms", s.name, e.seq, e.type,
               error.message, backoff);
  FONDACO_TRY(save_cursor(s.name, last, error.message));
  return false;
}

// One write transaction for as many events of the batch as fit in the time budget (so the
// single SQLite writer is never held long), each in a savepoint; the cursor moves in the
// same transaction. The first failing event ends the transaction: what came before it
// commits, it is retried (or parked) on its own.
Result<int> Dispatcher::deliver_tx(Subscriber& s, std::int64_t from,
                                   const std::vector<Event>& batch) {
  std::size_t done = 0;
  std::optional<Error> failed;
  const auto committed = db_.write([&](storage::Tx& tx) -> Result<void> {
    done = 0;
    failed.reset();
    const auto t0 = platform::monotonic_micros();
    // PostgreSQL keeps 64 subtransactions per backend in memory; past that every savepoint
    // costs more (the group-commit writer caps its batches for the same reason).
    const std::size_t cap = db_.engine() == storage::Engine::postgres ? 60 : batch.size();
    for (const auto& e : batch) {
      if (stopping_ || done >= cap ||
          platform::monotonic_micros() - t0 > limits::kDispatchTxBudgetMs * 1000)
        break;
      FONDACO_TRY(tx.savepoint());
      if (auto r = s.tx_handler(tx, e); !r) {
        if (tx.must_rerun()) return std::unexpected(r.error());
        FONDACO_TRY(tx.rollback_to_savepoint());
        failed = r.error();
        break;
      }
      FONDACO_TRY(tx.release_savepoint());
      ++done;
    }
    if (done == 0) return ok();
    FONDACO_TRY(tx.exec(
        "INSERT INTO event_cursors (subscriber, last_seq, updated_at, last_error) "
        "VALUES (?, ?, ?, NULL) ON CONFLICT (subscriber) DO UPDATE SET "
        "last_seq = excluded.last_seq, updated_at = excluded.updated_at, last_error = NULL",
        {s.name, batch[done - 1].seq, clock_.now_ms()}));
    return ok();
  });
  if (!committed) {
    // The transaction itself failed (the database is unreachable, a deadlock outlived the
    // adapter's retries): no event is to blame, so nothing is parked; back off and retry.
    s.tx_failures = std::min(s.tx_failures + 1, 10);
    const int backoff = std::min(limits::kDispatchMaxBackoffMs, 100 << s.tx_failures);
    s.retry_at_ms = clock_.now_ms() + backoff;
    spdlog::warn("subscriber {}: transaction failed: {}; retry in {} ms", s.name,
                 committed.error().message, backoff);
    return 0;
  }
  s.tx_failures = 0;
  const std::int64_t last = done > 0 ? batch[done - 1].seq : from;
  if (failed) {
    FONDACO_TRY(on_failure(s, batch[done], *failed, last));
  } else {
    s.failures = 0;
    s.retry_at_ms = 0;
  }
  return static_cast<int>(done);
}

Result<void> Dispatcher::park(const Subscriber& s, const Event& e, const std::string& error) {
  // The cursor moves past the event in the same transaction that parks it, so a crash
  // neither loses the failure nor parks it twice.
  return db_.write([&](storage::Tx& tx) -> Result<void> {
    const std::int64_t now = clock_.now_ms();
    FONDACO_TRY(tx.exec(
        "INSERT INTO event_failures (subscriber, seq, type, aggregate, aggregate_id, status, "
        "attempts, last_error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?) "
        "ON CONFLICT (subscriber, seq) DO NOTHING",
        {s.name, e.seq, e.type, e.aggregate, e.aggregate_id, std::int64_t{s.failures}, error,
         now, now}));
    FONDACO_TRY(tx.exec(
        "INSERT INTO event_cursors (subscriber, last_seq, updated_at, last_error) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (subscriber) DO UPDATE SET "
        "last_seq = excluded.last_seq, updated_at = excluded.updated_at, "
        "last_error = excluded.last_error",
        {s.name, e.seq, now, error}));
    return ok();
  });
}

namespace {

constexpr std::string_view kFailureColumns =
    "id, subscriber, seq, type, aggregate, aggregate_id, status, attempts, last_error, "
    "created_at, updated_at";

Failure failure_from(const storage::Rows& r, std::size_t i) {
  return Failure{r.i64(i, 0),  r.text(i, 1), r.i64(i, 2), r.text(i, 3),
                 r.text(i, 4), r.text(i, 5), r.text(i, 6), r.i64(i, 7),
                 r.text(i, 8), r.i64(i, 9),  r.i64(i, 10)};
}

}  // namespace

Result<std::vector<Failure>> Dispatcher::failures(storage::Tx& tx, std::string_view status,
                                                  std::int64_t after_id, int limit) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kFailureColumns) +
          " FROM event_failures WHERE id > ? AND (? = '' OR status = ?) ORDER BY id LIMIT ?",
      {after_id, std::string(status), std::string(status), std::int64_t{limit}}));
  std::vector<Failure> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(failure_from(rows, i));
  return out;
}

Result<Failure> Dispatcher::failure(storage::Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kFailureColumns) + " FROM event_failures WHERE id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "no such failure", "id");
  return failure_from(rows, 0);
}

Result<Failure> Dispatcher::retry_failure(std::int64_t id) {
  const Failure f = FONDACO_TRY(db_.read([&](storage::Tx& tx) { return failure(tx, id); }));
  if (f.status != "open") return fail(ErrorCode::conflict, "already resolved", "id");
  auto sub = std::find_if(subscribers_.begin(), subscribers_.end(),
                          [&](const Subscriber& s) { return s.name == f.subscriber; });
  if (sub == subscribers_.end())
    return fail(ErrorCode::conflict, "subscriber " + f.subscriber + " is not running here", "id");
  auto events = FONDACO_TRY(
      db_.read([&](storage::Tx& tx) { return EventLog::read_after(tx, f.seq - 1, 1); }));
  if (events.empty() || events[0].seq != f.seq)
    return fail(ErrorCode::not_found, "the event is no longer in the log", "id");
  Result<void> r = ok();
  if (sub->tx_handler) {
    auto w = db_.write([&](storage::Tx& tx) { return sub->tx_handler(tx, events[0]); });
    if (!w) r = std::unexpected(w.error());
  } else {
    r = sub->handler(events[0]);
  }
  FONDACO_TRY(db_.write([&](storage::Tx& tx) -> Result<void> {
    if (r)
      FONDACO_TRY(tx.exec("UPDATE event_failures SET status = 'resolved', attempts = attempts + "
                          "1, updated_at = ? WHERE id = ? AND status = 'open'",
                          {clock_.now_ms(), id}));
    else
      FONDACO_TRY(tx.exec("UPDATE event_failures SET attempts = attempts + 1, last_error = ?, "
                          "updated_at = ? WHERE id = ?",
                          {r.error().message, clock_.now_ms(), id}));
    return ok();
  }));
  if (!r) return std::unexpected(r.error());
  return db_.read([&](storage::Tx& tx) { return failure(tx, id); });
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
