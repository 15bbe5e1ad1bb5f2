#include "fondaco/workflows/place_order.h"

#include <algorithm>
#include <map>
#include <set>

#include "fondaco/base/limits.h"
#include "fondaco/platform/json.h"

namespace fondaco::workflows {

using inventory::LocationKind;
using storage::Tx;

namespace {

struct Candidate {
  std::int64_t id = 0;
  std::string code;
};

// One reservation to make: qty of line `line` at a location.
struct Allocation {
  std::size_t line = 0;
  Candidate location;
  std::int64_t qty = 0;
};

// available[sku][location code]
using Availability = std::map<std::string, std::map<std::string, std::int64_t>>;

bool placeable(LocationKind k) {
  return k == LocationKind::warehouse || k == LocationKind::store || k == LocationKind::bin;
}

// Checks SKUs, fills missing prices (default price list, best quantity tier) and VAT rates.
Result<orders::OrderInput> priced(Tx& tx, catalog::Catalog& catalog, orders::OrderInput in) {
  for (std::size_t i = 0; i < in.lines.size(); ++i) {
    auto& l = in.lines[i];
    const std::string path = "lines[" + std::to_string(i) + "]";
    auto v = catalog.variant(tx, l.sku);
    if (!v) {
      if (v.error().code == ErrorCode::not_found || v.error().code == ErrorCode::invalid_argument)
        return fail(ErrorCode::invalid_argument, "unknown SKU", path + ".sku");
      return fail(v.error());
    }
    const auto product = FONDACO_TRY(catalog.summary(tx, v->product_id));
    if (product.status == catalog::ProductStatus::archived)
      return fail(ErrorCode::invalid_argument, "this SKU's product is archived", path + ".sku");
    if (!l.vat_rate_bp) l.vat_rate_bp = v->vat_rate_bp;
    if (l.unit_price_minor) continue;
    const catalog::Price* best = nullptr;
    for (const auto& p : v->prices)
      if (p.price_list == "default" && p.min_qty <= l.qty && (!best || p.min_qty > best->min_qty))
        best = &p;
    if (!best)
      return fail(ErrorCode::invalid_argument, "no default price for this SKU: give one",
                  path + ".unit_price_minor");
    if (best->currency != in.currency)
      return fail(ErrorCode::invalid_argument,
                  "the default price list is in " + best->currency + ", not " + in.currency,
                  "currency");
    l.unit_price_minor = best->amount_minor;
  }
  return in;
}

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

// One location for the whole order when one can serve it; else each line split in priority
// order. Appends every short line to `short_json` (a JSON array) and returns an empty plan.
std::vector<Allocation> allocate(const std::vector<orders::LineInput>& lines,
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

Result<std::vector<inventory::Reservation>> reserve_all(Tx& tx, const OrderServices& s,
                                                        const orders::Order& order,
                                                        const std::vector<std::string>& codes,
                                                        std::int64_t now_ms) {
  std::vector<orders::LineInput> lines;
  for (const auto& l : order.lines)
    lines.push_back({l.sku, l.qty, l.unit_price_minor, l.discount_minor, l.vat_rate_bp});
  std::set<std::string> skus;
  for (const auto& l : lines) skus.insert(l.sku);
  std::map<std::string, std::vector<inventory::LocationStock>> stock;
  Availability avail;
  for (const auto& sku : skus) {  // ascending: row locks in one global order
    FONDACO_TRY(s.inventory.lock_stock(tx, sku));
    stock[sku] = FONDACO_TRY(s.inventory.available_by_location(tx, sku));
    for (const auto& l : stock[sku]) avail[sku][l.location] = l.available;
  }
  const auto candidates = FONDACO_TRY(priority(tx, s.inventory, codes, stock));
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
                                  reservation_reference(order.id, static_cast<int>(a.line + 1)),
                                  std::nullopt};
    out.push_back(FONDACO_TRY(s.inventory.reserve(tx, r, now_ms)));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Result<std::vector<inventory::Reservation>> reservations_of(Tx& tx, const OrderServices& s,
                                                            const orders::Order& o) {
  std::vector<std::string> refs;
  for (const auto& l : o.lines) refs.push_back(reservation_reference(o.id, l.line_no));
  return s.inventory.reservations_for(tx, refs);
}

}  // namespace

std::string reservation_reference(std::int64_t order_id, int line_no) {
  return "order:" + std::to_string(order_id) + ":line:" + std::to_string(line_no);
}

Result<PlacedOrder> order_with_reservations(Tx& tx, const OrderServices& s, std::int64_t order_id) {
  PlacedOrder out;
  out.order = FONDACO_TRY(s.orders.get(tx, order_id));
  out.reservations = FONDACO_TRY(reservations_of(tx, s, out.order));
  out.created = false;
  return out;
}

Result<PlacedOrder> place_order(Tx& tx, const OrderServices& s, const PlaceOrderInput& in,
                                std::int64_t now_ms) {
  if (in.order.external_ref) {
    auto existing =
        FONDACO_TRY(s.orders.find_by_external_ref(tx, in.order.channel, *in.order.external_ref));
    if (existing) return order_with_reservations(tx, s, existing->id);
  }
  if (in.order.lines.size() > limits::kMaxOrderLines)
    return fail(ErrorCode::invalid_argument, "at most 500 lines per order", "lines");
  const orders::OrderInput order = FONDACO_TRY(priced(tx, s.catalog, in.order));
  // Every stock writer takes the SKUs' balance rows before the event counter row (which
  // orders.create takes when it appends order.created): same order everywhere, no deadlock.
  std::set<std::string> skus;
  for (const auto& l : order.lines) skus.insert(l.sku);
  for (const auto& sku : skus) FONDACO_TRY(s.inventory.lock_stock(tx, sku));
  auto created = FONDACO_TRY(s.orders.create(tx, order, now_ms));
  if (!created.created) return order_with_reservations(tx, s, created.order.id);
  PlacedOrder out;
  out.reservations = FONDACO_TRY(reserve_all(tx, s, created.order, in.locations, now_ms));
  out.order = std::move(created.order);
  return out;
}

Result<PlacedOrder> cancel_order(Tx& tx, const OrderServices& s, std::int64_t order_id,
                                 std::string_view note, std::int64_t now_ms) {
  PlacedOrder out;
  // Balance rows first, then the event counter (see place_order).
  const orders::Order before = FONDACO_TRY(s.orders.get(tx, order_id));
  std::set<std::string> skus;
  for (const auto& l : before.lines) skus.insert(l.sku);
  for (const auto& sku : skus) FONDACO_TRY(s.inventory.lock_stock(tx, sku));
  out.order = FONDACO_TRY(s.orders.transition(tx, order_id, orders::Status::cancelled, note, now_ms));
  auto held = FONDACO_TRY(reservations_of(tx, s, out.order));
  for (auto& r : held) {
    if (r.status == inventory::ReservationStatus::active)
      r = FONDACO_TRY(s.inventory.release(tx, r.id, now_ms));
    out.reservations.push_back(std::move(r));
  }
  out.created = false;
  return out;
}

}  // namespace fondaco::workflows
