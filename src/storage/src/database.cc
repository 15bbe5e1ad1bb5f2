#include <string>

#include "fondaco/platform/metrics.h"
#include "fondaco/storage/database.h"
#include "internal.h"

namespace fondaco::storage {

std::string_view to_string(Engine e) { return e == Engine::sqlite ? "sqlite" : "postgres"; }

std::vector<std::function<void()>> Tx::take_after_commit_from(std::size_t mark) {
  std::vector<std::function<void()>> out;
  if (mark >= after_commit_.size()) return out;
  out.assign(std::make_move_iterator(after_commit_.begin() + static_cast<std::ptrdiff_t>(mark)),
             std::make_move_iterator(after_commit_.end()));
  after_commit_.resize(mark);
  return out;
}

Tx::Deferred* Tx::deferred(const void* key) {
  for (auto& [k, d] : deferred_)
    if (k == key) return d.get();
  return nullptr;
}

Tx::Deferred& Tx::set_deferred(const void* key, std::unique_ptr<Deferred> d) {
  deferred_.emplace_back(key, std::move(d));
  return *deferred_.back().second;
}

Result<void> Tx::flush_deferred() {
  for (auto& [key, d] : deferred_) FONDACO_TRY(d->flush(*this));
  return {};
}

Result<void> Tx::savepoint() {
  FONDACO_TRY(exec("SAVEPOINT fondaco_unit"));
  savepoint_marks_.clear();
  for (auto& [key, d] : deferred_) savepoint_marks_.push_back(d->mark());
  return {};
}

Result<void> Tx::release_savepoint() {
  FONDACO_TRY(exec("RELEASE SAVEPOINT fondaco_unit"));
  return {};
}

Result<void> Tx::rollback_to_savepoint() {
  FONDACO_TRY(exec("ROLLBACK TO SAVEPOINT fondaco_unit"));
  FONDACO_TRY(exec("RELEASE SAVEPOINT fondaco_unit"));
  // Deferreds registered after the savepoint have no mark: they go back to empty.
  for (std::size_t i = 0; i < deferred_.size(); ++i)
    deferred_[i].second->rollback_to(i < savepoint_marks_.size() ? savepoint_marks_[i] : 0);
  return {};
}

std::int64_t Rows::i64(std::size_t row, std::size_t col) const {
  const Value& v = at(row, col);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  return 0;
}

std::optional<std::int64_t> Rows::opt_i64(std::size_t row, std::size_t col) const {
  const Value& v = at(row, col);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  return std::nullopt;
}

const std::string& Rows::text(std::size_t row, std::size_t col) const {
  static const std::string kEmpty;
  const Value& v = at(row, col);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return kEmpty;
}

std::optional<std::string> Rows::opt_text(std::size_t row, std::size_t col) const {
  const Value& v = at(row, col);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return std::nullopt;
}

Result<std::unique_ptr<Database>> open_database(std::string_view url, const Options& options) {
  if (url.starts_with("sqlite:")) {
    auto path = url.substr(7);
    if (path.starts_with("//")) path.remove_prefix(2);  // accept sqlite://PATH too
    if (path.empty()) return fail(ErrorCode::invalid_argument, "sqlite URL has no path", "db");
    return internal::open_sqlite(path, options);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
    return internal::open_postgres(url, options);
  return fail(ErrorCode::invalid_argument,
              "database URL must start with sqlite: or postgresql://", "db");
}

std::string like_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

namespace internal {
void record_commit(Engine engine, std::int64_t micros) {
  // Registered on first use, so /metrics shows only the engine actually in use.
  auto histogram = [](std::string_view label) -> metrics::Histogram& {
    return metrics::global().histogram("fondaco_db_commit_seconds",
                                       "Time to commit a write transaction", label);
  };
  if (engine == Engine::sqlite) {
    static metrics::Histogram& sqlite = histogram("engine=\"sqlite\"");
    sqlite.observe_micros(micros);
  } else {
    static metrics::Histogram& postgres = histogram("engine=\"postgres\"");
    postgres.observe_micros(micros);
  }
}
}  // namespace internal

}  // namespace fondaco::storage
