// PostgreSQL adapter for storage::Database, on libpq's C API.
//
// A PostgresDatabase owns two small connection pools (write and read) so that long reads
// can never starve writers of connections. Each transaction borrows one connection for its
// whole life; statements are prepared once per connection and cached by their rewritten
// SQL plus parameter-type signature. Errors travel as Result values: unique/foreign-key
// violations become `conflict`, check violations `invalid_argument` (both naming the
// constraint in Error::field as "constraint:<name>"), lost connections `unavailable`, and
// serialization failures / deadlocks are retried transparently (kMaxTxAttempts in all).
//
// Isolation: write transactions run at PostgreSQL's default READ COMMITTED, so callers must
// express read-modify-write as single atomic statements (UPDATE ... SET v = v - ? WHERE
// ... AND v >= ?) or lock rows first with a no-op UPDATE. Read transactions run REPEATABLE
// READ READ ONLY: one snapshot for all their statements, never a serialization failure.
//
// A failed statement aborts the whole PostgreSQL transaction (unlike SQLite): once exec or
// query returned an error, every later statement in that transaction fails too, and the
// transaction is rolled back even if fn ignores the error and returns success.
//
// Thread-safety: PostgresDatabase is safe to use from any thread (the pools are guarded by
// a mutex + condition variable; libpq connections are never shared between threads at the
// same time). A PgTx and its connection belong to the one thread running the callback.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/storage/database.h"
#include "internal.h"

namespace fondaco::storage::internal {
namespace {

// Type OIDs from PostgreSQL's catalog (pg_type.dat); stable across versions.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kNumericOid = 1700;

// Dynamic SQL (e.g. IN lists of varying length) would otherwise grow the per-connection
// statement cache without bound; past this size it is dropped wholesale between
// transactions.
constexpr std::size_t kMaxCachedStatements = 1000;
// A transaction waiting longer than this for a connection fails instead of hanging (it
// also turns an accidental nested transaction on an exhausted pool into an error).
constexpr auto kAcquireTimeout = std::chrono::seconds(30);

const Error kSerializationError{
    ErrorCode::conflict, "transaction could not be serialized, retry", {}, {}};

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// First line of a libpq message, without the trailing newline libpq appends.
std::string first_line(const char* msg) {
  std::string_view s = msg ? msg : "";
  s = s.substr(0, s.find('\n'));
  return std::string(s);
}

// ---------------------------------------------------------------------------------------
// `?` placeholder rewriting.

struct Rewritten {
  std::string sql;
  int placeholders = 0;
  // True when text other than whitespace/comments follows a top-level `;`: a script of
  // several statements, which the extended (prepared) protocol cannot run.
  bool multi_statement = false;
};

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// End of a quoted literal opening at `open` and closed by `quote`; a doubled quote is an
// escaped quote, and with `backslash` (E'...' strings) so is a backslash-escaped one.
std::size_t skip_quoted(std::string_view s, std::size_t open, char quote, bool backslash) {
  std::size_t i = open + 1;
  while (i < s.size()) {
    if (backslash && s[i] == '\\') {
      i += 2;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      ++i;
    }
  }
  return s.size();  // unterminated: let the server report the syntax error
}

// End of a /* */ comment (PostgreSQL lets them nest).
std::size_t skip_block_comment(std::string_view s, std::size_t open) {
  int depth = 0;
  std::size_t i = open;
  while (i + 1 < s.size()) {
    if (s[i] == '/' && s[i + 1] == '*') {
      ++depth;
      i += 2;
    } else if (s[i] == '*' && s[i + 1] == '/') {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  return s.size();
}

// End of a $tag$...$tag$ string opening at `open`, or `open` when there is none there
// ($1 or a `$` inside an identifier is not a dollar quote).
std::size_t skip_dollar_quoted(std::string_view s, std::size_t open) {
  if (open > 0 && is_ident_char(s[open - 1])) return open;
  std::size_t i = open + 1;
  if (i < s.size() && s[i] >= '0' && s[i] <= '9') return open;
  while (i < s.size() && s[i] != '$' && is_ident_char(s[i])) ++i;
  if (i >= s.size() || s[i] != '$') return open;
  std::string_view tag = s.substr(open, i - open + 1);
  std::size_t close = s.find(tag, i + 1);
  return close == std::string_view::npos ? s.size() : close + tag.size();
}

// Length of the literal or comment starting at i, or 0 when s[i] starts none. Comments
// report their length through `comment` so that they do not count as statement text.
std::size_t opaque_span(std::string_view s, std::size_t i, bool& comment) {
  comment = false;
  char c = s[i];
  char next = i + 1 < s.size() ? s[i + 1] : '\0';
  if (c == '\'') {
    bool e_string =
        i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') && (i < 2 || !is_ident_char(s[i - 2]));
    return skip_quoted(s, i, '\'', e_string) - i;
  }
  if (c == '"') return skip_quoted(s, i, '"', false) - i;
  if (c == '$') return skip_dollar_quoted(s, i) - i;
  comment = true;
  if (c == '-' && next == '-') {
    std::size_t eol = s.find('\n', i);
    return (eol == std::string_view::npos ? s.size() : eol) - i;
  }
  if (c == '/' && next == '*') return skip_block_comment(s, i) - i;
  comment = false;
  return 0;
}

// Rewrites the portable `?` placeholders to PostgreSQL's $1, $2, ... leaving any `?`
// inside string literals, quoted identifiers, dollar quotes and comments untouched.
// (PostgreSQL's own `?`-operators, e.g. jsonb `?|`, are therefore not usable.)
Rewritten rewrite_placeholders(std::string_view in) {
  Rewritten out;
  out.sql.reserve(in.size() + 16);
  bool after_semicolon = false;
  std::size_t i = 0;
  while (i < in.size()) {
    bool comment = false;
    if (std::size_t n = opaque_span(in, i, comment); n > 0) {
      if (!comment && after_semicolon) out.multi_statement = true;
      out.sql.append(in.substr(i, n));
      i += n;
      continue;
    }
    char c = in[i++];
    if (c == '?') {
      out.sql += '$';
      out.sql += std::to_string(++out.placeholders);
    } else {
      out.sql += c;
    }
    if (c == ';') {
      after_semicolon = true;
    } else if (after_semicolon && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      out.multi_statement = true;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Errors.

struct PgFailure {
  Error error;
  bool retryable = false;   // serialization failure or deadlock: rerun the transaction
  bool stale_plan = false;  // a cached statement's result type changed under it
};

std::string diag(const PGresult* r, int field) {
  const char* v = r ? PQresultErrorField(r, field) : nullptr;
  return v ? v : "";
}

Error constraint_error(ErrorCode code, std::string_view what, const std::string& name) {
  if (name.empty()) return make_error(code, std::string(what) + " a constraint");
  return make_error(code, std::string(what) + " " + name, "constraint:" + name);
}

// Maps a failed statement's result (r may be null when libpq ran out of memory or lost
// the connection) to the error callers see.
PgFailure map_failure(PGconn* conn, const PGresult* r) {
  std::string state = diag(r, PG_DIAG_SQLSTATE);
  std::string message = r ? diag(r, PG_DIAG_MESSAGE_PRIMARY) : "";
  if (message.empty()) message = first_line(PQerrorMessage(conn));
  std::string constraint = diag(r, PG_DIAG_CONSTRAINT_NAME);
  if (state == "40001" || state == "40P01") return {kSerializationError, true, false};
  if (state == "23505") {
    return {constraint_error(ErrorCode::conflict, "duplicate value violates", constraint)};
  }
  if (state == "23503") {
    return {constraint_error(ErrorCode::conflict, "foreign key violation:", constraint)};
  }
  if (state == "23514") {
    return {constraint_error(ErrorCode::invalid_argument, "value violates check", constraint)};
  }
  // "cached plan must not change result type": a prepared statement outlived a schema
  // change (migration). Recognised by the server function raising it, which unlike the
  // message does not depend on lc_messages.
  if (state == "0A000" && diag(r, PG_DIAG_SOURCE_FUNCTION) == "RevalidateCachedQuery") {
    return {kSerializationError, true, true};
  }
  // Lost/refused connections (class 08, or no SQLSTATE with a dead socket), cancelled
  // statements, server shutdown (57P0x) and resource exhaustion (class 53) are outages,
  // not bugs: report them as `unavailable` so the API answers 503.
  bool lost = PQstatus(conn) != CONNECTION_OK || state.starts_with("08");
  if (lost || state == "57014" || state.starts_with("57P") || state.starts_with("53")) {
    return {make_error(ErrorCode::unavailable, "PostgreSQL unavailable: " + message)};
  }
  return {make_error(ErrorCode::internal, (state.empty() ? "?????" : state) + ": " + message)};
}

// ---------------------------------------------------------------------------------------
// Connections and pools.

struct Connection {
  PGconn* pg = nullptr;
  // key (rewritten SQL + "|" + type signature) -> server-side prepared statement name.
  std::unordered_map<std::string, std::string> statements;
  // Prepared statements whose plan went stale; deallocated after the rollback.
  std::vector<std::string> stale;
  std::uint64_t next_statement = 0;

  ~Connection() {
    if (pg) PQfinish(pg);
  }
  bool healthy() const { return pg && PQstatus(pg) == CONNECTION_OK; }
};

// Runs a simple (non-prepared) command; true on success.
bool simple_command(PGconn* pg, const char* sql) {
  PgResult r(PQexec(pg, sql));
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

Result<std::unique_ptr<Connection>> connect(const std::string& url) {
  // Defaults come before the URL so that settings given in the URL win. The timeout keeps
  // an unreachable host from blocking startup or a request for minutes.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "fondaco", url.c_str(), nullptr};
  auto conn = std::make_unique<Connection>();
  conn->pg = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn->pg) return fail(ErrorCode::unavailable, "cannot connect to PostgreSQL: no memory");
  if (PQstatus(conn->pg) != CONNECTION_OK) {
    return fail(ErrorCode::unavailable,
                "cannot connect to PostgreSQL: " + first_line(PQerrorMessage(conn->pg)));
  }
  // synchronous_commit: a commit is acknowledged only once durable (the server default,
  // but a cluster may lower it). Timestamps are unix ms integers, yet UTC keeps any
  // server-side now() formatting deterministic.
  if (!simple_command(conn->pg,
                      "SET synchronous_commit = on; SET client_min_messages = warning; "
                      "SET TIME ZONE 'UTC'")) {
    return fail(ErrorCode::unavailable,
                "cannot configure PostgreSQL session: " + first_line(PQerrorMessage(conn->pg)));
  }
  return conn;
}

// A bounded set of connections, opened lazily. Broken connections are dropped on release
// and replaced by a fresh one the next time one is needed.
class Pool {
 public:
  Pool(std::string url, int capacity) : url_(std::move(url)), capacity_(std::max(1, capacity)) {}

  void add_idle(std::unique_ptr<Connection> c) {
    std::lock_guard lock(mu_);
    ++open_;
    idle_.push_back(std::move(c));
  }

  Result<std::unique_ptr<Connection>> acquire() {
    {
      std::unique_lock lock(mu_);
      bool ready =
          cv_.wait_for(lock, kAcquireTimeout, [&] { return !idle_.empty() || open_ < capacity_; });
      if (!ready) return fail(ErrorCode::unavailable, "no PostgreSQL connection available");
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
      ++open_;  // reserve the slot, then connect without holding the lock
    }
    auto c = connect(url_);
    if (!c) forget();
    return c;
  }

  // Closes every idle connection: once one is found dead (server restart, failover) the
  // others opened before it most likely are too.
  void drop_idle() {
    std::vector<std::unique_ptr<Connection>> dead;
    {
      std::lock_guard lock(mu_);
      dead.swap(idle_);
      open_ -= static_cast<int>(dead.size());
      cv_.notify_all();
    }
  }

  // Returns a connection; one left inside a transaction is rolled back, a broken one is
  // closed so that its slot can be refilled.
  void release(std::unique_ptr<Connection> c) {
    if (c->healthy() && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
      simple_command(c->pg, "ROLLBACK");
    }
    if (!c->healthy() || PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
      c.reset();
      forget();
      return;
    }
    tidy_statements(*c);
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(c));
    cv_.notify_one();
  }

 private:
  void forget() {
    std::lock_guard lock(mu_);
    --open_;
    cv_.notify_one();
  }

  // Prepared statements are not transactional, so cleanup can run between transactions.
  static void tidy_statements(Connection& c) {
    for (const auto& name : c.stale) {
      simple_command(c.pg, ("DEALLOCATE " + name).c_str());
    }
    c.stale.clear();
    if (c.statements.size() > kMaxCachedStatements && simple_command(c.pg, "DEALLOCATE ALL")) {
      c.statements.clear();
    }
  }

  const std::string url_;
  const int capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // idle + borrowed + being opened
};

// Borrows a connection for one scope; returns it to its pool on every path (including an
// exception thrown by the transaction callback, in which case release rolls back).
class Lease {
 public:
  Lease(Pool& pool, std::unique_ptr<Connection> c) : pool_(pool), conn_(std::move(c)) {}
  ~Lease() {
    if (conn_) pool_.release(std::move(conn_));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }

 private:
  Pool& pool_;
  std::unique_ptr<Connection> conn_;
};

// ---------------------------------------------------------------------------------------
// Result conversion.

Result<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return fail(ErrorCode::internal, "integer out of range: " + std::string(text));
  }
  return v;
}

// numeric reaches callers as int64 (e.g. SUM over bigint); a fractional part other than
// zeros would be silently lost, so it is an error.
Result<std::int64_t> parse_numeric(std::string_view text) {
  auto dot = text.find('.');
  if (dot != std::string_view::npos) {
    auto frac = text.substr(dot + 1);
    if (frac.find_first_not_of('0') != std::string_view::npos) {
      return fail(ErrorCode::internal, "numeric value is not integral: " + std::string(text));
    }
    text = text.substr(0, dot);
  }
  return parse_int(text);
}

Result<Value> convert_cell(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return Value{std::monostate{}};
  std::string_view text(PQgetvalue(r, row, col), PQgetlength(r, row, col));
  switch (PQftype(r, col)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
      return Value{FONDACO_TRY(parse_int(text))};
    case kNumericOid:
      return Value{FONDACO_TRY(parse_numeric(text))};
    case kBoolOid:
      return Value{std::int64_t{text == "t" ? 1 : 0}};
    default:
      return Value{std::string(text)};
  }
}

Result<Rows> to_rows(const PGresult* r) {
  int width = PQnfields(r);
  int height = PQntuples(r);
  std::vector<std::string> columns;
  columns.reserve(width);
  for (int c = 0; c < width; ++c) columns.emplace_back(PQfname(r, c));
  std::vector<Value> cells;
  cells.reserve(static_cast<std::size_t>(width) * height);
  for (int row = 0; row < height; ++row) {
    for (int c = 0; c < width; ++c) cells.push_back(FONDACO_TRY(convert_cell(r, row, c)));
  }
  return Rows(std::move(columns), std::move(cells));
}

// ---------------------------------------------------------------------------------------
// Transactions.

// Parameters in libpq's text format, with the types PostgreSQL should assume for them.
struct BoundParams {
  std::vector<std::string> storage;
  std::vector<const char*> values;
  std::vector<Oid> types;
  std::string signature;  // one char per parameter: part of the statement cache key
};

Result<BoundParams> bind(std::span<const Value> params) {
  BoundParams b;
  b.storage.reserve(params.size());  // no reallocation: values point into storage
  for (const Value& v : params) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
      b.values.push_back(b.storage.emplace_back(std::to_string(*i)).c_str());
      b.types.push_back(kInt8Oid);
      b.signature += 'i';
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      // Text-format parameters are C strings: an embedded NUL would silently truncate.
      if (s->find('\0') != std::string::npos) {
        return fail(ErrorCode::invalid_argument, "text must not contain NUL characters");
      }
      b.values.push_back(s->c_str());
      b.types.push_back(kTextOid);
      b.signature += 't';
    } else {
      // Unspecified: an untyped NULL fits any column. Where nothing else fixes its type
      // (`? IS NULL`) the SQL must say CAST(? AS BIGINT) or similar.
      b.values.push_back(nullptr);
      b.types.push_back(0);
      b.signature += 'n';
    }
  }
  return b;
}

class PgTx final : public Tx {
 public:
  explicit PgTx(Connection& conn) : conn_(conn) {}

  Engine engine() const override { return Engine::postgres; }

  Result<std::int64_t> exec(std::string_view sql, std::span<const Value> params) override {
    PgResult r = FONDACO_TRY(run(sql, params));
    const char* n = PQcmdTuples(r.get());
    if (!n || !*n) return 0;
    return parse_int(n);
  }

  Result<Rows> query(std::string_view sql, std::span<const Value> params) override {
    PgResult r = FONDACO_TRY(run(sql, params));
    return to_rows(r.get());
  }

  // Set when a statement hit a serialization failure or deadlock: the whole transaction
  // must be rerun, whatever fn made of the error.
  bool retryable() const { return retryable_; }
  bool must_rerun() const override { return retryable_; }
  // Undoes the unit and, unless the whole transaction is doomed, forgets its statement
  // error: the transaction is usable again after ROLLBACK TO SAVEPOINT.
  Result<void> rollback_to_savepoint() override {
    if (retryable_) return fail(*failure_);
    std::optional<Error> unit_failure = std::move(failure_);
    failure_.reset();
    if (auto r = Tx::rollback_to_savepoint(); !r) {
      if (!failure_) failure_ = unit_failure ? *unit_failure : r.error();
      return r;
    }
    return {};
  }
  // The first statement error, if any: PostgreSQL has aborted the transaction since.
  const std::optional<Error>& failure() const { return failure_; }

 private:
  Result<PgResult> run(std::string_view sql, std::span<const Value> params);
  Result<std::string> prepared_name(const Rewritten& rw, const BoundParams& b);
  std::unexpected<Error> failed(const PGresult* r, const std::string* statement = nullptr);

  Connection& conn_;
  bool retryable_ = false;
  std::optional<Error> failure_;
};

std::unexpected<Error> PgTx::failed(const PGresult* r, const std::string* statement) {
  PgFailure f = map_failure(conn_.pg, r);
  retryable_ = retryable_ || f.retryable;
  if (f.stale_plan && statement) {
    // Forget the statement so the rerun prepares it afresh against the new schema.
    for (auto it = conn_.statements.begin(); it != conn_.statements.end(); ++it) {
      if (it->second == *statement) {
        conn_.stale.push_back(it->second);
        conn_.statements.erase(it);
        break;
      }
    }
  }
  if (!failure_) failure_ = f.error;
  return std::unexpected(std::move(f.error));
}

Result<std::string> PgTx::prepared_name(const Rewritten& rw, const BoundParams& b) {
  std::string key = rw.sql + "|" + b.signature;
  if (auto it = conn_.statements.find(key); it != conn_.statements.end()) return it->second;
  std::string name = "fondaco_" + std::to_string(++conn_.next_statement);
  PgResult r(PQprepare(conn_.pg, name.c_str(), rw.sql.c_str(), static_cast<int>(b.types.size()),
                       b.types.data()));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return failed(r.get());
  conn_.statements.emplace(std::move(key), name);
  return name;
}

Result<PgResult> PgTx::run(std::string_view sql, std::span<const Value> params) {
  Rewritten rw = rewrite_placeholders(sql);
  if (static_cast<std::size_t>(rw.placeholders) != params.size()) {
    return fail(ErrorCode::internal, "statement has " + std::to_string(rw.placeholders) +
                                         " placeholders but " + std::to_string(params.size()) +
                                         " parameters were bound");
  }
  PgResult r;
  std::string name;
  if (rw.multi_statement) {
    // Scripts (migrations) go through the simple protocol, which accepts several
    // statements but no parameters; they run rarely, so nothing is cached.
    if (!params.empty()) {
      return fail(ErrorCode::internal, "a multi-statement script cannot take parameters");
    }
    r.reset(PQexec(conn_.pg, rw.sql.c_str()));
  } else {
    BoundParams b = FONDACO_TRY(bind(params));
    name = FONDACO_TRY(prepared_name(rw, b));
    r.reset(PQexecPrepared(conn_.pg, name.c_str(), static_cast<int>(b.values.size()),
                           b.values.data(), nullptr, nullptr, /*resultFormat=text*/ 0));
  }
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return failed(r.get(), &name);
  return r;
}

// ---------------------------------------------------------------------------------------
// The database.

// Randomized, growing pause before rerunning a transaction, so that the transactions that
// collided do not collide again in lockstep: 1..4 ms, then up to 8, 16, 20 ms.
void backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  int ceiling = std::min(20, 2 << std::min(attempt, 4));
  std::uniform_int_distribution<int> ms(1, ceiling);
  std::this_thread::sleep_for(std::chrono::milliseconds(ms(rng)));
}

enum class Attempt { done, retry };

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(const std::string& url, const Options& options)
      : writes_(url, options.write_connections), reads_(url, options.read_connections) {}

  Engine engine() const override { return Engine::postgres; }

  // Opens one connection now, so that a wrong URL or a down server fails at startup.
  Result<void> open_first(const std::string& url) {
    writes_.add_idle(FONDACO_TRY(connect(url)));
    return {};
  }

  Result<void> ping() override {
    Pool& pool = reads_;
    for (int i = 0; i < 2; ++i) {  // a pooled connection may have died while idle
      Lease conn(pool, FONDACO_TRY(pool.acquire()));
      PgResult r(PQexec(conn->pg, "SELECT 1"));
      if (r && PQresultStatus(r.get()) == PGRES_TUPLES_OK) return {};
      if (conn->healthy() || i == 1) return fail(map_failure(conn->pg, r.get()).error);
      pool.drop_idle();
    }
    return {};
  }

 protected:
  Result<void> run_tx(bool write, const std::function<Result<void>(Tx&)>& fn) override {
    Pool& pool = write ? writes_ : reads_;
    for (int attempt = 1;; ++attempt) {
      std::vector<std::function<void()>> callbacks;
      Result<Attempt> outcome = attempt_tx(pool, write, fn, callbacks);
      if (!outcome) return std::unexpected(std::move(outcome).error());
      if (*outcome == Attempt::done) {
        // The connection is back in its pool: callbacks may start transactions of their own.
        for (auto& cb : callbacks) cb();
        return {};
      }
      if (attempt >= kMaxTxAttempts) return std::unexpected(kSerializationError);
      backoff(attempt);
    }
  }

 private:
  Result<Attempt> attempt_tx(Pool& pool, bool write, const std::function<Result<void>(Tx&)>& fn,
                             std::vector<std::function<void()>>& callbacks);
  static Result<std::unique_ptr<Connection>> begin(Pool& pool, bool write);
  static Result<Attempt> commit(Connection& conn, bool write);

  Pool writes_;
  Pool reads_;
};

// Borrows a connection and opens the transaction. A connection that died while idle in
// the pool is only noticed here; nothing has run yet, so one fresh connection is tried.
Result<std::unique_ptr<Connection>> PostgresDatabase::begin(Pool& pool, bool write) {
  // Reads see one snapshot for all their statements (the "consistent snapshot" promised by
  // Database::read); a read-only REPEATABLE READ transaction never fails to serialize.
  const char* sql = write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  for (int i = 0;; ++i) {
    auto conn = FONDACO_TRY(pool.acquire());
    PgResult r(PQexec(conn->pg, sql));
    if (r && PQresultStatus(r.get()) == PGRES_COMMAND_OK) return conn;
    Error e = map_failure(conn->pg, r.get()).error;
    bool dead = !conn->healthy();
    pool.release(std::move(conn));
    if (!dead || i == 1) return std::unexpected(std::move(e));
    pool.drop_idle();
  }
}

Result<Attempt> PostgresDatabase::attempt_tx(Pool& pool, bool write,
                                             const std::function<Result<void>(Tx&)>& fn,
                                             std::vector<std::function<void()>>& callbacks) {
  Lease conn(pool, FONDACO_TRY(begin(pool, write)));
  PgTx tx(*conn);
  Result<void> result = fn(tx);
  if (result && !tx.failure()) result = tx.flush_deferred();
  if (tx.retryable()) {
    simple_command(conn->pg, "ROLLBACK");
    return Attempt::retry;
  }
  if (!result || tx.failure()) {
    // fn failed, or ignored a statement error after which PostgreSQL would turn COMMIT
    // into a silent ROLLBACK: either way nothing may be reported as committed.
    simple_command(conn->pg, "ROLLBACK");
    return std::unexpected(result ? *tx.failure() : std::move(result).error());
  }
  Attempt a = FONDACO_TRY(commit(*conn, write));
  if (a == Attempt::done) callbacks = tx.take_after_commit();
  return a;
}

Result<Attempt> PostgresDatabase::commit(Connection& conn, bool write) {
  auto start = std::chrono::steady_clock::now();
  PgResult r(PQexec(conn.pg, "COMMIT"));
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK) {
    // A failed COMMIT has ended the transaction (deferred constraint, serialization
    // failure); a lost connection leaves its outcome unknown and maps to unavailable.
    PgFailure f = map_failure(conn.pg, r.get());
    if (f.retryable) return Attempt::retry;
    return std::unexpected(std::move(f.error));
  }
  // COMMIT of an aborted transaction "succeeds" with the tag ROLLBACK.
  if (std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0) {
    return fail(ErrorCode::internal, "transaction was rolled back by PostgreSQL");
  }
  // The histogram is about durable writes; read-only commits are free and would dilute it.
  if (write) {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    record_commit(Engine::postgres, micros.count());
  }
  return Attempt::done;
}

}  // namespace

Result<std::unique_ptr<Database>> open_postgres(std::string_view url, const Options& options) {
  std::string u(url);
  auto db = std::make_unique<PostgresDatabase>(u, options);
  FONDACO_TRY(db->open_first(u));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace fondaco::storage::internal
