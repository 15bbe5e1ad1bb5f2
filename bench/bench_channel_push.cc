// Channel push latency benchmark (not run by `make test`; see docs/BENCHMARKS.md).
//
//   bench_channel_push --db URL [--channels 5] [--rate 1000] [--seconds 10] [--skus 50]
//
// On a fresh database: one warehouse, `skus` SKUs with plenty of stock, and `channels`
// generic channels listing every SKU, each pointing at its own local HTTP server (Fondaco's
// api::make_http_server) that notes when each stock push arrives. The channel worker runs
// exactly as in `fondaco serve` (a thread per channel, woken at commit). Orders of one
// unit of a random SKU are placed in-process at `rate` per second for `seconds`. For each
// order and each channel, the latency is from the order's commit (when its transaction
// returned) to the arrival of the first push whose quantity for that SKU reflects the order
// (quantity ≤ the availability right after it). Printed: p50, p99 and max over all
// (order, channel) pairs, and how many pairs were never covered.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "app.h"
#include "fondaco/channels/credentials.h"
#include "fondaco/channels/listings.h"
#include "fondaco/platform/json.h"
#include "fondaco/workflows/place_order.h"

namespace {

using namespace fondaco;
using SteadyClock = std::chrono::steady_clock;

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

struct Receipt {
  std::int64_t quantity;
  std::int64_t at_us;
};

// One channel's endpoint: every stock level received, per SKU, in arrival order.
struct Endpoint {
  std::mutex mu;
  std::map<std::string, std::vector<Receipt>> by_sku;
  std::unique_ptr<api::HttpServer> server;

  api::Response handle(const api::Request& req) {
    const auto at = steady_us();
    if (auto doc = json::parse(req.body);
        doc && (*doc)->root().IsObject() && (*doc)->root().HasMember("levels")) {
      std::lock_guard lock(mu);
      for (const auto& l : (*doc)->root()["levels"].GetArray())
        by_sku[l["sku"].GetString()].push_back({l["quantity"].GetInt64(), at});
    }
    api::Response r;
    r.status = 200;
    r.body = "{}";
    return r;
  }
};

struct Placed {
  std::string sku;
  std::int64_t available_after;
  std::int64_t committed_us;
};

Result<void> seed(app::Runtime& rt, int skus, std::vector<std::unique_ptr<Endpoint>>& eps) {
  const auto now = rt.clock.now_ms();
  return rt.db->write([&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(rt.inventory->create_location(
        tx, {"WH-PUSH", "Warehouse", inventory::LocationKind::warehouse, std::nullopt, 0}, now));
    catalog::ProductInput p;
    p.title = "Maglietta";
    p.status = catalog::ProductStatus::active;
    for (int i = 0; i < skus; ++i) {
      catalog::VariantInput v;
      v.sku = "PUSH-" + std::to_string(i);
      v.prices = std::vector<catalog::PriceInput>{{"default", 1500, 1}};
      p.variants.push_back(v);
    }
    FONDACO_TRY(rt.catalog->create(tx, p, now));
    for (const auto& v : p.variants)
      FONDACO_TRY(rt.inventory->move(
          tx, {v.sku, 1'000'000, "SUPPLIER", "WH-PUSH", "receipt", "seed"}, now));
    channels::Channels chans(rt.log);
    for (std::size_t c = 0; c < eps.size(); ++c) {
      const std::string code = "push-" + std::to_string(c);
      const auto ch = FONDACO_TRY(
          chans.create(tx, {.code = code, .kind = channels::Kind::generic, .name = code}, now));
      FONDACO_TRY(channels::Credentials::set_setting(
          tx, ch.id, "api_base_url",
          "http://127.0.0.1:" + std::to_string(eps[c]->server->port()) + "/stock", now));
      FONDACO_TRY(
          channels::Credentials::set_secret(tx, ch.id, "signing_secret", "bench-secret", now));
      for (const auto& v : p.variants)
        FONDACO_TRY(channels::Listings::upsert(tx, ch.id, {.sku = v.sku}, now));
    }
    return ok();
  });
}

// Places one order of one unit of `sku`; returns the SKU's availability after it.
Result<std::int64_t> place(app::Runtime& rt, const std::string& sku, int n) {
  workflows::OrderServices os{*rt.catalog, *rt.inventory, *rt.orders, rt.payments.get()};
  return rt.db->write([&](storage::Tx& tx) -> Result<std::int64_t> {
    workflows::PlaceOrderInput in;
    in.order.channel = "pos";
    in.order.order_prefix = "POS";
    in.order.customer.email = "c" + std::to_string(n) + "@example.it";
    in.order.lines.push_back({sku, 1, std::nullopt, 0, std::nullopt});
    FONDACO_TRY(workflows::place_order(tx, os, in, rt.clock.now_ms()));
    return FONDACO_TRY(rt.inventory->stock(tx, sku)).available;
  });
}

double percentile(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))]) /
         1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Channel stock push latency benchmark"};
  std::string db_url;
  int n_channels = 5, rate = 1000, seconds = 10, skus = 50;
  cli.add_option("--db", db_url, "sqlite:PATH or postgresql://... (a fresh database)")->required();
  cli.add_option("--channels", n_channels)->check(CLI::Range(1, 50));
  cli.add_option("--rate", rate, "orders per second")->check(CLI::Range(1, 100'000));
  cli.add_option("--seconds", seconds)->check(CLI::Range(1, 600));
  cli.add_option("--skus", skus)->check(CLI::Range(1, 10'000));
  CLI11_PARSE(cli, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  auto rt_or = app::make_runtime(db_url);
  if (!rt_or) return std::fprintf(stderr, "%s\n", rt_or.error().message.c_str()), 1;
  auto& rt = **rt_or;
  std::vector<std::unique_ptr<Endpoint>> eps;
  for (int c = 0; c < n_channels; ++c) {
    auto ep = std::make_unique<Endpoint>();
    Endpoint* e = ep.get();
    ep->server = api::make_http_server({"127.0.0.1", 0, 4},
                                       [e](const api::Request& r) { return e->handle(r); });
    if (auto s = ep->server->start(); !s)
      return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
    eps.push_back(std::move(ep));
  }
  if (auto s = seed(rt, skus, eps); !s)
    return std::fprintf(stderr, "seed: %s\n", s.error().message.c_str()), 1;
  rt.start_channel_sync();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the initial state reaches everyone
  // Paced placement from 4 threads, each with its share of the rate.
  const int placers = 4;
  const int total = rate * seconds;
  std::vector<std::vector<Placed>> placed(placers);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  const auto start = SteadyClock::now();
  for (int t = 0; t < placers; ++t)
    threads.emplace_back([&, t] {
      std::mt19937 gen(static_cast<unsigned>(t + 1));
      for (int i = t; i < total; i += placers) {
        std::this_thread::sleep_until(start + std::chrono::microseconds(1'000'000LL * i / rate));
        const std::string sku = "PUSH-" + std::to_string(gen() % static_cast<unsigned>(skus));
        auto avail = place(rt, sku, i);
        if (!avail) {
          ++failures;
          continue;
        }
        placed[t].push_back({sku, *avail, steady_us()});
      }
    });
  for (auto& th : threads) th.join();
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // the last pushes land
  rt.stop_channel_sync();
  std::vector<std::int64_t> latencies;
  std::size_t uncovered = 0, n_orders = 0;
  for (auto& ep : eps) {
    std::lock_guard lock(ep->mu);
    for (const auto& per : placed)
      for (const auto& o : per) {
        const auto& rs = ep->by_sku[o.sku];
        auto it = std::find_if(rs.begin(), rs.end(),
                               [&](const Receipt& r) { return r.quantity <= o.available_after; });
        if (it == rs.end()) {
          ++uncovered;
          continue;
        }
        latencies.push_back(std::max<std::int64_t>(it->at_us - o.committed_us, 0));
      }
  }
  for (const auto& per : placed) n_orders += per.size();
  std::printf(
      "bench_channel_push: %zu orders in %.1f s (%.0f/s, %d failed), %d channels, %d SKUs\n",
      n_orders, elapsed, static_cast<double>(n_orders) / elapsed, failures.load(), n_channels,
      skus);
  std::printf(
      "commit → push received, per (order, channel): p50 %.1f ms  p99 %.1f ms  max %.1f ms"
      "  (%zu pairs, %zu never covered)\n",
      percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0),
      latencies.size(), uncovered);
  for (auto& ep : eps) ep->server->stop();
  return uncovered == 0 ? 0 : 2;
}
