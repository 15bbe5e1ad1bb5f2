// The admin dashboard's figures in one read: today's orders and revenue, the last 14 days,
// orders by status over 30 days, low-stock SKUs and open chain failures. Built from the
// modules' public reads (orders list, catalog list, inventory stock, parked failures), each
// bounded by limits::kDashboard*; beyond a bound the response says `truncated` rather than
// scanning without end. "Today" is the caller's local day (tz_offset_minutes).
#include <algorithm>
#include <charconv>
#include <map>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/orders/orders.h"
#include "router.h"

namespace fondaco::api {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr int kChartDays = 14;
constexpr int kStatusDays = 30;
constexpr int kLowStockShown = 10;
constexpr int kFailuresShown = 5;

struct Day {
  std::int64_t orders = 0;
  std::int64_t revenue_minor = 0;
};

struct Figures {
  std::int64_t today = 0;  // local day number (days since 1970-01-01 in the caller's zone)
  std::string currency = "EUR";
  std::map<std::int64_t, Day> days;  // local day → figures (revenue in `currency`)
  std::map<std::string, std::int64_t> by_status;
  struct Low {
    std::string sku, title;
    std::int64_t on_hand = 0, available = 0;
  };
  std::vector<Low> low_stock;
  std::vector<events::Failure> failures;
  std::int64_t open_failures = 0;
  bool truncated = false;
};

Result<int> tz_offset(const Ctx& c) {
  auto it = c.query.find("tz_offset_minutes");
  if (it == c.query.end()) return 0;
  int v = 0;
  const auto& s = it->second;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < -840 || v > 840)
    return fail(ErrorCode::invalid_argument, "must be minutes east of UTC, -840 to 840",
                "tz_offset_minutes");
  return v;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Orders of the last 30 local days: counts by status, per-day orders and revenue (orders
// not cancelled, in the most common currency).
Result<void> scan_orders(storage::Tx& tx, Ctx& c, std::int64_t offset_ms, Figures& f) {
  orders::Orders orders(c.s.log);
  orders::OrderFilter filter;
  filter.created_from_ms = (f.today - (kStatusDays - 1)) * kDayMs - offset_ms;
  filter.limit = limits::kMaxPageSize;
  std::vector<orders::Order> seen;
  while (true) {
    auto page = FONDACO_TRY(orders.list(tx, filter));
    for (auto& o : page.items) seen.push_back(std::move(o));
    if (!page.next_after) break;
    if (static_cast<int>(seen.size()) >= limits::kDashboardMaxOrders) {
      f.truncated = true;
      break;
    }
    filter.after_id = *page.next_after;
  }
  std::map<std::string, std::int64_t> currencies;
  for (const auto& o : seen) ++currencies[o.currency];
  if (!currencies.empty())
    f.currency = std::max_element(currencies.begin(), currencies.end(), [](auto& a, auto& b) {
                   return a.second < b.second;
                 })->first;
  for (const auto& o : seen) {
    ++f.by_status[std::string(orders::to_string(o.status))];
    const std::int64_t day = floor_div(o.created_at + offset_ms, kDayMs);
    if (day <= f.today - kChartDays) continue;
    auto& d = f.days[day];
    ++d.orders;
    if (o.status != orders::Status::cancelled && o.currency == f.currency)
      d.revenue_minor += o.totals.total_minor;
  }
  return ok();
}

// Active variants whose available quantity (all locations) is at or below the threshold,
// lowest first.
Result<void> scan_stock(storage::Tx& tx, Ctx& c, Figures& f) {
  catalog::ProductFilter filter;
  filter.status = catalog::ProductStatus::active;
  filter.limit = limits::kMaxPageSize;
  int variants = 0;
  while (true) {
    auto page = FONDACO_TRY(c.s.catalog.list(tx, filter));
    for (const auto& p : page.items) {
      for (const auto& v : p.variants) {
        if (++variants > limits::kDashboardMaxVariants) {
          f.truncated = true;
          break;
        }
        const auto level = FONDACO_TRY(c.s.inventory.stock(tx, v.sku));
        if (level.available <= limits::kDashboardLowStockQty)
          f.low_stock.push_back({v.sku, p.title, level.on_hand, level.available});
      }
    }
    if (!page.next_after || variants > limits::kDashboardMaxVariants) break;
    filter.after_id = *page.next_after;
  }
  std::stable_sort(f.low_stock.begin(), f.low_stock.end(),
                   [](const auto& a, const auto& b) { return a.available < b.available; });
  if (f.low_stock.size() > static_cast<std::size_t>(kLowStockShown))
    f.low_stock.resize(kLowStockShown);
  return ok();
}

Result<void> scan_failures(storage::Tx& tx, Figures& f) {
  std::int64_t after = 0;
  while (true) {
    auto page = FONDACO_TRY(events::Dispatcher::failures(tx, "open", after, limits::kMaxPageSize));
    f.open_failures += static_cast<std::int64_t>(page.size());
    for (auto& x : page)
      if (f.failures.size() < static_cast<std::size_t>(kFailuresShown)) f.failures.push_back(x);
    if (page.size() < static_cast<std::size_t>(limits::kMaxPageSize)) break;
    if (f.open_failures >= limits::kDashboardMaxOrders) {
      f.truncated = true;
      break;
    }
    after = page.back().id;
  }
  return ok();
}

std::string day_string(std::int64_t day) { return format_rfc3339_ms(day * kDayMs).substr(0, 10); }

Response render(const Figures& f) {
  json::Writer w;
  w.begin_object().kv("date", day_string(f.today)).kv("currency", f.currency);
  const auto today = f.days.find(f.today);
  const Day t = today == f.days.end() ? Day{} : today->second;
  w.key("today")
      .begin_object()
      .kv("orders", t.orders)
      .kv("revenue_minor", t.revenue_minor)
      .end_object();
  w.key("days").begin_array();
  for (std::int64_t d = f.today - (kChartDays - 1); d <= f.today; ++d) {
    const auto it = f.days.find(d);
    const Day x = it == f.days.end() ? Day{} : it->second;
    w.begin_object().kv("date", day_string(d)).kv("orders", x.orders);
    w.kv("revenue_minor", x.revenue_minor).end_object();
  }
  w.end_array().key("by_status").begin_array();
  for (const auto& [status, n] : f.by_status)
    w.begin_object().kv("status", status).kv("count", n).end_object();
  w.end_array().key("low_stock").begin_array();
  for (const auto& l : f.low_stock)
    w.begin_object()
        .kv("sku", l.sku)
        .kv("title", l.title)
        .kv("on_hand", l.on_hand)
        .kv("available", l.available)
        .end_object();
  w.end_array()
      .key("failures")
      .begin_object()
      .kv("open", f.open_failures)
      .key("items")
      .begin_array();
  for (const auto& x : f.failures) {
    w.begin_object().kv("id", x.id).kv("subscriber", x.subscriber).kv("event_type", x.type);
    w.kv("aggregate", x.aggregate)
        .kv("aggregate_id", x.aggregate_id)
        .kv("last_error", x.last_error);
    w.kv("updated_at", format_rfc3339_ms(x.updated_at)).end_object();
  }
  w.end_array().end_object().kv_bool("truncated", f.truncated).end_object();
  return json_response(200, w.take());
}

Result<Response> dashboard(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"tz_offset_minutes"}));
  const std::int64_t offset_ms = static_cast<std::int64_t>(FONDACO_TRY(tz_offset(c))) * 60'000;
  Figures f;
  f.today = floor_div(c.now_ms() + offset_ms, kDayMs);
  FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(scan_orders(tx, c, offset_ms, f));
    FONDACO_TRY(scan_stock(tx, c, f));
    return scan_failures(tx, f);
  }));
  return render(f);
}

}  // namespace

// Every staff role sees the dashboard (the integration role has no console).
std::vector<Route> dashboard_routes() {
  return {
      {"GET", "/api/v1/dashboard",
       roles({Role::manager, Role::marketing, Role::purchasing, Role::logistics,
              Role::customer_care, Role::accounting}),
       dashboard},
  };
}

}  // namespace fondaco::api
