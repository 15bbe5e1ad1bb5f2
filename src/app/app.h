// The composition root: builds every service from a configuration and runs the CLI
// commands. Nothing else in the code base constructs Database, modules or the server.
// Thread-safety: Services are built once on the main thread and then shared.
#pragma once

#include <memory>
#include <string>

#include "fondaco/api/app.h"
#include "fondaco/base/limits.h"
#include "fondaco/platform/system.h"

namespace fondaco::app {

struct Config {
  std::string db_url;          // sqlite:PATH or postgresql://...
  std::string listen = "127.0.0.1:8080";
  std::string log_level = "info";
  int threads = 0;
  bool demo = false;           // serve: load the demo shop into an empty database
  // serve: how long a cart holds stock when its request names no TTL.
  std::int64_t cart_ttl_seconds = limits::kDefaultCartTtlSeconds;
};

// Default database: ./fondaco-data/fondaco.db (the directory is created when missing).
std::string default_db_url();

// Opens the database (creating the SQLite directory if needed) and applies migrations.
Result<std::unique_ptr<storage::Database>> open_and_migrate(const std::string& url,
                                                            const Clock& clock);

// Everything that lives as long as the process.
struct Runtime {
  platform::SystemClock clock;
  platform::SystemRandom random;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<storage::GroupCommit> writes;  // the API's write path (group commit)
  events::EventLog log;
  std::unique_ptr<events::Dispatcher> dispatcher;
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<inventory::Inventory> inventory;
  std::unique_ptr<governance::Tokens> tokens;
  std::unique_ptr<api::Services> services;
};
Result<std::unique_ptr<Runtime>> make_runtime(const std::string& db_url);

// Loads the demo shop (locations, ~50 products / ~200 variants, opening stock) unless the
// catalog already has products. Returns true when it loaded.
Result<bool> load_demo(Runtime& rt);

int run_serve(const Config& config);
int run_migrate(const Config& config);
int run_demo(const Config& config);
int run_token_create(const Config& config, const std::string& role, const std::string& name);

}  // namespace fondaco::app
