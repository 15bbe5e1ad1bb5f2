// The warehouse side of the chain: shipments for a paid order, labels, and the order
// following its parcels (shipped, delivered).
#include <map>
#include <set>

#include "allocation.h"
#include "fondaco/workflows/place_order.h"
#include "o2c_common.h"

namespace fondaco::workflows {
namespace {

using orders::Status;

std::vector<std::string> line_references(const orders::Order& o) {
  std::vector<std::string> refs;
  for (const auto& l : o.lines) refs.push_back(reservation_reference(o.id, l.line_no));
  return refs;
}

fulfillment::Address ship_to(const orders::Order& o) {
  const orders::Address& a = o.shipping_address ? *o.shipping_address : *o.billing_address;
  fulfillment::Address out;
  out.name = a.name.empty() ? o.customer.name : a.name;
  out.line1 = a.line1;
  if (!a.line2.empty()) out.line2 = a.line2;
  out.city = a.city;
  out.postal_code = a.postal_code;
  if (!a.province.empty()) out.province = a.province;
  out.country = a.country;
  out.phone = o.customer.phone;
  out.email = o.customer.email;
  return out;
}

// Where a hold's stock leaves from: a bin ships from its warehouse (the bin guides the
// picker), anything else from itself.
struct Source {
  std::string location;
  std::optional<std::string> bin;
  std::int64_t pick_seq = 0;
};

Result<Source> source_of(const Chain& c, storage::Tx& tx, const std::string& code) {
  const auto loc = FONDACO_TRY(c.inventory.location(tx, code));
  if (loc.kind == inventory::LocationKind::bin && loc.parent)
    return Source{*loc.parent, loc.code, loc.pick_order};
  return Source{loc.code, std::nullopt, loc.pick_order};
}

Result<fulfillment::LineInput> shipment_line(const Chain& c, storage::Tx& tx,
                                             const inventory::Reservation& r, const Source& src) {
  fulfillment::LineInput l;
  l.sku = r.sku;
  l.qty = r.qty;
  l.bin = src.bin;
  l.pick_seq = src.pick_seq;
  l.description = r.sku;
  if (auto v = c.catalog.variant(tx, r.sku)) {
    l.gtin = v->gtin;
    l.weight_g = v->weight_g.value_or(0);
    if (auto p = c.catalog.summary(tx, v->product_id)) {
      l.description = p->title;
      for (const auto& [name, value] : v->options) l.description += " · " + value;
    }
  }
  return l;
}

// Creates the order's shipments (one per location holding its stock), puts each on its
// location's open pick list and moves the order to fulfilling, in one transaction.
Result<void> create_shipments(const Chain& c, storage::Tx& tx, const orders::Order& o) {
  const auto refs = line_references(o);
  const auto holds = FONDACO_TRY(c.inventory.reservations_for(tx, refs));
  std::map<std::string, fulfillment::ShipmentInput> by_location;
  for (const auto& r : holds) {
    if (r.status != inventory::ReservationStatus::active) continue;
    const Source src = FONDACO_TRY(source_of(c, tx, r.location));
    auto [it, fresh] = by_location.try_emplace(src.location);
    auto& in = it->second;
    if (fresh) {
      in.source_key = "order:" + std::to_string(o.id) + ":loc:" + src.location;
      in.order_id = o.id;
      in.order_number = o.number;
      in.location = src.location;
      in.ship_to = ship_to(o);
    }
    in.lines.push_back(FONDACO_TRY(shipment_line(c, tx, r, src)));
  }
  if (by_location.empty())
    return fail(ErrorCode::conflict, "order " + o.number + " holds no stock to ship", "order");
  const auto now = c.clock.now_ms();
  bool first = true;
  for (auto& [code, in] : by_location) {
    // Cash on delivery is collected once, by the first parcel.
    if (o.payment_method == orders::PaymentMethod::cod && first) {
      in.cod_amount_minor = o.totals.total_minor;
      in.cod_currency = o.currency;
    }
    first = false;
    const auto s = FONDACO_TRY(c.fulfillment.create_shipment(tx, in, now));
    FONDACO_TRY(c.fulfillment.add_to_pick_list(tx, s.id, c.options.pick_list_size, now));
  }
  FONDACO_TRY(c.orders.transition(tx, o.id, Status::fulfilling, "shipments created", now));
  return ok();
}

// An order became paid (or a COD order confirmed): ship it.
Result<void> on_status_changed(const Chain& c, storage::Tx& tx, const events::Event& e) {
  const auto to = o2c::payload_string(e, "to").value_or("");
  if (to != "paid" && to != "confirmed") return ok();
  const std::int64_t id = o2c::aggregate_id(e);
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(c.orders.lock(tx, id));
    const orders::Order o = FONDACO_TRY(c.orders.get(tx, id));
    const bool cod = o.payment_method == orders::PaymentMethod::cod;
    // Current state decides: a replayed event finds the order fulfilling already.
    if (o.status == Status::paid || (o.status == Status::confirmed && cod))
      return create_shipments(c, tx, o);
    return ok();
  });
}

// A parcel left: its holds are committed (reserved → customer) and the order follows.
Result<void> on_shipped(const Chain& c, storage::Tx& tx, const events::Event& e) {
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    const auto s = FONDACO_TRY(fulfillment::Fulfillment::get(tx, o2c::aggregate_id(e)));
    if (!s.order_id) return ok();
    FONDACO_TRY(c.orders.lock(tx, *s.order_id));
    const orders::Order o = FONDACO_TRY(c.orders.get(tx, *s.order_id));
    std::vector<std::string> skus;
    for (const auto& l : s.lines) skus.push_back(l.sku);
    FONDACO_TRY(detail::lock_skus(tx, c.inventory, skus));
    const auto holds = FONDACO_TRY(c.inventory.reservations_for(tx, line_references(o)));
    const auto now = c.clock.now_ms();
    bool left = false;
    for (const auto& r : holds) {
      if (r.status != inventory::ReservationStatus::active) continue;
      const Source src = FONDACO_TRY(source_of(c, tx, r.location));
      const bool in_parcel =
          src.location == s.location &&
          std::any_of(s.lines.begin(), s.lines.end(), [&](const auto& l) { return l.sku == r.sku; });
      if (!in_parcel) {
        left = true;
        continue;
      }
      FONDACO_TRY(c.inventory.commit(tx, r.id, now));
    }
    const Status to = left ? Status::partially_shipped : Status::shipped;
    if (o.status != to && orders::can_transition(o.status, to))
      FONDACO_TRY(c.orders.transition(tx, o.id, to, "parcel " + s.tracking_number.value_or("") +
                                                        " shipped", now));
    return ok();
  });
}

// A parcel arrived: the order is delivered once all of its parcels are.
Result<void> on_delivered(const Chain& c, storage::Tx& tx, const events::Event& e) {
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    const auto s = FONDACO_TRY(fulfillment::Fulfillment::get(tx, o2c::aggregate_id(e)));
    if (!s.order_id) return ok();
    FONDACO_TRY(c.orders.lock(tx, *s.order_id));
    const orders::Order o = FONDACO_TRY(c.orders.get(tx, *s.order_id));
    if (o.status != Status::shipped) return ok();
    fulfillment::ShipmentFilter f;
    f.order_id = o.id;
    const auto all = FONDACO_TRY(fulfillment::Fulfillment::list(tx, f, 0, 100));
    for (const auto& other : all.items)
      if (other.status != fulfillment::Status::delivered &&
          other.status != fulfillment::Status::cancelled)
        return ok();
    FONDACO_TRY(c.orders.transition(tx, o.id, Status::delivered, "every parcel delivered",
                                    c.clock.now_ms()));
    return ok();
  });
}

}  // namespace

Result<void> fulfilment_step(const Chain& c, storage::Tx& tx, const events::Event& e) {
  if (e.type == "order.status_changed") return on_status_changed(c, tx, e);
  if (e.type == "shipment.shipped") return on_shipped(c, tx, e);
  if (e.type == "shipment.delivered") return on_delivered(c, tx, e);
  return ok();
}

Result<void> labels_step(const Chain& c, storage::Tx& tx, const events::Event& e) {
  if (e.type != "shipment.created") return ok();
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(c.fulfillment.label(tx, o2c::aggregate_id(e), c.clock.now_ms()));
    return ok();
  });
}

}  // namespace fondaco::workflows
