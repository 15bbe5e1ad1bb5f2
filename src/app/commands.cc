#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "app.h"
#include "fondaco/api/static_files.h"
#include "fondaco/base/limits.h"
#include "fondaco/platform/metrics.h"
#include "fondaco/storefront/storefront.h"

namespace fondaco::app {
namespace {

int report(const Error& e) {
  std::cerr << "fondaco: " << e.message << (e.field.empty() ? "" : " (" + e.field + ")") << "\n";
  return 1;
}

Result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return fail(ErrorCode::invalid_argument, "--listen must be HOST:PORT", "listen");
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
    return fail(ErrorCode::invalid_argument, "--listen port must be 0-65535", "listen");
  return std::pair{listen.substr(0, colon), static_cast<std::uint16_t>(std::stoi(port))};
}

// Where `serve --demo` keeps the demo admin token so every start can print it again.
std::filesystem::path admin_token_file(const std::string& db_url) {
  if (!db_url.starts_with("sqlite:")) return {};
  return std::filesystem::path(db_url.substr(db_url.starts_with("sqlite://") ? 9 : 7))
             .parent_path() /
         "admin-token";
}

Result<std::string> demo_admin_token(Runtime& rt, const std::string& db_url, bool fresh) {
  const auto file = admin_token_file(db_url);
  if (!fresh && !file.empty() && std::filesystem::exists(file)) {
    std::ifstream in(file);
    std::string token;
    std::getline(in, token);
    if (!token.empty()) return token;
  }
  auto created = FONDACO_TRY(rt.db->write([&](storage::Tx& tx) {
    return rt.tokens->create(tx, "demo admin", governance::Role::admin, rt.random,
                             rt.clock.now_ms());
  }));
  if (!file.empty()) {
    // Created owner-only from the first byte (never briefly world-readable).
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return fail(ErrorCode::unavailable, "cannot write " + file.string(), "db");
    const std::string line = created.secret + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    if (!written) return fail(ErrorCode::unavailable, "cannot write " + file.string(), "db");
  }
  return created.secret;
}

// Releases expired holds (cart TTLs) once a second; forgets old Idempotency-Keys.
class Housekeeper {
 public:
  explicit Housekeeper(Runtime& rt) : rt_(rt), thread_([this] { loop(); }) {}
  ~Housekeeper() {
    stop_ = true;
    thread_.join();
  }

 private:
  void loop() {
    while (!stop_) {
      auto n = rt_.db->write(
          [&](storage::Tx& tx) { return rt_.inventory->expire(tx, rt_.clock.now_ms(), 500); });
      if (!n)
        spdlog::warn("expiring reservations: {}", n.error().message);
      else if (*n > 0)
        spdlog::info("expired {} reservations", *n);
      if (++rounds % 60 == 1) {  // once a minute is plenty for a 25-hour retention
        auto pruned = api::prune_idempotency_keys(
            *rt_.db, rt_.clock.now_ms() - limits::kIdempotencyRetentionMs);
        if (!pruned) spdlog::warn("pruning idempotency keys: {}", pruned.error().message);
      }
      for (int i = 0; i < 10 && !stop_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  Runtime& rt_;
  int rounds = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

void register_gauges(Runtime& rt, api::HttpServer& server) {
  metrics::global().gauge("fondaco_http_open_connections", "Open HTTP connections",
                          [&server] { return static_cast<double>(server.open_connections()); });
  metrics::global().gauge("fondaco_events_pending",
                          "Committed events not yet delivered to the slowest subscriber", [&rt] {
                            auto p = rt.dispatcher->pending();
                            return p ? static_cast<double>(*p) : -1.0;
                          });
  metrics::global().gauge("fondaco_group_commit_transactions",
                          "Write transactions committed (or failed) by the group-commit writer",
                          [&rt] { return static_cast<double>(rt.writes->stats().transactions); });
  metrics::global().gauge("fondaco_group_commit_units",
                          "Write units (API requests) the group-commit writer has run",
                          [&rt] { return static_cast<double>(rt.writes->stats().units); });
  metrics::global().gauge("fondaco_events_last_seq", "Sequence number of the last event", [&rt] {
    auto s = rt.db->read([](storage::Tx& tx) { return events::EventLog::last_seq(tx); });
    return s ? static_cast<double>(*s) : -1.0;
  });
}

}  // namespace

int run_serve(const Config& config) {
  auto listen = parse_listen(config.listen);
  if (!listen) return report(listen.error());
  auto rt = make_runtime(config.db_url, config.smtp);
  if (!rt) return report(rt.error());
  (*rt)->services->cart_ttl_seconds = config.cart_ttl_seconds;
  std::string token;
  std::optional<std::string> demo_password;  // shown only when the demo user is created
  if (config.demo) {
    auto loaded = load_demo(**rt);
    if (!loaded) return report(loaded.error());
    auto t = demo_admin_token(**rt, config.db_url, *loaded);
    if (!t) return report(t.error());
    token = *t;
    auto login = create_demo_user(**rt);  // the console's demo login (users_cmd.cc)
    if (!login) return report(login.error());
    demo_password = *login;
  }
  // Block the signals before any thread starts so only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Handlers run on the I/O threads and wait for the database: a write waits for its
  // group commit, so the threads blocked in writes bound how many requests one durable
  // commit can carry. Idle threads cost a stack and nothing else, so there are many.
  int threads = config.threads;
  if (threads == 0)
    threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency())) * 32;
  // ---- serve web (the handler may be wrapped to serve the console and storefront) ----
  // The console's files: --web-dir, else FONDACO_WEB_DIR, else the build's web/admin/dist.
  std::string web_dir = config.web_dir;
  if (const char* env = std::getenv("FONDACO_WEB_DIR"); web_dir.empty() && env && *env)
    web_dir = env;
  if (web_dir.empty()) web_dir = FONDACO_DEFAULT_WEB_DIR;
  if (!std::filesystem::exists(std::filesystem::path(web_dir) / "index.html"))
    spdlog::warn("no admin console at {} (build it with npm run build in web/)", web_dir);
  api::Handler handler =
      api::make_web_handler({web_dir, "/admin"}, api::make_api_handler(*(*rt)->services));
  // ---- end serve web ----
  // ---- serve storefront ----
  // The shop answers every other path ("/" included) in front of the console and the API.
  storefront::StorefrontOptions shop_options;
  shop_options.card_test_mode = config.demo;  // test cards only in the demo shop
  shop_options.base_url = config.shop_url;
  // The shop's script, built beside the console (web/shop/shop.ts); without it the shop
  // works as plain forms.
  if (std::ifstream js(std::filesystem::path(web_dir) / "shop" / "shop.js"); js)
    shop_options.script.assign(std::istreambuf_iterator<char>(js), {});
  else
    spdlog::warn("no shop script at {}/shop/shop.js: the shop runs without it", web_dir);
  handler = storefront::make_storefront_handler(*(*rt)->services, shop_options, std::move(handler));
  // ---- end serve storefront ----
  auto server = api::make_http_server({listen->first, listen->second, threads}, handler);
  if (auto s = server->start(); !s) return report(s.error());
  (*rt)->services->open_connections = [&] { return server->open_connections(); };
  register_gauges(**rt, *server);
  (*rt)->dispatcher->start();
  Housekeeper housekeeper(**rt);
  OutboxWorker outbox(**rt);
  outbox.start();
  // ---- serve channels-sync ----
  (*rt)->services->channel_sync_wake = [r = rt->get()](std::int64_t id) {
    r->wake_channel_sync(id);
  };
  (*rt)->start_channel_sync();
  // ---- end serve channels-sync ----
  // ---- serve webhooks ----
  Runtime::WebhookWorker webhook_worker(**rt, (*rt)->clock);
  webhook_worker.start();
  // ---- end serve webhooks ----
  if (!(*rt)->mail) spdlog::warn("no SMTP server configured (--smtp-url): e-mails stay queued");
  spdlog::info("fondaco {} serving on http://{}:{} ({} database)", FONDACO_VERSION, listen->first,
               server->port(), storage::to_string((*rt)->db->engine()));
  if (!token.empty()) {
    std::cout << "Demo shop ready. Admin token:\n  " << token
              << "\nTry:\n  curl -H 'Authorization: Bearer " << token << "' http://"
              << listen->first << ":" << server->port() << "/api/v1/products?limit=2\n"
              << "Shop: http://" << listen->first << ":" << server->port() << "/\n"
              << std::flush;
    std::cout << "Console login: " << kDemoUserEmail << " / "
              << (demo_password ? *demo_password : "(password shown when it was created)")
              << "\n  http://" << listen->first << ":" << server->port() << "/admin/\n"
              << std::flush;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("signal {} received: finishing in-flight requests", sig);
  server->stop();
  (*rt)->dispatcher->stop();
  outbox.stop();
  (*rt)->stop_channel_sync();
  webhook_worker.stop();
  spdlog::info("stopped");
  return 0;
}

int run_migrate(const Config& config) {
  platform::SystemClock clock;
  auto db = open_and_migrate(config.db_url, clock);
  if (!db) return report(db.error());
  std::cout << "database is up to date\n";
  return 0;
}

int run_demo(const Config& config) {
  auto rt = make_runtime(config.db_url);
  if (!rt) return report(rt.error());
  auto loaded = load_demo(**rt);
  if (!loaded) return report(loaded.error());
  std::cout << (*loaded ? "demo shop loaded\n" : "catalog not empty: demo not loaded\n");
  return 0;
}

int run_token_create(const Config& config, const std::string& role_name, const std::string& name) {
  const auto role = governance::parse_role(role_name);
  if (!role)
    return report(make_error(ErrorCode::invalid_argument, "unknown role " + role_name, "role"));
  auto rt = make_runtime(config.db_url);
  if (!rt) return report(rt.error());
  auto created = (*rt)->db->write([&](storage::Tx& tx) {
    return (*rt)->tokens->create(tx, name, *role, (*rt)->random, (*rt)->clock.now_ms());
  });
  if (!created) return report(created.error());
  std::cout << created->secret << "\n";
  return 0;
}

}  // namespace fondaco::app
