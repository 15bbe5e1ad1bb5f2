// Versioned schema migrations. Each module owns an ordered list of Migrations; the runner
// applies the missing ones, one transaction each, and records (module, version) in
// schema_migrations. On PostgreSQL the runner holds an advisory lock so that several nodes
// starting together migrate once, and runs ANALYZE afterwards (fresh tables otherwise get
// poor plans). Thread-safety: call from one thread at start-up.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "fondaco/base/result.h"
#include "fondaco/storage/database.h"

namespace fondaco::storage {

struct Migration {
  int version;             // 1, 2, 3... per module, never reused
  std::string_view name;   // short description
  std::string_view sqlite;    // DDL for SQLite (STRICT tables)
  std::string_view postgres;  // DDL for PostgreSQL
};

struct ModuleMigrations {
  std::string_view module;
  std::span<const Migration> migrations;
};

// Applies what is missing; returns how many migrations ran.
Result<int> migrate(Database& db, std::span<const ModuleMigrations> modules, std::int64_t now_ms);

}  // namespace fondaco::storage
