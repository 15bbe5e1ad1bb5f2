#include "fondaco/storage/migrations.h"

#include <string>

namespace fondaco::storage {
namespace {

constexpr std::string_view kCreateTableSqlite = R"(
CREATE TABLE IF NOT EXISTS schema_migrations (
  module TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  PRIMARY KEY (module, version)
) STRICT)";

constexpr std::string_view kCreateTablePostgres = R"(
CREATE TABLE IF NOT EXISTS schema_migrations (
  module TEXT NOT NULL,
  version BIGINT NOT NULL,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL,
  PRIMARY KEY (module, version)
))";

// Serialises concurrent migrators on PostgreSQL (several nodes starting at once).
// The lock is transaction-scoped, so it is released by the COMMIT of each migration.
Result<void> lock(Tx& tx) {
  if (tx.engine() == Engine::postgres)
    FONDACO_TRY(tx.query("SELECT pg_advisory_xact_lock(7301052026)"));
  return ok();
}

Result<bool> apply_one(Database& db, std::string_view module, const Migration& m,
                       std::int64_t now_ms) {
  return db.write([&](Tx& tx) -> Result<bool> {
    FONDACO_TRY(lock(tx));
    auto done = FONDACO_TRY(tx.query(
        "SELECT 1 FROM schema_migrations WHERE module = ? AND version = ?",
        {std::string(module), std::int64_t{m.version}}));
    if (!done.empty()) return false;
    const auto sql = tx.engine() == Engine::sqlite ? m.sqlite : m.postgres;
    if (auto r = tx.exec(sql); !r) {
      Error e = r.error();
      e.message = "migration " + std::string(module) + "/" + std::to_string(m.version) + " (" +
                  std::string(m.name) + ") failed: " + e.message;
      return fail(std::move(e));
    }
    FONDACO_TRY(tx.exec(
        "INSERT INTO schema_migrations (module, version, name, applied_at) VALUES (?, ?, ?, ?)",
        {std::string(module), std::int64_t{m.version}, std::string(m.name), now_ms}));
    return true;
  });
}

}  // namespace

Result<int> migrate(Database& db, std::span<const ModuleMigrations> modules, std::int64_t now_ms) {
  FONDACO_TRY(db.write([&](Tx& tx) -> Result<void> {
    FONDACO_TRY(lock(tx));
    FONDACO_TRY(tx.exec(tx.engine() == Engine::sqlite ? kCreateTableSqlite
                                                      : kCreateTablePostgres));
    return ok();
  }));
  int applied = 0;
  for (const auto& module : modules) {
    for (const auto& m : module.migrations) {
      if (FONDACO_TRY(apply_one(db, module.module, m, now_ms))) ++applied;
    }
  }
  if (applied > 0 && db.engine() == Engine::postgres) {
    FONDACO_TRY(db.write([](Tx& tx) -> Result<void> {
      FONDACO_TRY(tx.exec("ANALYZE"));
      return ok();
    }));
  }
  return applied;
}

}  // namespace fondaco::storage
