// Order benchmark helper (not run by `make test`; see docs/BENCHMARKS.md and bench/run.sh).
//
//   bench_orders seed --db URL [--skus 10000]
//       Migrates the database and creates the benchmark catalog: SKUs BN-00001.. (10 per
//       product, default price 12.50 EUR, VAT 22 %) with 1,000,000 units each in warehouse
//       WH-BENCH. The HTTP load itself is driven by wrk with bench/orders.lua.
//   bench_orders raw --db URL [--orders 20000] [--batch 100] [--threads 1]
//       The same 3-line orders placed in-process, no HTTP: workflows::place_order over the
//       same modules, `batch` orders per durable transaction (1 = one commit each),
//       through storage::GroupCommit when --group is given instead. The machine's limit for
//       this order shape, to compare the HTTP figures against.
//
// Every run is bounded by --orders and --max-seconds.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "app.h"
#include "fondaco/workflows/place_order.h"

namespace {

using namespace fondaco;
using Clock = std::chrono::steady_clock;

std::string sku_name(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "BN-%05d", n);
  return buf;
}

int seed(app::Runtime& rt, int skus) {
  const auto now = rt.clock.now_ms();
  auto created = rt.db->write([&](storage::Tx& tx) -> Result<bool> {
    auto existing = FONDACO_TRY(tx.query("SELECT COUNT(*) FROM variants WHERE sku LIKE 'BN-%'"));
    if (existing.i64(0, 0) > 0) return false;
    FONDACO_TRY(rt.inventory->create_location(
        tx, {"WH-BENCH", "Benchmark warehouse", inventory::LocationKind::warehouse, std::nullopt, 0},
        now));
    return true;
  });
  if (!created) {
    std::fprintf(stderr, "seed: %s\n", created.error().message.c_str());
    return 1;
  }
  if (!*created) {
    std::printf("seed: catalog already there\n");
    return 0;
  }
  constexpr int kPerProduct = 10, kProductsPerTx = 50;
  for (int first = 1; first <= skus; first += kPerProduct * kProductsPerTx) {
    auto r = rt.db->write([&](storage::Tx& tx) -> Result<void> {
      for (int p = 0; p < kProductsPerTx; ++p) {
        const int base = first + p * kPerProduct;
        if (base > skus) break;
        catalog::ProductInput in;
        in.title = "Bench product " + std::to_string(base / kPerProduct + 1);
        in.status = catalog::ProductStatus::active;
        for (int v = 0; v < kPerProduct && base + v <= skus; ++v) {
          catalog::VariantInput var;
          var.sku = sku_name(base + v);
          var.options = {{"size", std::to_string(v)}};
          var.prices = std::vector<catalog::PriceInput>{{"default", 1250, 1}};
          in.variants.push_back(std::move(var));
        }
        FONDACO_TRY(rt.catalog->create(tx, in, now));
        for (int v = 0; v < kPerProduct && base + v <= skus; ++v)
          FONDACO_TRY(rt.inventory->move(
              tx, {sku_name(base + v), 1'000'000, "SUPPLIER", "WH-BENCH", "receipt", "bench"}, now));
      }
      return ok();
    });
    if (!r) {
      std::fprintf(stderr, "seed: %s\n", r.error().message.c_str());
      return 1;
    }
  }
  std::printf("seed: %d SKUs with 1,000,000 units each in WH-BENCH\n", skus);
  return 0;
}

workflows::PlaceOrderInput random_order(std::mt19937_64& rng, int skus, std::uint64_t n) {
  workflows::PlaceOrderInput in;
  in.order.channel = "storefront";
  in.order.customer.email = "raw" + std::to_string(n) + "@example.com";
  std::uniform_int_distribution<int> pick(1, skus);
  std::vector<int> chosen;
  while (chosen.size() < 3) {
    const int s = pick(rng);
    if (std::find(chosen.begin(), chosen.end(), s) == chosen.end()) chosen.push_back(s);
  }
  for (int s : chosen) {
    orders::LineInput l;
    l.sku = sku_name(s);
    l.qty = 1;
    in.order.lines.push_back(std::move(l));
  }
  return in;
}

double pct(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))]) / 1000.0;
}

int raw(app::Runtime& rt, int skus, int total, int batch, int threads, bool group, int max_seconds) {
  orders::Orders orders(rt.log);
  workflows::OrderServices services{*rt.catalog, *rt.inventory, orders};
  std::unique_ptr<storage::GroupCommit> gc;
  if (group) gc = std::make_unique<storage::GroupCommit>(*rt.db);
  std::atomic<int> next{0}, placed{0}, failed{0};
  std::mutex lat_mu;
  std::vector<std::int64_t> latencies_us;
  const auto deadline = Clock::now() + std::chrono::seconds(max_seconds);
  const auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(t) * 7919 + 1);
      std::vector<std::int64_t> mine;
      for (;;) {
        const int first = next.fetch_add(batch);
        if (first >= total || Clock::now() >= deadline) break;
        const int count = std::min(batch, total - first);
        std::vector<workflows::PlaceOrderInput> inputs;
        for (int i = 0; i < count; ++i)
          inputs.push_back(random_order(rng, skus, static_cast<std::uint64_t>(first + i)));
        const auto s = Clock::now();
        auto body = [&](storage::Tx& tx) -> Result<void> {
          for (const auto& in : inputs)
            FONDACO_TRY(workflows::place_order(tx, services, in, rt.clock.now_ms()));
          return ok();
        };
        auto r = gc ? gc->write(body) : rt.db->write(body);
        mine.push_back(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - s).count());
        (r ? placed : failed) += count;
        if (!r) std::fprintf(stderr, "raw: %s\n", r.error().message.c_str());
      }
      std::lock_guard lock(lat_mu);
      latencies_us.insert(latencies_us.end(), mine.begin(), mine.end());
    });
  for (auto& th : pool) th.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("raw place_order: %d orders (3 lines) in %.2f s = %.0f orders/s; %d per transaction, "
              "%d thread(s)%s; failed %d; transaction p50 %.2f ms, p99 %.2f ms\n",
              placed.load(), secs, placed.load() / secs, batch, threads,
              group ? " through GroupCommit" : "", failed.load(), pct(latencies_us, 0.50),
              pct(latencies_us, 0.99));
  return failed.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Fondaco order benchmark helper"};
  cli.require_subcommand(1);
  std::string db = "sqlite:/tmp/fondaco-bench/orders.db";
  int skus = 10000, total = 20000, batch = 100, threads = 1, max_seconds = 120;
  bool group = false;
  auto* seed_cmd = cli.add_subcommand("seed", "create the benchmark catalog and stock");
  seed_cmd->add_option("--db", db, "database URL")->capture_default_str();
  seed_cmd->add_option("--skus", skus, "SKUs")->check(CLI::Range(10, 1'000'000));
  auto* raw_cmd = cli.add_subcommand("raw", "place orders in-process, batched");
  raw_cmd->add_option("--db", db, "database URL")->capture_default_str();
  raw_cmd->add_option("--skus", skus, "SKUs seeded")->check(CLI::Range(10, 1'000'000));
  raw_cmd->add_option("--orders", total, "orders")->check(CLI::Range(1, 10'000'000));
  raw_cmd->add_option("--batch", batch, "orders per transaction")->check(CLI::Range(1, 10'000));
  raw_cmd->add_option("--threads", threads, "threads")->check(CLI::Range(1, 512));
  raw_cmd->add_flag("--group", group, "submit each batch through storage::GroupCommit");
  raw_cmd->add_option("--max-seconds", max_seconds, "stop after this long")->check(CLI::Range(1, 3600));
  CLI11_PARSE(cli, argc, argv);

  auto rt = app::make_runtime(db);
  if (!rt) {
    std::fprintf(stderr, "bench_orders: %s\n", rt.error().message.c_str());
    return 1;
  }
  if (*seed_cmd) return seed(**rt, skus);
  return raw(**rt, skus, total, batch, threads, group, max_seconds);
}
