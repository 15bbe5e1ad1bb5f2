// Group commit: many callers' write units applied by one writer thread in one transaction.
//
// A caller hands a unit of work (a function of a Tx, as for Database::write) and blocks.
// The writer takes every queued unit (up to `max_batch`), opens one write transaction and
// runs them one after the other, each inside a savepoint: a unit that fails is rolled back
// to its savepoint and gets its own error, without touching the others. Then the writer
// commits once — one fsync (SQLite WAL, synchronous=FULL) or one WAL flush (PostgreSQL,
// synchronous_commit=on) for the whole batch — and only then wakes each caller with its
// result. So a unit reported as succeeded is durable, exactly as with Database::write, and
// a unit that failed left nothing behind. Under load, batches form by themselves: while
// one batch commits the next one queues; a lone request is a batch of one and waits for
// nobody (no timer).
//
// If the transaction as a whole fails (COMMIT fails, I/O error, or the engine demands a
// rerun after a deadlock or serialization failure), nothing of the batch is committed;
// reruns happen inside Database::write (bounded), so units must be free of outside effects
// — the same contract as Database::write. A unit's after_commit callbacks run on the
// caller's thread, after the commit, before its call returns.
//
// Units of one batch run in arrival order and see each other's writes, exactly as if they
// had been separate transactions committed in that order.
//
// Thread-safety: write() may be called from any thread except the writer itself (a unit
// must not call write()). The destructor lets queued units finish and joins the writer.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/storage/database.h"

namespace fondaco::storage {

struct GroupCommitOptions {
  // Most units per transaction. PostgreSQL keeps at most 64 subtransactions per backend
  // in shared memory before every snapshot in the cluster gets slower, so its batches
  // stay below that; SQLite savepoints cost nothing of the kind.
  std::size_t max_batch = 0;  // 0 = per engine: SQLite 256, PostgreSQL 60
};

struct GroupCommitStats {
  std::uint64_t transactions = 0;  // batches committed (or failed)
  std::uint64_t units = 0;         // units run (succeeded or failed)
};

class GroupCommit {
 public:
  explicit GroupCommit(Database& db, GroupCommitOptions options = {});
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  Database& database() { return db_; }

  // Runs fn as one unit of a shared write transaction; returns its result once that
  // transaction has committed (or fn's error, with nothing of fn written).
  template <typename F>
  auto write(F&& fn) -> std::invoke_result_t<F&, Tx&> {
    using R = std::invoke_result_t<F&, Tx&>;
    std::optional<R> out;
    auto status = submit([&](Tx& tx) -> Result<void> {
      out.emplace(fn(tx));
      if (!*out) return std::unexpected(out->error());
      return {};
    });
    if (!status && (!out || *out || batch_failed_now()))  // the batch as a whole failed
      return std::unexpected(status.error());
    return std::move(*out);
  }

  GroupCommitStats stats() const;
  // Units queued and not yet taken by the writer.
  std::size_t pending() const;

 private:
  struct Unit {
    const std::function<Result<void>(Tx&)>* fn = nullptr;
    std::optional<Error> error;                  // the unit's (or the batch's) failure
    std::vector<std::function<void()>> callbacks;  // its after_commit callbacks
    // A condition variable, not std::atomic::wait: libstdc++'s atomic wait spins with
    // sched_yield first, and dozens of waiting request threads would steal the writer's core.
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    bool batch_failed = false;  // the whole transaction failed: its error wins
  };
  // Whether the calling thread's last submit() failed as a whole batch.
  static bool batch_failed_now();

  Result<void> submit(const std::function<Result<void>(Tx&)>& fn);
  void run_writer();
  void run_batch(std::vector<Unit*>& batch);

  Database& db_;
  std::size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Unit*> queue_;
  bool stopping_ = false;
  GroupCommitStats stats_;
  std::thread writer_;
};

}  // namespace fondaco::storage
