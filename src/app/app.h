// The composition root: builds every service from a configuration and runs the CLI
// commands. Nothing else in the code base constructs Database, modules or the server.
// Thread-safety: Services are built once on the main thread and then shared.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "fondaco/api/app.h"
#include "fondaco/base/limits.h"
#include "fondaco/fulfillment/fulfillment.h"
#include "fondaco/invoicing/invoicing.h"
#include "fondaco/notifications/notifications.h"
#include "fondaco/orders/orders.h"
#include "fondaco/payments/payments.h"
#include "fondaco/platform/system.h"
#include "fondaco/returns/returns.h"
#include "fondaco/workflows/order_to_cash.h"

namespace fondaco::app {

// Where customer e-mails go (serve --smtp-url, FONDACO_SMTP_URL...). Without a URL they
// stay queued in the outbox (GET /api/v1/emails shows them) until one is configured.
struct SmtpConfig {
  std::string url;        // smtp://host:port or smtps://host:port
  std::string from;       // sender address
  std::string from_name = "Fondaco";
  std::string username;
  std::string password;
  bool starttls = false;  // require STARTTLS on smtp://
};

struct Config {
  std::string db_url;          // sqlite:PATH or postgresql://...
  std::string listen = "127.0.0.1:8080";
  std::string log_level = "info";
  int threads = 0;
  bool demo = false;           // serve: load the demo shop into an empty database
  // serve: how long a cart holds stock when its request names no TTL.
  std::int64_t cart_ttl_seconds = limits::kDefaultCartTtlSeconds;
  SmtpConfig smtp;
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
  std::unique_ptr<orders::Orders> orders;
  std::unique_ptr<payments::Payments> payments;
  std::unique_ptr<invoicing::Invoicing> invoicing;
  std::unique_ptr<fulfillment::Fulfillment> fulfillment;
  std::unique_ptr<notifications::Notifications> notifications;
  std::unique_ptr<returns::Returns> returns;
  // The order-to-cash chain, registered on the dispatcher (src/workflows/order_to_cash.h).
  std::unique_ptr<workflows::Chain> chain;
  // Outside parties: the SMTP server (null without configuration) and the card gateway.
  std::unique_ptr<notifications::Transport> mail;
  std::unique_ptr<payments::Gateway> gateway;
  std::unique_ptr<api::Services> services;
};
Result<std::unique_ptr<Runtime>> make_runtime(const std::string& db_url,
                                              const SmtpConfig& smtp = {});

// Sends what the chain queued for the outside world, off the request and event paths:
// customer e-mails (notifications outbox, through Runtime::mail) and card refunds
// (payments, through Runtime::gateway). Wakes on every commit and at least every 500 ms.
class OutboxWorker {
 public:
  explicit OutboxWorker(Runtime& rt) : rt_(rt) {}
  ~OutboxWorker() { stop(); }
  void start();
  void stop();
  // One round; returns how many e-mails and refunds it handled.
  Result<int> run_once();

 private:
  Runtime& rt_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Loads the demo shop (locations, ~50 products / ~200 variants, opening stock) unless the
// catalog already has products. Returns true when it loaded.
Result<bool> load_demo(Runtime& rt);

int run_serve(const Config& config);
int run_migrate(const Config& config);
int run_demo(const Config& config);
int run_token_create(const Config& config, const std::string& role, const std::string& name);

}  // namespace fondaco::app
