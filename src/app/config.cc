#include <filesystem>

#include "app.h"
#include "fondaco/catalog/catalog.h"
#include "fondaco/channels/channels.h"
#include "fondaco/events/event_log.h"
#include "fondaco/governance/tokens.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/orders/orders.h"
#include "fondaco/fulfillment/fulfillment.h"
#include "fondaco/invoicing/invoicing.h"
#include "fondaco/notifications/notifications.h"
#include "fondaco/payments/payments.h"
#include "fondaco/returns/returns.h"
#include "fondaco/platform/metrics.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::app {

std::string default_db_url() { return "sqlite:fondaco-data/fondaco.db"; }

Result<std::unique_ptr<storage::Database>> open_and_migrate(const std::string& url,
                                                            const Clock& clock) {
  if (url.starts_with("sqlite:")) {
    const std::filesystem::path path(url.substr(url.starts_with("sqlite://") ? 9 : 7));
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
      return fail(ErrorCode::unavailable,
                  "cannot create " + path.parent_path().string() + ": " + ec.message(), "db");
  }
  auto db = FONDACO_TRY(storage::open_database(url));
  const storage::ModuleMigrations modules[] = {
      {"events", events::migrations()},
      {"catalog", catalog::migrations()},
      {"inventory", inventory::migrations()},
      {"governance", governance::migrations()},
      {"orders", orders::migrations()},
      {"channels", channels::migrations()},
      {"payments", payments::migrations()},
      {"invoicing", invoicing::migrations()},
      {"fulfillment", fulfillment::migrations()},
      {"returns", returns::migrations()},
      {"notifications", notifications::migrations()},
      {"api", api::migrations()},
  };
  FONDACO_TRY(storage::migrate(*db, modules, clock.now_ms()));
  return db;
}

Result<std::unique_ptr<Runtime>> make_runtime(const std::string& db_url) {
  auto rt = std::make_unique<Runtime>();
  rt->db = FONDACO_TRY(open_and_migrate(db_url, rt->clock));
  rt->dispatcher = std::make_unique<events::Dispatcher>(*rt->db, rt->log, rt->clock);
  // Built-in subscriber: counts delivered events by type, so /metrics shows the event flow
  // and fondaco_events_pending has a cursor to measure.
  rt->dispatcher->subscribe("metrics", [](const events::Event& e) -> Result<void> {
    metrics::global()
        .counter("fondaco_events_delivered_total", "Events delivered to subscribers, by type",
                 "type=\"" + metrics::escape_label(e.type) + "\"")
        .inc();
    return ok();
  });
  rt->catalog = std::make_unique<catalog::Catalog>(rt->log);
  rt->inventory = std::make_unique<inventory::Inventory>(rt->log);
  rt->tokens = std::make_unique<governance::Tokens>(rt->log);
  rt->writes = std::make_unique<storage::GroupCommit>(*rt->db);
  rt->services.reset(new api::Services{*rt->db, *rt->writes, rt->log, rt->dispatcher.get(), *rt->catalog,
                                       *rt->inventory, *rt->tokens, rt->clock, rt->random, {}});
  return rt;
}

}  // namespace fondaco::app
