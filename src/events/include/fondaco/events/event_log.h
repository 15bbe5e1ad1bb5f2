// The event log (transactional outbox) and its dispatcher.
//
// Every state change appends its domain event with EventLog::append inside the same
// transaction as the change, so an event exists if and only if the change committed.
// Appends are buffered in the transaction (storage::Tx::Deferred) and written together
// just before COMMIT: one update of a single counter row takes the transaction's block of
// sequence numbers, then the events are inserted with multi-row INSERTs. Sequence numbers
// are therefore gap-free, and because the counter row is locked until commit, events
// become visible in sequence order (a reader tailing `after=N` can never skip an event
// committed later with a smaller number). The counter row is held only from that flush to
// the commit, not for the whole transaction. A savepoint rollback (group commit) drops the
// events the undone unit had appended.
//
// The Dispatcher delivers committed events in order to named subscribers, each with a
// durable cursor (event_cursors). Delivery is at-least-once: a crash between a handler's
// success and the cursor update repeats that event, so handlers must be idempotent.
// A failing handler is retried with exponential backoff (capped) and does not block others.
//
// Thread-safety: EventLog and Dispatcher are thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fondaco/base/clock.h"
#include "fondaco/base/result.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::events {

struct Event {
  std::int64_t seq = 0;
  std::string type;          // "product.created", "stock.changed", ...
  std::string aggregate;     // "product", "stock", "location", "reservation", "token"
  std::string aggregate_id;  // the aggregate's id or key (e.g. the SKU)
  std::string payload;       // JSON object
  std::int64_t at_ms = 0;
};

std::span<const storage::Migration> migrations();

class EventLog {
 public:
  // Called in this process after a transaction that appended an event has committed, with
  // the event's type, aggregate and aggregate id (e.g. to invalidate caches). Register
  // listeners before serving; they must be fast and must not throw.
  using CommitListener = std::function<void(std::string_view type, std::string_view aggregate,
                                            std::string_view aggregate_id)>;
  void add_commit_listener(CommitListener listener) { listeners_.push_back(std::move(listener)); }

  // Appends an event to tx (written at commit; see above). Wakes waiters after commit.
  Result<void> append(storage::Tx& tx, std::string_view type, std::string_view aggregate,
                      std::string_view aggregate_id, std::string payload_json, std::int64_t at_ms);
  // Events with seq > after, oldest first, at most limit.
  static Result<std::vector<Event>> read_after(storage::Tx& tx, std::int64_t after, int limit);
  static Result<std::int64_t> last_seq(storage::Tx& tx);

  // Blocks until an event commits after `seen` notifications or timeout; returns the
  // current notification count. Used by the dispatcher and by long-polling readers.
  std::uint64_t wait(std::uint64_t seen, int timeout_ms);
  std::uint64_t notifications() const { return notified_.load(); }
  void notify();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<std::uint64_t> notified_{0};
  std::vector<CommitListener> listeners_;
};

using Handler = std::function<Result<void>(const Event&)>;
// A handler that does its work in the transaction the dispatcher gives it. The dispatcher
// runs a batch of events in one write transaction, each in its own savepoint, and moves the
// subscriber's cursor in that same transaction: an event's changes and the cursor passing
// it commit together, so they happen exactly once (a crash redoes nothing that committed),
// and a batch costs one commit instead of one per event.
using TxHandler = std::function<Result<void>(storage::Tx&, const Event&)>;

// An event a subscriber gave up on after SubscribeOptions::max_attempts failures: parked
// here (event_failures) so the subscriber's later events still flow; retry_failure runs it
// again.
struct Failure {
  std::int64_t id = 0;
  std::string subscriber;
  std::int64_t seq = 0;
  std::string type;
  std::string aggregate;
  std::string aggregate_id;
  std::string status;  // "open" or "resolved"
  std::int64_t attempts = 0;
  std::string last_error;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct SubscribeOptions {
  // 0: retry the failing event forever (the subscriber waits on it: use where order matters
  // more than progress). Otherwise park it as a Failure after this many attempts.
  int max_attempts = 0;
};

class Dispatcher {
 public:
  Dispatcher(storage::Database& db, EventLog& log, const Clock& clock)
      : db_(db), log_(log), clock_(clock) {}
  ~Dispatcher() { stop(); }

  // Registers a subscriber (before start). Its cursor starts at 0 the first time.
  void subscribe(std::string name, Handler handler, SubscribeOptions options = {});
  // A transactional subscriber (see TxHandler).
  void subscribe_tx(std::string name, TxHandler handler, SubscribeOptions options = {});
  // Runs delivery on a background thread until stop().
  void start();
  void stop();
  // One synchronous round over all subscribers; returns events delivered. For tests and
  // for the background loop.
  Result<int> run_once();

  // Events committed but not yet delivered to the slowest subscriber.
  Result<std::int64_t> pending();

  // Parked failures in ascending id order (keyset: after after_id);
  // status "open", "resolved" or empty for both.
  static Result<std::vector<Failure>> failures(storage::Tx& tx, std::string_view status,
                                               std::int64_t after_id, int limit);
  static Result<Failure> failure(storage::Tx& tx, std::int64_t id);
  // Runs the parked event through its subscriber's handler again, now, on the calling
  // thread: resolved on success; otherwise attempts and last_error are updated and the
  // handler's error is returned. not_found naming "id"; conflict when already resolved or
  // when the subscriber is not registered in this process.
  Result<Failure> retry_failure(std::int64_t id);

 private:
  struct Subscriber {
    std::string name;
    Handler handler;  // exactly one of handler and tx_handler is set
    TxHandler tx_handler;
    SubscribeOptions options;
    int failures = 0;  // consecutive failures on failing_seq
    std::int64_t failing_seq = 0;
    std::int64_t retry_at_ms = 0;
    int tx_failures = 0;  // consecutive failed batch transactions (never park an event)
  };
  Result<void> park(const Subscriber& s, const Event& e, const std::string& error);
  Result<int> deliver_tx(Subscriber& s, std::int64_t from, const std::vector<Event>& batch);
  // A failed delivery of e: back off, or park it after max_attempts. Returns true when
  // parked (the cursor moved past it).
  Result<bool> on_failure(Subscriber& s, const Event& e, const Error& error, std::int64_t last);
  Result<int> deliver(Subscriber& s);
  Result<std::int64_t> cursor(const std::string& name);
  Result<void> save_cursor(const std::string& name, std::int64_t seq, const std::string& error);

  storage::Database& db_;
  EventLog& log_;
  const Clock& clock_;
  std::vector<Subscriber> subscribers_;
  std::mutex run_mu_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace fondaco::events
