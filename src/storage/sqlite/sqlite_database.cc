// SQLite engine: one writer connection behind a mutex (SQLite allows one writer at a time;
// serialising in-process avoids SQLITE_BUSY storms) and a small pool of read-only
// connections that see consistent WAL snapshots concurrently with the writer.
// Durability: journal_mode=WAL with synchronous=FULL, so a commit that returned is on disk.
// Every connection caches its prepared statements by SQL text.
// Thread-safety: SqliteDatabase is thread-safe; a connection is used by one thread at a time.
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "fondaco/base/limits.h"
#include "fondaco/platform/system.h"
#include "src/internal.h"

namespace fondaco::storage::internal {
namespace {

class Connection {
 public:
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    if (db_) sqlite3_close_v2(db_);
  }

  Result<void> open(const std::string& path, bool writer) {
    const int flags = writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK)
      return fail(ErrorCode::unavailable,
                  "cannot open SQLite database " + path + ": " + sqlite3_errmsg(db_), "db");
    sqlite3_busy_timeout(db_, limits::kSqliteBusyTimeoutMs);
    sqlite3_extended_result_codes(db_, 1);
    const char* pragmas = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"
                                   "PRAGMA foreign_keys=ON;"
                                 : "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;";
    return script(pragmas);
  }

  Result<void> script(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      Error e = error_from(sqlite3_extended_errcode(db_), err ? err : "unknown error");
      sqlite3_free(err);
      return fail(std::move(e));
    }
    return ok();
  }

  // Runs one parameterless statement through the statement cache (BEGIN, COMMIT...): these
  // run on every request, and sqlite3_exec would re-parse them each time.
  Result<void> simple(std::string_view sql) {
    sqlite3_stmt* stmt = FONDACO_TRY(prepare(sql));
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
      return fail(error_from(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_)));
    return ok();
  }

  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK)
      return fail(ErrorCode::internal, std::string("SQL prepare failed: ") + sqlite3_errmsg(db_));
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  Error error_from(int code, const std::string& msg) {
    const int primary = code & 0xFF;
    if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY ||
        code == SQLITE_CONSTRAINT_FOREIGNKEY)
      return make_error(ErrorCode::conflict, msg, "constraint:" + msg);
    if (code == SQLITE_CONSTRAINT_CHECK)
      return make_error(ErrorCode::invalid_argument, msg, "constraint:" + msg);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
      busy = true;
      return make_error(ErrorCode::unavailable, "database is busy: " + msg);
    }
    if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN)
      return make_error(ErrorCode::unavailable, "database I/O failed: " + msg);
    return make_error(ErrorCode::internal, "SQLite: " + msg);
  }

  sqlite3* handle() { return db_; }
  bool busy = false;  // set when a statement hit SQLITE_BUSY (transient)

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

bool is_script(std::string_view sql, std::span<const Value> params) {
  if (!params.empty()) return false;
  const auto semi = sql.find(';');
  return semi != std::string_view::npos &&
         sql.find_first_not_of(" \t\r\n;", semi) != std::string_view::npos;
}

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Connection& c) : c_(c) {}
  Engine engine() const override { return Engine::sqlite; }
  bool must_rerun() const override { return c_.busy; }

  Result<std::int64_t> exec(std::string_view sql, std::span<const Value> params) override {
    if (is_script(sql, params)) {
      FONDACO_TRY(c_.script(std::string(sql).c_str()));
      return sqlite3_changes64(c_.handle());
    }
    sqlite3_stmt* stmt = FONDACO_TRY(bind(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    return finish(stmt, rc, [&] { return sqlite3_changes64(c_.handle()); });
  }

  Result<Rows> query(std::string_view sql, std::span<const Value> params) override {
    sqlite3_stmt* stmt = FONDACO_TRY(bind(sql, params));
    const int width = sqlite3_column_count(stmt);
    std::vector<std::string> columns;
    for (int i = 0; i < width; ++i) columns.emplace_back(sqlite3_column_name(stmt, i));
    std::vector<Value> cells;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (int i = 0; i < width; ++i) cells.push_back(cell(stmt, i));
    }
    return finish(stmt, rc, [&] { return Rows(std::move(columns), std::move(cells)); });
  }

 private:
  static Value cell(sqlite3_stmt* stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_NULL: return std::monostate{};
      case SQLITE_INTEGER: return static_cast<std::int64_t>(sqlite3_column_int64(stmt, i));
      default: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
      }
    }
  }

  Result<sqlite3_stmt*> bind(std::string_view sql, std::span<const Value> params) {
    sqlite3_stmt* stmt = FONDACO_TRY(c_.prepare(sql));
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt))
      return fail(ErrorCode::internal, "SQL parameter count mismatch: " + std::string(sql));
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i) + 1;
      if (const auto* n = std::get_if<std::int64_t>(&params[i]))
        sqlite3_bind_int64(stmt, idx, *n);
      else if (const auto* s = std::get_if<std::string>(&params[i]))
        sqlite3_bind_text(stmt, idx, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      else
        sqlite3_bind_null(stmt, idx);
    }
    return stmt;
  }

  template <typename F>
  auto finish(sqlite3_stmt* stmt, int rc, F&& make) -> Result<std::invoke_result_t<F&>> {
    Result<std::invoke_result_t<F&>> out = rc == SQLITE_DONE
        ? Result<std::invoke_result_t<F&>>(make())
        : fail(c_.error_from(sqlite3_extended_errcode(c_.handle()), sqlite3_errmsg(c_.handle())));
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return out;
  }

  Connection& c_;
};

// WAL pages after which the checkpointer copies the log back into the database file.
constexpr int kCheckpointPages = 1000;

class SqliteDatabase final : public Database {
 public:
  ~SqliteDatabase() override {
    if (checkpointer_.joinable()) {
      {
        std::lock_guard lock(ckpt_mu_);
        ckpt_stop_ = true;
      }
      ckpt_cv_.notify_all();
      checkpointer_.join();
    }
  }

  Result<void> open(std::string path, const Options& options) {
    path_ = std::move(path);
    writer_ = std::make_unique<Connection>();
    FONDACO_TRY(writer_->open(path_, true));
    // Checkpoints run on their own thread and connection, not inside the writer's COMMIT
    // (SQLite's default): a checkpoint copies pages and fsyncs the database file, which
    // would stall every request waiting on that commit. Replacing the WAL hook turns the
    // automatic checkpoint off; PASSIVE checkpoints never block the writer or readers.
    ckpt_conn_ = std::make_unique<Connection>();
    FONDACO_TRY(ckpt_conn_->open(path_, true));
    sqlite3_wal_hook(writer_->handle(), &SqliteDatabase::on_wal, this);
    checkpointer_ = std::thread([this] { run_checkpointer(); });
    for (int i = 0; i < std::max(1, options.read_connections); ++i) {
      auto c = std::make_unique<Connection>();
      FONDACO_TRY(c->open(path_, false));
      readers_.push_back(c.get());
      owned_.push_back(std::move(c));
    }
    return ok();
  }

  Engine engine() const override { return Engine::sqlite; }

  Result<void> ping() override {
    return read([](Tx& tx) -> Result<void> {
      FONDACO_TRY(tx.query("SELECT 1"));
      return ok();
    });
  }

 protected:
  Result<void> run_tx(bool write, const std::function<Result<void>(Tx&)>& fn) override {
    if (write) {
      std::lock_guard lock(write_mu_);
      return attempt_loop(*writer_, "BEGIN IMMEDIATE", true, fn);
    }
    Connection* c = acquire_reader();
    auto result = attempt_loop(*c, "BEGIN", false, fn);
    release_reader(c);
    return result;
  }

 private:
  Result<void> attempt_loop(Connection& c, const char* begin, bool write,
                            const std::function<Result<void>(Tx&)>& fn) {
    for (int attempt = 1;; ++attempt) {
      c.busy = false;
      auto result = attempt_once(c, begin, write, fn);
      if (result || !c.busy || attempt >= kMaxTxAttempts) return result;
      std::this_thread::sleep_for(std::chrono::milliseconds(attempt * 5));
    }
  }

  Result<void> attempt_once(Connection& c, const char* begin, bool write,
                            const std::function<Result<void>(Tx&)>& fn) {
    FONDACO_TRY(c.simple(begin));
    SqliteTx tx(c);
    auto result = fn(tx);
    if (result) result = tx.flush_deferred();
    if (!result) {
      (void)c.simple("ROLLBACK");
      return result;
    }
    const auto t0 = platform::monotonic_micros();
    if (auto committed = c.simple("COMMIT"); !committed) {
      (void)c.simple("ROLLBACK");
      return committed;
    }
    if (write) record_commit(Engine::sqlite, platform::monotonic_micros() - t0);
    for (auto& callback : tx.take_after_commit()) callback();
    return ok();
  }

  Connection* acquire_reader() {
    std::unique_lock lock(pool_mu_);
    pool_cv_.wait(lock, [&] { return !readers_.empty(); });
    Connection* c = readers_.back();
    readers_.pop_back();
    return c;
  }

  void release_reader(Connection* c) {
    {
      std::lock_guard lock(pool_mu_);
      readers_.push_back(c);
    }
    pool_cv_.notify_one();
  }

  static int on_wal(void* self, sqlite3*, const char*, int pages) {
    auto* db = static_cast<SqliteDatabase*>(self);
    if (pages >= kCheckpointPages) {
      {
        std::lock_guard lock(db->ckpt_mu_);
        db->ckpt_wanted_ = true;
      }
      db->ckpt_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  void run_checkpointer() {
    std::unique_lock lock(ckpt_mu_);
    for (;;) {
      // Also every few seconds, so a quiet database does not keep a long log around.
      ckpt_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return ckpt_stop_ || ckpt_wanted_; });
      if (ckpt_stop_) return;
      ckpt_wanted_ = false;
      lock.unlock();
      int log_pages = 0, done_pages = 0;
      (void)sqlite3_wal_checkpoint_v2(ckpt_conn_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                      &log_pages, &done_pages);
      lock.lock();
    }
  }

  std::string path_;
  std::unique_ptr<Connection> ckpt_conn_;
  std::mutex ckpt_mu_;
  std::condition_variable ckpt_cv_;
  bool ckpt_wanted_ = false;
  bool ckpt_stop_ = false;
  std::thread checkpointer_;
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<Connection*> readers_;
  std::vector<std::unique_ptr<Connection>> owned_;
};

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(std::string_view path, const Options& options) {
  auto db = std::make_unique<SqliteDatabase>();
  FONDACO_TRY(db->open(std::string(path), options));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace fondaco::storage::internal
