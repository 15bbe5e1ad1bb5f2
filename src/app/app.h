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
#include "fondaco/generic/client.h"
#include "fondaco/http/client.h"
#include "fondaco/invoicing/invoicing.h"
#include "fondaco/notifications/notifications.h"
#include "fondaco/orders/orders.h"
#include "fondaco/payments/payments.h"
#include "fondaco/platform/system.h"
#include "fondaco/returns/returns.h"
#include "fondaco/shopify/client.h"
#include "fondaco/woocommerce/client.h"
#include "fondaco/webhooks/webhooks.h"
#include "fondaco/workflows/channel_sync.h"
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
  std::string web_dir;  // serve: the built console (empty: FONDACO_WEB_DIR, else the build's)
  // serve: the shop's public origin ("https://shop.example") for canonical URLs, the sitemap
  // and e-mailed sign-in links; empty: taken from the Host header, and sign-in links are
  // only sent when that host is this machine (a forged Host must not receive a token).
  std::string shop_url;
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
  // ---- runtime channels-sync ----
  // Stock, listings and fulfilments out to the channels (src/workflows/channel_sync.h): the
  // connectors' clients over one HTTP client, the subscriber's modules, and the worker with
  // one thread per pushing channel (channel_worker.cc). Built by init_channel_sync.
  std::unique_ptr<http::Client> channel_http;
  std::unique_ptr<channels::ChannelClient> shopify_client;
  std::unique_ptr<channels::ChannelClient> woocommerce_client;
  std::unique_ptr<channels::ChannelClient> generic_client;
  std::unique_ptr<workflows::ChannelSync> channel_sync;
  std::shared_ptr<class ChannelWorker> channel_worker;
  void start_channel_sync();  // the worker is stopped by stop_channel_sync or destruction
  void stop_channel_sync();
  void wake_channel_sync(std::int64_t channel_id);
  // ---- end runtime channels-sync ----
  // ---- runtime webhooks ----
  // Outbound webhooks (src/modules/webhooks): endpoints and deliveries, and the libcurl
  // sender the worker posts them through (webhook_worker.cc).
  std::unique_ptr<webhooks::Webhooks> webhooks;
  std::unique_ptr<webhooks::Sender> webhook_sender;
  static std::unique_ptr<webhooks::Sender> make_webhook_sender();
  // Sends due webhook deliveries off the request and event paths, so a slow receiver delays
  // only itself. Wakes on every commit and at least every 500 ms; forgets delivery logs
  // older than limits::kWebhookLogRetentionMs once an hour. Tests call run_once with their
  // own clock.
  class WebhookWorker {
   public:
    WebhookWorker(Runtime& rt, const Clock& clock) : rt_(rt), clock_(clock) {}
    ~WebhookWorker() { stop(); }
    void start();
    void stop();
    // One round; returns how many deliveries it handled (sent, retried or given up).
    Result<int> run_once();

   private:
    Runtime& rt_;
    const Clock& clock_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::int64_t last_prune_ms_ = 0;
  };
  // ---- end runtime webhooks ----
};
// Builds the channel-sync members of rt and registers its subscriber (make_runtime calls it).
Result<void> init_channel_sync(Runtime& rt);

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
// ---- commands users ----
struct UserCreateOptions {
  std::string email;
  std::string role;
  std::string name;
  std::string locale = "it";
  bool password_stdin = false;  // read one line from stdin instead of prompting
};
// `fondaco user create`: the password comes from stdin (--password-stdin) or, on a
// terminal, from a prompt without echo. Prints the new user's id and e-mail; 1 and a
// one-line reason on failure.
int run_user_create(const Config& config, const UserCreateOptions& options);
// The demo's console login (admin@demo.fondaco.test) with a random password, created when
// no user has that e-mail. Returns the password when it created the user (it is shown
// only then), nullopt when the user already existed.
Result<std::optional<std::string>> create_demo_user(Runtime& rt);
inline constexpr std::string_view kDemoUserEmail = "admin@demo.fondaco.test";
// ---- end commands users ----
// ---- commands imports ----
struct ImportProductsOptions {
  std::string file;
  std::string format;  // "shopify" or "woocommerce"
  std::string price_list = "default";
  std::string compare_at_price_list;  // empty: compare-at prices are not stored
};
// `fondaco import products FILE --format F`: streams FILE (never read whole), draws a
// progress bar when stderr is a terminal, prints the report as JSON on stdout. Exit 0 when
// every product was applied, 2 when rows were refused, 1 when the import could not run or
// the file is broken past some line (what came before it is applied).
int run_import_products(const Config& config, const ImportProductsOptions& options);
// `fondaco export products --format F`: the whole catalog as CSV on stdout, page by page.
int run_export_products(const Config& config, const ImportProductsOptions& options);
// ---- end commands imports ----
int run_token_create(const Config& config, const std::string& role, const std::string& name);

}  // namespace fondaco::app
