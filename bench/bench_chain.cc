// Order-to-cash chain benchmark (not run by `make test`; see docs/BENCHMARKS.md).
//
//   bench_chain --db URL [--orders 10000] [--rate 0] [--max-seconds 600]
//
// On a fresh database: one product, stock, the seller's fiscal settings; `orders` card
// orders placed in-process (batches of 100 per transaction) and their expected payments
// made by the chain. Then the clock starts: every payment is captured (batches of 100 per
// transaction, as a burst of gateway webhooks would), and the chain — the dispatcher's
// subscribers, exactly as `fondaco serve` runs them — turns each paid order into a fiscal
// document (FatturaPA XML + PDF for business customers, receipts otherwise; here every
// second order is a business), a shipment on a pick list and a label (PDF with a Code 128,
// ZPL). E-mails are queued (no SMTP server: sending is the outbox's job, not the chain's).
// Printed: the time until every order has its document and label, and per order the
// latency from its payment's commit to its label's commit (p50, p99, max). With --rate the
// payments arrive paced (batches of 100) instead of in one burst, which is what the latency
// figure means under a sustained load.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "app.h"
#include "fondaco/workflows/place_order.h"

namespace {

using namespace fondaco;
using SteadyClock = std::chrono::steady_clock;

Result<void> seed(app::Runtime& rt, int orders) {
  const auto now = rt.clock.now_ms();
  return rt.db->write([&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(rt.inventory->create_location(
        tx, {"WH-CHAIN", "Chain warehouse", inventory::LocationKind::warehouse, std::nullopt, 0},
        now));
    catalog::ProductInput p;
    p.title = "Tazza da caffè";
    p.status = catalog::ProductStatus::active;
    catalog::VariantInput v;
    v.sku = "CH-1";
    v.gtin = "8001234567897";
    v.weight_g = 300;
    v.prices = std::vector<catalog::PriceInput>{{"default", 1250, 1}};
    p.variants.push_back(v);
    FONDACO_TRY(rt.catalog->create(tx, p, now));
    FONDACO_TRY(rt.inventory->move(
        tx, {"CH-1", static_cast<std::int64_t>(orders) * 2, "SUPPLIER", "WH-CHAIN", "receipt", "seed"},
        now));
    invoicing::FiscalSettings f;
    f.company_name = "Bottega Fondaco S.r.l.";
    f.vat_number = "01234567897";
    f.codice_fiscale = "01234567897";
    f.address = {"Via Indipendenza 1", "40121", "Bologna", "BO", "IT"};
    FONDACO_TRY(rt.invoicing->put_settings(tx, f, now));
    return ok();
  });
}

orders::OrderInput order_input(int i) {
  orders::OrderInput o;
  o.channel = "storefront";
  o.order_prefix = "WEB";
  o.customer.email = "c" + std::to_string(i) + "@example.it";
  o.customer.name = "Cliente " + std::to_string(i);
  if (i % 2 == 0)
    o.customer.company = orders::Company{"Studio " + std::to_string(i), "12345678903",
                                         std::nullopt, "M5UXCR1", std::nullopt};
  o.shipping_address = orders::Address{"Cliente", "Via Roma 1", "", "Firenze", "50123", "FI", "IT"};
  o.billing_address = o.shipping_address;
  o.lines.push_back({"CH-1", 1 + i % 2, std::nullopt, 0, std::nullopt});
  o.shipping_minor = 590;
  o.payment_method = orders::PaymentMethod::card;
  return o;
}

Result<std::int64_t> scalar(app::Runtime& rt, const std::string& sql) {
  return rt.db->read([&](storage::Tx& tx) -> Result<std::int64_t> {
    auto r = FONDACO_TRY(tx.query(sql));
    return r.empty() || r.is_null(0, 0) ? 0 : r.i64(0, 0);
  });
}

// Waits until `sql` counts `target`, or the deadline; false on timeout.
bool wait_for(app::Runtime& rt, const std::string& sql, std::int64_t target,
              SteadyClock::time_point deadline) {
  while (SteadyClock::now() < deadline) {
    auto n = scalar(rt, sql);
    if (n && *n >= target) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Order-to-cash chain benchmark"};
  std::string db_url;
  int orders = 10'000, max_seconds = 600;
  cli.add_option("--db", db_url, "sqlite:PATH or postgresql://... (a fresh database)")->required();
  cli.add_option("--orders", orders)->check(CLI::Range(1, 1'000'000));
  cli.add_option("--max-seconds", max_seconds)->check(CLI::Range(1, 3600));
  int rate = 0;
  cli.add_option("--rate", rate,
                 "Payments captured per second, paced in batches of 100 (0: all at once, a burst)")
      ->check(CLI::Range(0, 1'000'000));
  CLI11_PARSE(cli, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  auto rt_or = app::make_runtime(db_url);
  if (!rt_or) return std::fprintf(stderr, "%s\n", rt_or.error().message.c_str()), 1;
  auto& rt = **rt_or;
  const auto deadline = SteadyClock::now() + std::chrono::seconds(max_seconds);
  if (auto s = seed(rt, orders); !s) return std::fprintf(stderr, "seed: %s\n", s.error().message.c_str()), 1;
  workflows::OrderServices os{*rt.catalog, *rt.inventory, *rt.orders, rt.payments.get()};
  for (int first = 0; first < orders; first += 100) {
    auto r = rt.db->write([&](storage::Tx& tx) -> Result<void> {
      for (int i = first; i < std::min(orders, first + 100); ++i)
        FONDACO_TRY(workflows::place_order(tx, os, {order_input(i), {}, std::nullopt},
                                           rt.clock.now_ms()));
      return ok();
    });
    if (!r) return std::fprintf(stderr, "place: %s\n", r.error().message.c_str()), 1;
  }
  rt.dispatcher->start();
  if (!wait_for(rt, "SELECT COUNT(*) FROM payments", orders, deadline))
    return std::fprintf(stderr, "the chain did not expect every payment in time\n"), 1;
  while (SteadyClock::now() < deadline && rt.dispatcher->pending().value_or(1) > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::printf("placed %d card orders; capturing every payment now\n", orders);

  const auto t0 = SteadyClock::now();
  std::vector<payments::Payment> pending;
  auto all = rt.db->read([&](storage::Tx& tx) -> Result<std::vector<payments::Payment>> {
    std::vector<payments::Payment> out;
    std::int64_t after = 0;
    for (;;) {
      auto page = FONDACO_TRY(payments::Payments::list(tx, {}, after, 500));
      out.insert(out.end(), page.items.begin(), page.items.end());
      if (!page.next_after) return out;
      after = *page.next_after;
    }
  });
  if (!all) return std::fprintf(stderr, "%s\n", all.error().message.c_str()), 1;
  for (std::size_t first = 0; first < all->size(); first += 100) {
    if (rate > 0)  // batch k leaves at t0 + k·100/rate
      std::this_thread::sleep_until(t0 + std::chrono::microseconds(static_cast<std::int64_t>(
                                             first * 1'000'000 / static_cast<std::size_t>(rate))));
    auto r = rt.db->write([&](storage::Tx& tx) -> Result<void> {
      for (std::size_t i = first; i < std::min(all->size(), first + 100); ++i) {
        const auto& p = (*all)[i];
        FONDACO_TRY(rt.payments->capture(
            tx, p.id, {"pi_bench_" + std::to_string(p.id), p.amount_minor, p.currency},
            rt.clock.now_ms()));
      }
      return ok();
    });
    if (!r) return std::fprintf(stderr, "capture: %s\n", r.error().message.c_str()), 1;
  }
  const double capture_s =
      std::chrono::duration<double>(SteadyClock::now() - t0).count();
  const bool labelled = wait_for(rt, "SELECT COUNT(*) FROM shipment_labels", orders, deadline);
  const double labels_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  const bool invoiced = wait_for(rt, "SELECT COUNT(*) FROM invoice_documents", orders, deadline);
  const double docs_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  rt.dispatcher->stop();
  if (!labelled || !invoiced)
    return std::fprintf(stderr, "timed out after %d s (labelled %d, invoiced %d)\n", max_seconds,
                        labelled, invoiced), 1;

  auto latencies = rt.db->read([&](storage::Tx& tx) -> Result<std::vector<std::int64_t>> {
    auto rows = FONDACO_TRY(tx.query(
        "SELECT l.created_at - p.captured_at FROM payments p JOIN shipments s ON s.order_id = "
        "p.order_id JOIN shipment_labels l ON l.shipment_id = s.id"));
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(rows.i64(i, 0));
    return out;
  });
  if (!latencies || latencies->empty()) return std::fprintf(stderr, "no latencies\n"), 1;
  std::sort(latencies->begin(), latencies->end());
  auto pct = [&](double q) {
    return (*latencies)[std::min(latencies->size() - 1,
                                 static_cast<std::size_t>(q * static_cast<double>(latencies->size())))];
  };
  const auto xml_docs = scalar(rt, "SELECT COUNT(*) FROM invoice_documents WHERE kind = 'invoice'");
  std::printf("engine %s, %d orders: payments captured in %.2f s; every label after %.2f s, every "
              "document after %.2f s (%.0f orders/s through the chain)\n",
              std::string(storage::to_string(rt.db->engine())).c_str(), orders, capture_s,
              labels_s, docs_s, orders / std::max(labels_s, docs_s));
  std::printf("documents: %lld e-invoices (XML + PDF), %lld receipts (PDF)\n",
              static_cast<long long>(xml_docs.value_or(0)),
              static_cast<long long>(orders - xml_docs.value_or(0)));
  std::printf("payment commit -> label commit: p50 %lld ms, p99 %lld ms, max %lld ms\n",
              static_cast<long long>(pct(0.50)), static_cast<long long>(pct(0.99)),
              static_cast<long long>(latencies->back()));
  return 0;
}
