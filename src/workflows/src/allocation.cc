#include "allocation.h"

#include <algorithm>
#include <map>
#include <set>

#include "fondaco/base/limits.h"
#include "fondaco/platform/json.h"

namespace fondaco::workflows::detail {

using inventory::LocationKind;
using storage::Tx;

namespace {

struct Candidate {
  std::int64_t id = 0;
  std::string code;
};

// One reservation to make: qty of demand `line` at a location.
struct Allocation {
  std::size_t line = 0;
  Candidate location;
  std::int64_t qty = 0;
};

// available[sku][location code]
using Availability = std::map<std::string, std::map<std::string, std::int64_t>>;

Result<std::vector<Candidate>> priority(Tx& tx, inventory::Inventory& inv,
                                        const std::vector<std::string>& codes,
                                        const std::map<std::string, std::vector<inventory::LocationStock>>& stock) {
  std::vector<Candidate> out;
  if (codes.empty()) {
    std::map<std::int64_t, std::string> seen;
    for (const auto& [sku, levels] : stock)
      for (const auto& l : levels)
        if (placeable(l.kind)) seen.emplace(l.location_id, l.location);
    for (const auto& [id, code] : seen) out.push_back(Candidate{id, code});
    return out;
  }
  if (codes.size() > limits::kMaxPlacementLocations)
    return fail(ErrorCode::invalid_argument, "at most 64 locations", "locations");
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const std::string field = "locations[" + std::to_string(i) + "]";
    auto loc = inv.location(tx, codes[i]);
    if (!loc) return fail(ErrorCode::invalid_argument, "unknown location", field);
    if (!placeable(loc->kind))
      return fail(ErrorCode::invalid_argument, "must be a warehouse, store or bin", field);
    if (std::none_of(out.begin(), out.end(), [&](const Candidate& c) { return c.id == loc->id; }))
      out.push_back(Candidate{loc->id, loc->code});
  }
  return out;
}

// One location for every demand when one can serve them all; else each split in priority
// order. Appends every short line to `short_json` (a JSON array) and sets any_short.
std::vector<Allocation> allocate(const std::vector<Demand>& lines,
                                 const std::vector<Candidate>& order, Availability avail,
                                 json::Writer& short_json, bool& any_short) {
  std::map<std::string, std::int64_t> demand;
  for (const auto& l : lines) demand[l.sku] += l.qty;
  for (const auto& c : order) {
    const bool serves_all = std::all_of(demand.begin(), demand.end(), [&](const auto& d) {
      return avail[d.first][c.code] >= d.second;
    });
    if (!serves_all) continue;
    std::vector<Allocation> plan;
    for (std::size_t i = 0; i < lines.size(); ++i) plan.push_back({i, c, lines[i].qty});
    return plan;
  }
  std::vector<Allocation> plan;
  short_json.begin_array();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::int64_t remaining = lines[i].qty;
    for (const auto& c : order) {
      auto& left = avail[lines[i].sku][c.code];
      const std::int64_t take = std::min(remaining, std::max<std::int64_t>(left, 0));
      if (take == 0) continue;
      plan.push_back({i, c, take});
      left -= take;
      remaining -= take;
      if (remaining == 0) break;
    }
    if (remaining > 0) {
      any_short = true;
      short_json.begin_object().kv("line", static_cast<std::int64_t>(i));
      short_json.kv("sku", lines[i].sku).kv("requested", lines[i].qty);
      short_json.kv("available", lines[i].qty - remaining).end_object();
    }
  }
  short_json.end_array();
  return plan;
}

}  // namespace

bool placeable(LocationKind k) {
  return k == LocationKind::warehouse || k == LocationKind::store || k == LocationKind::bin;
}

namespace {
Result<catalog::Variant> sellable_variant(Tx& tx, catalog::Catalog& catalog, const std::string& sku,
                                          const std::string& path) {
  auto v = catalog.variant(tx, sku);
  if (!v) {
    if (v.error().code == ErrorCode::not_found || v.error().code == ErrorCode::invalid_argument)
      return fail(ErrorCode::invalid_argument, "unknown SKU", path + ".sku");
    return fail(v.error());
  }
  const auto product = FONDACO_TRY(catalog.summary(tx, v->product_id));
  if (product.status == catalog::ProductStatus::archived)
    return fail(ErrorCode::invalid_argument, "this SKU's product is archived", path + ".sku");
  return std::move(*v);
}
}  // namespace

Result<void> check_sellable(Tx& tx, catalog::Catalog& catalog, const std::string& sku,
                            const std::string& path) {
  FONDACO_TRY(sellable_variant(tx, catalog, sku, path));
  return ok();
}

Result<void> price_line(Tx& tx, catalog::Catalog& catalog, orders::LineInput& l,
                        const std::string& currency, const std::string& path) {
  const auto v = FONDACO_TRY(sellable_variant(tx, catalog, l.sku, path));
  if (!l.vat_rate_bp) l.vat_rate_bp = v.vat_rate_bp;
  if (l.unit_price_minor) return ok();
  const catalog::Price* best = nullptr;
  for (const auto& p : v.prices)
    if (p.price_list == "default" && p.min_qty <= l.qty && (!best || p.min_qty > best->min_qty))
      best = &p;
  if (!best)
    return fail(ErrorCode::invalid_argument, "no default price for this SKU: give one",
                path + ".unit_price_minor");
  if (best->currency != currency)
    return fail(ErrorCode::invalid_argument,
                "the default price list is in " + best->currency + ", not " + currency,
                "currency");
  l.unit_price_minor = best->amount_minor;
  return ok();
}

Result<void> lock_skus(Tx& tx, inventory::Inventory& inv, std::vector<std::string> skus) {
  std::sort(skus.begin(), skus.end());
  skus.erase(std::unique(skus.begin(), skus.end()), skus.end());
  for (const auto& sku : skus) FONDACO_TRY(inv.lock_stock(tx, sku));
  return ok();
}

Result<std::vector<inventory::Reservation>> reserve(Tx& tx, inventory::Inventory& inv,
                                                    const std::vector<Demand>& lines,
                                                    const std::vector<std::string>& codes,
                                                    std::optional<std::int64_t> ttl_ms,
                                                    std::int64_t now_ms) {
  std::set<std::string> skus;
  for (const auto& l : lines) skus.insert(l.sku);
  std::map<std::string, std::vector<inventory::LocationStock>> stock;
  Availability avail;
  // The callers have taken every SKU's balance rows already (lock_skus, before anything
  // that appends an event), so what is read here stays true until commit.
  for (const auto& sku : skus) {
    stock[sku] = FONDACO_TRY(inv.available_by_location(tx, sku));
    for (const auto& l : stock[sku]) avail[sku][l.location] = l.available;
  }
  const auto candidates = FONDACO_TRY(priority(tx, inv, codes, stock));
  json::Writer short_json;
  bool any_short = false;
  auto plan = allocate(lines, candidates, avail, short_json, any_short);
  if (any_short) {
    Error e = make_error(ErrorCode::insufficient_stock,
                         "not enough stock for every line; nothing was reserved", "lines");
    e.details_json = short_json.take();
    return fail(std::move(e));
  }
  std::sort(plan.begin(), plan.end(), [&](const Allocation& a, const Allocation& b) {
    return std::tie(lines[a.line].sku, a.location.id, a.line) <
           std::tie(lines[b.line].sku, b.location.id, b.line);
  });
  std::vector<inventory::Reservation> out;
  for (const auto& a : plan) {
    inventory::ReservationInput r{lines[a.line].sku, a.location.code, a.qty,
                                  lines[a.line].reference, ttl_ms};
    out.push_back(FONDACO_TRY(inv.reserve(tx, r, now_ms)));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Result<std::vector<inventory::Reservation>> release_active(Tx& tx, inventory::Inventory& inv,
                                                           std::vector<inventory::Reservation> held,
                                                           std::int64_t now_ms) {
  for (auto& r : held)
    if (r.status == inventory::ReservationStatus::active)
      r = FONDACO_TRY(inv.release(tx, r.id, now_ms));
  return held;
}

}  // namespace fondaco::workflows::detail
