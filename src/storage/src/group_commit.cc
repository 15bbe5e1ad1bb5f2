#include "fondaco/storage/group_commit.h"

#include <exception>
#include <string>
#include <utility>

namespace fondaco::storage {

namespace {
constexpr std::size_t kSqliteMaxBatch = 256;
constexpr std::size_t kPostgresMaxBatch = 60;

std::size_t resolve_max_batch(const Database& db, std::size_t requested) {
  if (requested > 0) return requested;
  return db.engine() == Engine::sqlite ? kSqliteMaxBatch : kPostgresMaxBatch;
}
}  // namespace

GroupCommit::GroupCommit(Database& db, GroupCommitOptions options)
    : db_(db), max_batch_(resolve_max_batch(db, options.max_batch)) {
  writer_ = std::thread([this] { run_writer(); });
}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

GroupCommitStats GroupCommit::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::size_t GroupCommit::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

namespace {
thread_local bool t_batch_failed = false;
}  // namespace

bool GroupCommit::batch_failed_now() { return t_batch_failed; }

Result<void> GroupCommit::submit(const std::function<Result<void>(Tx&)>& fn) {
  t_batch_failed = false;
  Unit unit;
  unit.fn = &fn;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return fail(ErrorCode::unavailable, "the server is shutting down");
    queue_.push_back(&unit);
  }
  cv_.notify_one();
  {
    std::unique_lock lock(unit.mu);
    unit.cv.wait(lock, [&] { return unit.done; });
  }
  t_batch_failed = unit.batch_failed;
  // Committed: the unit's notifications may now run, on the caller's thread.
  if (!unit.error)
    for (auto& callback : unit.callbacks) callback();
  if (unit.error) return std::unexpected(std::move(*unit.error));
  return {};
}

void GroupCommit::run_writer() {
  std::vector<Unit*> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has been served
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      stats_.transactions += 1;
      stats_.units += batch.size();
    }
    run_batch(batch);
    for (Unit* u : batch) {
      // Notify under the lock: the caller may return and destroy *u as soon as it sees done.
      std::lock_guard lock(u->mu);
      u->done = true;
      u->cv.notify_one();
    }
    batch.clear();
  }
}

namespace {
// A unit that throws fails alone (an internal error) instead of taking the writer thread,
// and with it every later request, down.
Result<void> run_unit(const std::function<Result<void>(Tx&)>& fn, Tx& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    return fail(ErrorCode::internal, std::string("write failed: ") + e.what());
  } catch (...) {
    return fail(ErrorCode::internal, "write failed with an unknown exception");
  }
}
}  // namespace

void GroupCommit::run_batch(std::vector<Unit*>& batch) {
  // A batch of one needs no savepoint: its failure is the transaction's.
  const bool alone = batch.size() == 1;
  auto status = db_.write([&](Tx& tx) -> Result<void> {
    for (Unit* u : batch) {  // fresh for every attempt: the engine may rerun the batch
      u->error.reset();
      u->callbacks.clear();
    }
    for (Unit* u : batch) {
      const std::size_t mark = tx.after_commit_count();
      if (!alone) FONDACO_TRY(tx.savepoint());
      Result<void> result = run_unit(*u->fn, tx);
      // The engine reruns the whole batch (Database::write); the error text is not seen.
      if (tx.must_rerun()) return fail(ErrorCode::conflict, "transaction must be rerun");
      if (!result) {
        if (alone) return result;
        FONDACO_TRY(tx.rollback_to_savepoint());
        (void)tx.take_after_commit_from(mark);  // the undone unit notifies nobody
        u->error = std::move(result).error();
        continue;
      }
      if (!alone) FONDACO_TRY(tx.release_savepoint());
      u->callbacks = tx.take_after_commit_from(mark);
    }
    return {};
  });
  if (status) return;
  // Nothing of the batch committed, so every unit fails with the batch's error — even one
  // that had failed on its own, since what it saw (its predecessors' writes) never became
  // true. A lone unit's own error is the batch's error.
  for (Unit* u : batch) {
    u->error = status.error();
    u->batch_failed = true;
    u->callbacks.clear();
  }
}

}  // namespace fondaco::storage
