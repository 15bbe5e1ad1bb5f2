// Stock moves per second through the inventory module directly (no HTTP), on the database
// given by --db. Each move is its own durable transaction (the honest worst case: one
// commit per move), from T threads, for a bounded count and time.
//
//   bench_stock --db sqlite:/tmp/b/bench.db --moves 20000 --threads 4
//   bench_stock --db postgresql://postgres@127.0.0.1:PORT/db --moves 20000 --threads 8
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "app.h"

int main(int argc, char** argv) {
  CLI::App cli{"Fondaco stock-move benchmark"};
  std::string db = "sqlite:/tmp/fondaco-bench/bench.db";
  int moves = 20000, threads = 4, max_seconds = 60;
  cli.add_option("--db", db, "database URL")->capture_default_str();
  cli.add_option("--moves", moves, "total moves")->check(CLI::Range(1, 10'000'000));
  cli.add_option("--threads", threads, "client threads")->check(CLI::Range(1, 64));
  cli.add_option("--max-seconds", max_seconds, "stop after this long")->check(CLI::Range(1, 3600));
  CLI11_PARSE(cli, argc, argv);

  auto rt = fondaco::app::make_runtime(db);
  if (!rt) {
    std::fprintf(stderr, "bench: %s\n", rt.error().message.c_str());
    return 1;
  }
  auto& r = **rt;
  if (auto loaded = fondaco::app::load_demo(r); !loaded) {
    std::fprintf(stderr, "bench: demo: %s\n", loaded.error().message.c_str());
    return 1;
  }
  std::atomic<int> next{0}, done{0}, failed{0};
  std::vector<std::int64_t> latencies_us(static_cast<std::size_t>(moves), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(max_seconds);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i; (i = next++) < moves && std::chrono::steady_clock::now() < deadline;) {
        // Receipts into the ten bins of the demo warehouse, over all 200 SKUs.
        const int f = i % 10, p = (i / 10) % 5, v = (i / 50) % 4;
        const std::string sku = "BF-" + std::to_string(f + 1) + std::to_string(p + 1) + "-" +
                                std::to_string(v + 1);
        const std::string bin = "WH-BO-A" + std::string(f + 1 < 10 ? "0" : "") + std::to_string(f + 1);
        const auto s = std::chrono::steady_clock::now();
        auto m = r.db->write([&](fondaco::storage::Tx& tx) {
          return r.inventory->move(tx, {sku, 1, "SUPPLIER", bin, "receipt", "bench"},
                                   r.clock.now_ms());
        });
        latencies_us[static_cast<std::size_t>(i)] =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - s)
                .count();
        (m ? done : failed)++;
      }
    });
  for (auto& t : pool) t.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<std::int64_t> lat(latencies_us.begin(), latencies_us.begin() + std::min(moves, next.load()));
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double q) { return lat.empty() ? 0 : lat[static_cast<std::size_t>(q * (lat.size() - 1))]; };
  std::printf("engine=%s threads=%d moves=%d failed=%d seconds=%.2f moves_per_second=%.0f "
              "p50_us=%lld p99_us=%lld\n",
              std::string(fondaco::storage::to_string(r.db->engine())).c_str(), threads, done.load(),
              failed.load(), secs, done.load() / secs, static_cast<long long>(pct(0.5)),
              static_cast<long long>(pct(0.99)));
  return failed.load() == 0 ? 0 : 1;
}
