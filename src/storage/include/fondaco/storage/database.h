// The database abstraction every module writes to: a Database hands out transactions, a
// Tx runs parameterised SQL and returns rows of int64/text/null values.
//
// SQL written outside storage/ uses the portable subset both engines share: `?`
// placeholders (the PostgreSQL adapter renumbers them), INSERT ... RETURNING,
// INSERT ... ON CONFLICT (...) DO UPDATE/NOTHING, `||` concatenation, LIKE ... ESCAPE '\'
// on pre-lower-cased columns, integers for booleans and timestamps (unix ms). DDL is the one
// place engines differ, so a Migration carries one script per engine (see migrations.h).
//
// Thread-safety: Database is safe to use from any thread. A Tx belongs to the thread and
// the callback it was handed to; it must not escape that callback.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "fondaco/base/result.h"

namespace fondaco::storage {

enum class Engine { sqlite, postgres };
std::string_view to_string(Engine e);

// One SQL parameter or result cell.
using Value = std::variant<std::monostate, std::int64_t, std::string>;
inline Value null_value() { return std::monostate{}; }
inline Value opt_value(const std::optional<std::int64_t>& v) {
  return v ? Value{*v} : Value{std::monostate{}};
}
inline Value opt_value(const std::optional<std::string>& v) {
  return v ? Value{*v} : Value{std::monostate{}};
}

// Rows returned by a query, column-typed by what the engine reported.
class Rows {
 public:
  Rows() = default;
  Rows(std::vector<std::string> columns, std::vector<Value> cells)
      : columns_(std::move(columns)), cells_(std::move(cells)) {}

  std::size_t size() const { return columns_.empty() ? 0 : cells_.size() / columns_.size(); }
  bool empty() const { return size() == 0; }
  std::size_t width() const { return columns_.size(); }
  const std::vector<std::string>& columns() const { return columns_; }

  bool is_null(std::size_t row, std::size_t col) const {
    return std::holds_alternative<std::monostate>(at(row, col));
  }
  // Integer cell; null reads as 0 (use opt_i64 when null is meaningful).
  std::int64_t i64(std::size_t row, std::size_t col) const;
  std::optional<std::int64_t> opt_i64(std::size_t row, std::size_t col) const;
  // Text cell; null reads as "".
  const std::string& text(std::size_t row, std::size_t col) const;
  std::optional<std::string> opt_text(std::size_t row, std::size_t col) const;
  const Value& at(std::size_t row, std::size_t col) const { return cells_[row * width() + col]; }

 private:
  std::vector<std::string> columns_;
  std::vector<Value> cells_;
};

class Tx {
 public:
  virtual ~Tx() = default;
  virtual Engine engine() const = 0;
  // Runs a statement; returns the number of rows it changed.
  virtual Result<std::int64_t> exec(std::string_view sql, std::span<const Value> params) = 0;
  // Runs a statement that returns rows.
  virtual Result<Rows> query(std::string_view sql, std::span<const Value> params) = 0;

  Result<std::int64_t> exec(std::string_view sql, std::initializer_list<Value> params = {}) {
    return exec(sql, std::span<const Value>(params.begin(), params.size()));
  }
  Result<Rows> query(std::string_view sql, std::initializer_list<Value> params = {}) {
    return query(sql, std::span<const Value>(params.begin(), params.size()));
  }

  // Runs fn after this transaction commits (never if it rolls back). Used to wake the
  // event dispatcher and to publish in-memory notifications only for durable state.
  void after_commit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }
  std::vector<std::function<void()>> take_after_commit() { return std::move(after_commit_); }
  // The callbacks registered since `mark` (an earlier after_commit_count()), removed from
  // this transaction: a group-commit unit keeps its own, or drops them when undone.
  std::size_t after_commit_count() const { return after_commit_.size(); }
  std::vector<std::function<void()>> take_after_commit_from(std::size_t mark);

  // Work a library defers to the end of the transaction: the engine adapter calls every
  // Deferred's flush() just before COMMIT, inside the transaction (a failure rolls it all
  // back). The event log uses it to write all of a transaction's events at once, so the
  // event counter row is locked only from the flush to the commit. A Deferred also follows
  // savepoints: undoing a unit truncates what the unit had added (mark / rollback_to).
  class Deferred {
   public:
    virtual ~Deferred() = default;
    virtual Result<void> flush(Tx& tx) = 0;
    virtual std::size_t mark() const = 0;
    virtual void rollback_to(std::size_t mark) = 0;
  };
  // The Deferred registered under `key` (its owner's address), or null.
  Deferred* deferred(const void* key);
  Deferred& set_deferred(const void* key, std::unique_ptr<Deferred> d);
  // Flushes every Deferred, in registration order (adapters call it before COMMIT).
  Result<void> flush_deferred();

  // One savepoint (not nested) for a unit of work inside a larger transaction, so that the
  // unit can be undone alone (group commit, see group_commit.h). Rolling back to it also
  // releases it, truncates the Deferreds to their state at the savepoint and, on
  // PostgreSQL, clears the unit's statement error.
  virtual Result<void> savepoint();
  virtual Result<void> release_savepoint();
  virtual Result<void> rollback_to_savepoint();
  // True when the engine reported that the whole transaction must be rerun (PostgreSQL
  // serialization failure or deadlock, SQLite busy): no savepoint can save it.
  virtual bool must_rerun() const { return false; }

 private:
  std::vector<std::function<void()>> after_commit_;
  std::vector<std::pair<const void*, std::unique_ptr<Deferred>>> deferred_;
  std::vector<std::size_t> savepoint_marks_;  // per deferred_ entry, at savepoint()
};

struct Options {
  // Read transactions in parallel (SQLite readers; PostgreSQL read pool). At least the
  // number of request threads, or requests queue for a connection.
  int read_connections = 16;
  // PostgreSQL: connections used for write transactions (~8 is best on 2 cores; SQLite has
  // one writer whatever this says).
  int write_connections = 8;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Engine engine() const = 0;

  // Runs fn inside a write transaction; commits when fn succeeds, rolls back when it
  // returns an error. A transaction that fails for a transient engine reason (PostgreSQL
  // serialization failure or deadlock, SQLite busy) is retried a bounded number of times,
  // so fn must not have effects outside the transaction.
  template <typename F>
  auto write(F&& fn) -> std::invoke_result_t<F&, Tx&> {
    return run<std::invoke_result_t<F&, Tx&>>(true, fn);
  }
  // Runs fn inside a read-only transaction (a consistent snapshot).
  template <typename F>
  auto read(F&& fn) -> std::invoke_result_t<F&, Tx&> {
    return run<std::invoke_result_t<F&, Tx&>>(false, fn);
  }

  // Cheap round trip to the engine: readiness checks.
  virtual Result<void> ping() = 0;

 protected:
  virtual Result<void> run_tx(bool write, const std::function<Result<void>(Tx&)>& fn) = 0;

 private:
  template <typename R, typename F>
  R run(bool write, F& fn) {
    std::optional<R> out;
    auto status = run_tx(write, [&](Tx& tx) -> Result<void> {
      out.emplace(fn(tx));
      if (!*out) return std::unexpected(out->error());
      return {};
    });
    if (!status && (!out || *out)) return std::unexpected(status.error());  // commit failed
    return std::move(*out);
  }
};

// Opens "sqlite:PATH" or "postgresql://..." / "postgres://...". Does not migrate.
Result<std::unique_ptr<Database>> open_database(std::string_view url, const Options& options = {});

// Escapes % _ and \ for use in LIKE ... ESCAPE '\'.
std::string like_escape(std::string_view s);

}  // namespace fondaco::storage
