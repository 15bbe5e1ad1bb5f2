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
#include "fondaco/smtp/smtp.h"
#include "fondaco/storage/migrations.h"
#include "fondaco/webhooks/webhooks.h"
#include "fondaco/workflows/webhooks_notify.h"
#include "fondaco/customers/customers.h"

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
      {"webhooks", webhooks::migrations()},
      {"customers", customers::migrations()},
      {"api", api::migrations()},
  };
  FONDACO_TRY(storage::migrate(*db, modules, clock.now_ms()));
  return db;
}

namespace {

// The SMTP transport for the configuration; none without a URL.
Result<std::unique_ptr<notifications::Transport>> make_mail_transport(const SmtpConfig& c) {
  if (c.url.empty()) return std::unique_ptr<notifications::Transport>();
  smtp::SmtpConfig sc;
  sc.url = c.url;
  sc.from_address = c.from;
  sc.from_name = c.from_name;
  sc.username = c.username;
  sc.password = c.password;
  sc.tls = c.starttls ? smtp::Tls::starttls : smtp::Tls::none;
  auto t = FONDACO_TRY(smtp::SmtpTransport::create(std::move(sc)));
  return std::unique_ptr<notifications::Transport>(new smtp::SmtpTransport(std::move(t)));
}

}  // namespace

Result<std::unique_ptr<Runtime>> make_runtime(const std::string& db_url, const SmtpConfig& smtp) {
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
  rt->orders = std::make_unique<orders::Orders>(rt->log);
  rt->payments = std::make_unique<payments::Payments>(rt->log);
  rt->invoicing = std::make_unique<invoicing::Invoicing>(rt->log);
  rt->fulfillment = std::make_unique<fulfillment::Fulfillment>(rt->log);
  rt->notifications = std::make_unique<notifications::Notifications>(rt->log);
  rt->returns = std::make_unique<returns::Returns>(rt->log);
  rt->chain.reset(new workflows::Chain{*rt->db, rt->clock, *rt->catalog, *rt->inventory,
                                       *rt->orders, *rt->payments, *rt->invoicing,
                                       *rt->fulfillment, *rt->notifications, *rt->returns, {}});
  workflows::register_order_to_cash(*rt->dispatcher, *rt->chain);
  // ---- runtime channels-sync ----
  FONDACO_TRY(init_channel_sync(*rt));
  // ---- end runtime channels-sync ----
  // ---- runtime webhooks ----
  rt->webhooks = std::make_unique<webhooks::Webhooks>(rt->log);
  rt->webhook_sender = Runtime::make_webhook_sender();
  webhooks::register_fan_out(*rt->dispatcher);
  workflows::register_webhooks_notify(*rt->dispatcher, *rt->chain);
  // ---- end runtime webhooks ----
  rt->mail = FONDACO_TRY(make_mail_transport(smtp));
  rt->gateway = std::make_unique<payments::StripeGateway>();
  rt->writes = std::make_unique<storage::GroupCommit>(*rt->db);
  rt->services.reset(new api::Services{*rt->db, *rt->writes, rt->log, rt->dispatcher.get(), *rt->catalog,
                                       *rt->inventory, *rt->tokens, rt->clock, rt->random, {},
                                       rt->chain.get()});
  return rt;
}

}  // namespace fondaco::app
