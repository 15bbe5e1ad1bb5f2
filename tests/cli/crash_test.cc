// Crash safety of the order write path, against the real binary on both engines.
//
// `fondaco serve` runs on a fresh database; client threads place orders (each with its own
// Idempotency-Key) as fast as they can; the server is killed with SIGKILL in the middle of
// that load, then started again on the same database. Then:
//   - every order that was answered 201 exists and reads back byte for byte as it was
//     acknowledged (number, lines, totals, active reservations), and its key replays that
//     very response;
//   - a request cut off by the kill is retried with its key: it is either replayed (it had
//     committed) or placed now, never twice: the orders are exactly the acknowledged ones
//     plus those retries;
//   - per SKU and location the balances equal the ledger replayed (GET .../ledger), and
//     reserved equals the sum of the active reservations of all orders;
//   - after a clean stop, the database itself passes testing::LedgerCheck.
// The binary is FONDACO_BINARY (the build's, set by CMake); servers listen on 127.0.0.1 on
// a port picked here; every wait is bounded.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "fondaco/platform/system.h"
#include "fondaco/testing/ledger_check.h"
#include "fondaco/testing/smtp_sink.h"
#include "fondaco/testing/testing.h"

namespace fondaco {
namespace {

using testing::json_at;
using namespace std::chrono_literals;

const std::vector<std::string> kSkus = {"CR-1", "CR-2", "CR-3", "CR-4"};

std::string binary() {
  const char* env = std::getenv("FONDACO_BINARY");
  return env && *env ? env : FONDACO_BINARY;
}

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  if (fd >= 0) ::close(fd);
  return port;
}

// Starts the binary with these arguments, stdout and stderr to files, without the caller's
// FONDACO_* environment.
pid_t spawn(const std::vector<std::string>& args, const std::string& out, const std::string& err) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  for (auto name : {"FONDACO_DB", "FONDACO_LISTEN", "FONDACO_LOG_LEVEL", "FONDACO_THREADS"})
    ::unsetenv(name);
  const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (o < 0 || e < 0) ::_exit(126);
  ::dup2(o, 1);
  ::dup2(e, 2);
  std::vector<char*> argv;
  const std::string bin = binary();
  argv.push_back(const_cast<char*>(bin.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(bin.c_str(), argv.data());
  ::_exit(127);
}

// Waits (bounded) for pid to exit; its exit status, or -1 (then it was killed).
int wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(20ms);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Acked {
  std::string key, body;  // the request
  std::string response;   // the 201's body
};

class CrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    dir_ = std::filesystem::temp_directory_path() /
           ("fondaco_crash_" + std::to_string(::getpid()) + "_" + GetParam());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Runs a short CLI command to completion (bounded); its exit status, stdout in `out`.
  int run_cli(const std::vector<std::string>& args, std::string& out) {
    const auto o = (dir_ / "cli.out").string(), e = (dir_ / "cli.err").string();
    const pid_t pid = spawn(args, o, e);
    const int rc = wait_exit(pid, 60s);
    out = slurp(o);
    if (rc != 0) ADD_FAILURE() << "fondaco " << args[0] << " exited " << rc << ": " << slurp(e);
    return rc;
  }

  // Starts `fondaco serve` on a free port and waits (bounded) until /healthz answers.
  void start_server() {
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_port();
      ASSERT_NE(port_, 0);
      const auto err = (dir_ / ("serve" + std::to_string(++serves_) + ".err")).string();
      std::vector<std::string> args{"serve", "--db", tdb_->url(), "--listen",
                                    "127.0.0.1:" + std::to_string(port_), "--threads", "4",
                                    "--log-level", "warn"};
      args.insert(args.end(), extra_args_.begin(), extra_args_.end());
      pid_ = spawn(args, (dir_ / "serve.out").string(), err);
      const auto deadline = std::chrono::steady_clock::now() + 20s;
      bool reaped = false;
      while (std::chrono::steady_clock::now() < deadline) {
        testing::HttpClient probe(port_);
        if (probe.request("GET", "/healthz").status == 200) return;
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {  // died: maybe the port was taken
          reaped = true;
          break;
        }
        std::this_thread::sleep_for(50ms);
      }
      if (!reaped) {  // running but never healthy
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
      }
      pid_ = -1;
      const std::string why = slurp(err);
      if (why.find("in use") == std::string::npos && why.find("bind") == std::string::npos)
        FAIL() << "fondaco serve did not become healthy: " << why;
    }
    FAIL() << "no free port after 5 attempts";
  }

  testing::HttpResult call(const std::string& method, const std::string& target,
                           const std::string& body = {}, std::string key = {}) {
    std::vector<std::pair<std::string, std::string>> h{{"Authorization", "Bearer " + token_}};
    if (!key.empty()) h.emplace_back("Idempotency-Key", std::move(key));
    return client().request(method, target, body, std::move(h));
  }
  testing::HttpClient& client() {
    if (!client_ || client_port_ != port_) {
      client_ = std::make_unique<testing::HttpClient>(port_);
      client_port_ = port_;
    }
    return *client_;
  }

  void setup_shop();
  void load_and_kill();
  void verify_after_restart();

  std::unique_ptr<testing::TestDb> tdb_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int serves_ = 0;
  std::string token_;
  std::vector<std::string> extra_args_;  // more `serve` arguments
  std::unique_ptr<testing::HttpClient> client_;
  std::uint16_t client_port_ = 0;

  std::vector<Acked> acked_;
  std::vector<Acked> cut_off_;  // sent, no answer: the kill came first
  int refused_ = 0;
};

void CrashTest::setup_shop() {
  ASSERT_EQ(
      call("POST", "/api/v1/locations", R"({"code":"WH","name":"Main","kind":"warehouse"})").status,
      201);
  ASSERT_EQ(
      call("POST", "/api/v1/locations", R"({"code":"WH2","name":"Second","kind":"warehouse"})")
          .status,
      201);
  std::string variants;
  for (const auto& s : kSkus)
    variants += (variants.empty() ? "" : ",") + std::string(R"({"sku":")") + s +
                R"(","prices":[{"amount_minor":1000}]})";
  auto p = call("POST", "/api/v1/products",
                R"({"title":"Crash","status":"active","variants":[)" + variants + "]}");
  ASSERT_EQ(p.status, 201) << p.body;
  // CR-4 is scarce, so part of the load is refused with insufficient_stock.
  for (const auto& [sku, wh, qty] :
       std::vector<std::tuple<std::string, std::string, int>>{{"CR-1", "WH", 100000},
                                                              {"CR-2", "WH", 50000},
                                                              {"CR-2", "WH2", 50000},
                                                              {"CR-3", "WH2", 100000},
                                                              {"CR-4", "WH", 15},
                                                              {"CR-4", "WH2", 10}}) {
    auto r = call("POST", "/api/v1/stock/moves",
                  R"({"sku":")" + sku + R"(","qty":)" + std::to_string(qty) +
                      R"(,"from":"SUPPLIER","to":")" + wh + R"(","reason":"receipt"})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
}

std::string order_body(int client, int i) {
  std::string lines;
  const int n = 1 + (client + i) % 2;
  for (int l = 0; l < n; ++l)
    lines += std::string(l ? "," : "") + R"({"sku":")" +
             kSkus[static_cast<std::size_t>((i + l * 3 + client) % 4)] + R"(","qty":)" +
             std::to_string(1 + (i + l) % 3) + "}";
  return R"({"customer":{"email":"crash@example.it"},"lines":[)" + lines + "]}";
}

// Eight clients place orders until the server dies; it is killed after ~1 s of load.
void CrashTest::load_and_kill() {
  constexpr int kClients = 8;
  constexpr int kMaxPerClient = 3000;  // a bound, far above what ~1 s allows
  std::mutex mu;
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t)
    threads.emplace_back([&, t] {
      testing::HttpClient c(port_);
      for (int i = 0; i < kMaxPerClient && !stop; ++i) {
        Acked a{"crash-" + std::to_string(t) + "-" + std::to_string(i), order_body(t, i), {}};
        auto r = c.request("POST", "/api/v1/orders", a.body,
                           {{"Authorization", "Bearer " + token_}, {"Idempotency-Key", a.key}});
        std::lock_guard lock(mu);
        if (r.status == 201) {
          a.response = std::move(r.body);
          acked_.push_back(std::move(a));
          ++acked;
        } else if (r.status == 409 && json_at(r.body, "code") == "insufficient_stock") {
          ++refused_;
        } else if (r.status == 0) {  // connection gone: the server was killed
          cut_off_.push_back(std::move(a));
          return;
        } else {
          ADD_FAILURE() << "unexpected " << r.status << " " << r.body.substr(0, 300);
          return;
        }
      }
    });
  const auto start = std::chrono::steady_clock::now();
  while ((acked < 50 || std::chrono::steady_clock::now() - start < 1000ms) &&
         std::chrono::steady_clock::now() - start < 15s)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(::kill(pid_, SIGKILL), 0);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  stop = true;
  for (auto& th : threads) th.join();
  std::printf("[ crash ] %s: killed after %d acknowledged orders, %d refused, %zu cut off\n",
              GetParam().c_str(), acked.load(), refused_, cut_off_.size());
}

void CrashTest::verify_after_restart() {
  std::set<std::string> ids;                 // every order that must exist
  std::map<std::string, std::int64_t> held;  // "sku@location" → active reserved qty
  for (const auto& a : acked_) {
    SCOPED_TRACE(a.key);
    const std::string id = json_at(a.response, "id");
    ids.insert(id);
    auto got = call("GET", "/api/v1/orders/" + id);
    ASSERT_EQ(got.status, 200) << "acknowledged order " << id << " is gone";
    // Nothing touched it since: it reads back exactly as acknowledged, reservations too.
    EXPECT_EQ(got.body, a.response);
    EXPECT_EQ(json_at(got.body, "reservations[0].status"), "active");
    // Its key still replays the response the client got.
    auto replay = call("POST", "/api/v1/orders", a.body, a.key);
    EXPECT_EQ(replay.status, 201);
    EXPECT_EQ(replay.body, a.response);
  }
  for (const auto& a : cut_off_) {
    SCOPED_TRACE(a.key);
    auto retry = call("POST", "/api/v1/orders", a.body, a.key);
    if (retry.status == 409) {
      EXPECT_EQ(json_at(retry.body, "code"), "insufficient_stock") << retry.body;
      continue;
    }
    ASSERT_EQ(retry.status, 201) << retry.body;
    ids.insert(json_at(retry.body, "id"));
  }
  // The orders are exactly those: none lost, none doubled by a retry.
  std::set<std::string> listed;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    auto r = call("GET", "/api/v1/orders?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    auto doc = json::parse(r.body);
    ASSERT_TRUE(doc.has_value());
    const auto& items = (*doc)->root()["items"];
    for (rapidjson::SizeType i = 0; i < items.Size(); ++i)
      listed.insert(std::to_string(items[i]["id"].GetInt64()));
    cursor = json_at(r.body, "next_cursor");
    if (cursor == "null" || cursor == "<missing>" || cursor.empty()) break;
  }
  EXPECT_EQ(listed, ids);
  for (const auto& id : listed) {
    auto got = call("GET", "/api/v1/orders/" + id);
    auto doc = json::parse(got.body);
    ASSERT_TRUE(doc.has_value());
    const auto& rs = (*doc)->root()["reservations"];
    for (rapidjson::SizeType i = 0; i < rs.Size(); ++i)
      if (std::string(rs[i]["status"].GetString()) == "active")
        held[std::string(rs[i]["sku"].GetString()) + "@" + rs[i]["location"].GetString()] +=
            rs[i]["qty"].GetInt64();
  }
  // Balances = ledger, reserved = active reservations, at every location of every SKU.
  for (const auto& sku : kSkus) {
    SCOPED_TRACE(sku);
    std::map<std::string, std::int64_t> from_ledger;
    std::string after;
    for (int page = 0; page < 100; ++page) {
      auto r = call("GET", "/api/v1/stock/" + sku + "/ledger?limit=500" +
                               (after.empty() ? "" : "&cursor=" + after));
      ASSERT_EQ(r.status, 200) << r.body;
      auto doc = json::parse(r.body);
      ASSERT_TRUE(doc.has_value());
      const auto& items = (*doc)->root()["items"];
      for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
        from_ledger[items[i]["from"].GetString()] -= items[i]["qty"].GetInt64();
        from_ledger[items[i]["to"].GetString()] += items[i]["qty"].GetInt64();
      }
      after = json_at(r.body, "next_cursor");
      if (after == "null" || after == "<missing>" || after.empty()) break;
    }
    auto stock = call("GET", "/api/v1/stock/" + sku);
    ASSERT_EQ(stock.status, 200);
    auto doc = json::parse(stock.body);
    ASSERT_TRUE(doc.has_value());
    const auto& locs = (*doc)->root()["locations"];
    ASSERT_GT(locs.Size(), 0u);
    for (rapidjson::SizeType i = 0; i < locs.Size(); ++i) {
      const std::string loc = locs[i]["location"].GetString();
      const auto on_hand = locs[i]["on_hand"].GetInt64(), reserved = locs[i]["reserved"].GetInt64();
      EXPECT_EQ(on_hand, from_ledger[loc]) << loc;
      EXPECT_EQ(reserved, held[sku + "@" + loc]) << loc;
      EXPECT_GE(reserved, 0) << loc;
      EXPECT_GE(on_hand, reserved) << loc;
    }
    EXPECT_EQ(from_ledger["SUPPLIER"] + from_ledger["WH"] + from_ledger["WH2"], 0);
  }
}

TEST_P(CrashTest, AcknowledgedOrdersSurviveSigkillUnderLoad) {
  std::string out;
  ASSERT_EQ(run_cli({"migrate", "--db", tdb_->url()}, out), 0);
  ASSERT_EQ(run_cli({"token", "create", "--role", "admin", "--db", tdb_->url()}, out), 0);
  token_ = out.substr(0, out.find('\n'));
  ASSERT_EQ(token_.rfind("fdc_", 0), 0u) << out;

  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_NO_FATAL_FAILURE(setup_shop());
  ASSERT_NO_FATAL_FAILURE(load_and_kill());
  ASSERT_GE(acked_.size(), 50u) << "the load never got going";

  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_NO_FATAL_FAILURE(verify_after_restart());

  // A clean stop, then the database itself.
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  EXPECT_EQ(wait_exit(pid_, 15s), 0);
  pid_ = -1;
  auto db = tdb_->open();
  ASSERT_NE(db, nullptr);
  auto violations = testing::ledger_violations(*db);
  ASSERT_TRUE(violations.has_value()) << violations.error().message;
  EXPECT_TRUE(violations->empty()) << violations->front();
}

// The order-to-cash chain under SIGKILL: card orders are paid by signed gateway webhooks
// and the server is killed while the chain is still working on them. After a restart the
// chain completes exactly once per order: one fiscal document (numbers gap-free), one
// shipment with its label on a pick list, one confirmation e-mail queued and at most one
// delivered to the SMTP server.
TEST_P(CrashTest, TheChainCompletesExactlyOnceAfterSigkill) {
  constexpr int kOrders = 30;
  testing::SmtpSink sink;
  extra_args_ = {"--smtp-url", sink.url(), "--smtp-from", "shop@bottega.example"};
  std::string out;
  ASSERT_EQ(run_cli({"migrate", "--db", tdb_->url()}, out), 0);
  ASSERT_EQ(run_cli({"token", "create", "--role", "admin", "--db", tdb_->url()}, out), 0);
  token_ = out.substr(0, out.find('\n'));
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_NO_FATAL_FAILURE(setup_shop());
  const std::string secret = "whsec_crash";
  ASSERT_EQ(call("PUT", "/api/v1/payments/settings",
                 R"({"stripe_webhook_secret":")" + secret + R"("})").status, 200);
  auto fiscal = call("PUT", "/api/v1/settings/fiscal",
                     R"({"company_name":"Bottega","vat_number":"01234567897","address":)"
                     R"({"street":"Via Indipendenza 1","postcode":"40121","city":"Bologna",)"
                     R"("province":"BO"}})");
  ASSERT_EQ(fiscal.status, 200) << fiscal.body;
  std::vector<std::pair<std::int64_t, std::int64_t>> orders;  // id, total
  for (int i = 0; i < kOrders; ++i) {
    auto r = call("POST", "/api/v1/orders",
                  R"({"customer":{"email":"c)" + std::to_string(i) +
                      R"(@example.it","name":"Cliente"},"payment_method":"card",)"
                      R"("shipping_address":{"name":"Cliente","line1":"Via Roma 1",)"
                      R"("city":"Firenze","postal_code":"50123","country":"IT"},)"
                      R"("lines":[{"sku":"CR-1","qty":1}]})",
                  "chain-" + std::to_string(i));
    ASSERT_EQ(r.status, 201) << r.body;
    orders.emplace_back(std::stoll(json_at(r.body, "id")),
                        std::stoll(json_at(r.body, "totals.total_minor")));
  }
  // Every payment is acknowledged (the webhook's 2xx), then the kill lands mid-chain.
  for (const auto& [id, total] : orders) {
    const std::string body =
        R"({"id":"evt_)" + std::to_string(id) + R"(","type":"payment_intent.succeeded",)"
        R"("data":{"object":{"id":"pi_)" + std::to_string(id) +
        R"(","object":"payment_intent","status":"succeeded","amount_received":)" +
        std::to_string(total) + R"(,"currency":"eur","metadata":{"order_id":")" +
        std::to_string(id) + R"("}}}})";
    const std::string t = std::to_string(::time(nullptr));
    const std::string sig = hex_encode(platform::hmac_sha256(secret, t + "." + body));
    auto r = client().request("POST", "/api/v1/payments/webhooks/stripe", body,
                              {{"Content-Type", "application/json"},
                               {"Stripe-Signature", "t=" + t + ",v1=" + sig}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  ASSERT_EQ(::kill(pid_, SIGKILL), 0);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;

  ASSERT_NO_FATAL_FAILURE(start_server());
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  auto count = [&](const std::string& target) {
    auto r = call("GET", target);
    int n = 0;
    while (json_at(r.body, "items[" + std::to_string(n) + "].id") != "<missing>") ++n;
    return n;
  };
  while (std::chrono::steady_clock::now() < deadline &&
         (count("/api/v1/invoices?limit=500") < kOrders ||
          count("/api/v1/shipments?limit=500") < kOrders ||
          count("/api/v1/emails?kind=order_confirmed&limit=500") < kOrders ||
          count("/api/v1/emails?kind=order_confirmed&status=queued&limit=500") > 0))
    std::this_thread::sleep_for(200ms);
  for (const auto& [id, total] : orders) {
    const std::string oid = std::to_string(id);
    EXPECT_EQ(count("/api/v1/invoices?order_id=" + oid), 1) << "order " << oid;
    auto ship = call("GET", "/api/v1/shipments?order_id=" + oid);
    EXPECT_EQ(count("/api/v1/shipments?order_id=" + oid), 1) << ship.body;
    EXPECT_EQ(json_at(ship.body, "items[0].has_label"), "true") << ship.body;
    EXPECT_NE(json_at(ship.body, "items[0].pick_list_id"), "null") << ship.body;
    EXPECT_EQ(json_at(call("GET", "/api/v1/orders/" + oid).body, "status"), "fulfilling")
        << call("GET", "/api/v1/automations/failures").body << "\n"
        << slurp((dir_ / ("serve" + std::to_string(serves_) + ".err")).string());
  }
  // Receipts numbered 1..kOrders without a gap or a repeat.
  std::set<std::string> numbers;
  auto docs = call("GET", "/api/v1/invoices?limit=500");
  for (int i = 0; i < kOrders; ++i)
    numbers.insert(json_at(docs.body, "items[" + std::to_string(i) + "].number"));
  EXPECT_EQ(numbers.size(), static_cast<std::size_t>(kOrders));
  EXPECT_EQ(count("/api/v1/emails?kind=order_confirmed&limit=500"), kOrders);
  EXPECT_EQ(count("/api/v1/emails?status=failed&limit=500"), 0);
  // Each customer's confirmation reached the server at most once. Delivery is at least
  // once: a send the kill cut off stays `sending` until its lease runs out (minutes), then
  // goes again — so within this test every e-mail is sent, or left `sending` by the kill.
  std::map<std::string, int> per_customer;
  for (const auto& m : sink.messages()) ++per_customer[m.rcpt_to.empty() ? "" : m.rcpt_to[0]];
  for (const auto& [to, n] : per_customer) EXPECT_EQ(n, 1) << to;
  const int sent = count("/api/v1/emails?kind=order_confirmed&status=sent&limit=500");
  const int sending = count("/api/v1/emails?kind=order_confirmed&status=sending&limit=500");
  EXPECT_EQ(sent + sending, kOrders);
  EXPECT_LE(sending, 1);  // only a send in flight at the kill
  EXPECT_GE(per_customer.size(), static_cast<std::size_t>(sent));
  EXPECT_EQ(count("/api/v1/automations/failures"), 0) << call("GET", "/api/v1/automations/failures").body;
}

INSTANTIATE_TEST_SUITE_P(Engines, CrashTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco
