#include "fondaco/inventory/inventory.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"

namespace fondaco::inventory {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {
constexpr std::array<std::string_view, 8> kKindNames = {
    "warehouse", "store", "bin", "supplier", "customer", "adjustment", "transit", "returns"};
constexpr std::array<std::string_view, 10> kReasons = {
    "receipt", "adjustment", "transfer", "cycle_count", "sale",      "return",
    "damage",  "production", "consumption", "correction"};
constexpr std::string_view kLocationColumns =
    "l.id, l.code, l.name, l.kind, p.code, l.pick_order, l.created_at";

Location location_from(const Rows& r, std::size_t i) {
  return Location{r.i64(i, 0), r.text(i, 1), r.text(i, 2),
                  parse_kind(r.text(i, 3)).value_or(LocationKind::warehouse), r.opt_text(i, 4),
                  r.i64(i, 5), r.i64(i, 6)};
}

Reservation reservation_from(const Rows& r, std::size_t i) {
  static constexpr std::array<ReservationStatus, 4> kStatuses = {
      ReservationStatus::active, ReservationStatus::committed, ReservationStatus::released,
      ReservationStatus::expired};
  Reservation out{r.i64(i, 0), r.text(i, 1), r.text(i, 2), r.i64(i, 3), r.text(i, 4),
                  ReservationStatus::active, r.opt_i64(i, 6), r.i64(i, 7), r.i64(i, 8)};
  for (auto s : kStatuses)
    if (to_string(s) == r.text(i, 5)) out.status = s;
  return out;
}

Result<void> check_sku(std::string_view sku, const std::string& field) {
  if (!is_valid_code(sku, limits::kMaxSkuChars))
    return fail(ErrorCode::invalid_argument,
                "must be 1-64 characters of letters, digits and . _ - /", field);
  return ok();
}

Result<void> check_qty(std::int64_t qty, const std::string& field) {
  if (qty <= 0 || qty > limits::kMaxQuantity)
    return fail(ErrorCode::invalid_argument, "must be between 1 and 1000000", field);
  return ok();
}

Error insufficient(const std::string& sku, const std::string& location, std::int64_t requested,
                   std::int64_t available, const std::string& field) {
  Error e = make_error(ErrorCode::insufficient_stock,
                       "not enough stock of " + sku + " at " + location + ": requested " +
                           std::to_string(requested) + ", available " + std::to_string(available),
                       field);
  json::Writer w;
  w.begin_array().begin_object().kv("sku", sku).kv("location", location);
  w.kv("requested", requested).kv("available", available).end_object().end_array();
  e.details_json = w.take();
  return e;
}
}  // namespace

std::string_view to_string(LocationKind k) { return kKindNames[static_cast<std::size_t>(k)]; }

std::optional<LocationKind> parse_kind(std::string_view s) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == s) return static_cast<LocationKind>(i);
  return std::nullopt;
}

bool is_bounded(LocationKind k) {
  return k != LocationKind::supplier && k != LocationKind::customer &&
         k != LocationKind::adjustment;
}

bool is_valid_reason(std::string_view reason) {
  return std::find(kReasons.begin(), kReasons.end(), reason) != kReasons.end();
}

std::string_view to_string(ReservationStatus s) {
  switch (s) {
    case ReservationStatus::active: return "active";
    case ReservationStatus::committed: return "committed";
    case ReservationStatus::released: return "released";
    case ReservationStatus::expired: return "expired";
  }
  return "active";
}

Result<Location> Inventory::create_location(Tx& tx, const LocationInput& in, std::int64_t now_ms) {
  if (!is_valid_code(in.code, limits::kMaxCodeChars))
    return fail(ErrorCode::invalid_argument, "must be 1-64 letters, digits or . _ - /", "code");
  if (in.name.empty() || utf8_length(in.name) > limits::kMaxShortTextChars || !is_valid_utf8(in.name))
    return fail(ErrorCode::invalid_argument, "must be 1-255 characters", "name");
  if (in.pick_order < 0 || in.pick_order > 1'000'000'000)
    return fail(ErrorCode::invalid_argument, "must be between 0 and 1000000000", "pick_order");
  std::optional<std::int64_t> parent_id;
  if (in.kind == LocationKind::bin) {
    if (!in.parent) return fail(ErrorCode::invalid_argument, "a bin needs its warehouse", "parent");
    Location parent = FONDACO_TRY(location_for(tx, *in.parent, "parent"));
    if (parent.kind != LocationKind::warehouse)
      return fail(ErrorCode::invalid_argument, "must be a warehouse", "parent");
    parent_id = parent.id;
  } else if (in.parent) {
    return fail(ErrorCode::invalid_argument, "only bins have a parent location", "parent");
  }
  auto taken = FONDACO_TRY(tx.query("SELECT 1 FROM locations WHERE code = ?", {in.code}));
  if (!taken.empty()) return fail(ErrorCode::conflict, "location code already exists", "code");
  FONDACO_TRY(tx.exec(
      "INSERT INTO locations (code, name, kind, parent_id, pick_order, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {in.code, in.name, std::string(to_string(in.kind)), storage::opt_value(parent_id),
       in.pick_order, now_ms}));
  Location loc = FONDACO_TRY(location(tx, in.code));
  json::Writer w;
  w.begin_object().kv("code", loc.code).kv("kind", to_string(loc.kind)).kv("parent", loc.parent);
  w.end_object();
  FONDACO_TRY(log_.append(tx, "location.created", "location", loc.code, w.take(), now_ms));
  return loc;
}

Result<Location> Inventory::location(Tx& tx, std::string_view code) {
  return location_for(tx, code, "code");
}

Result<Location> Inventory::location_for(Tx& tx, std::string_view code, const std::string& field) {
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(kLocationColumns) +
                                       " FROM locations l LEFT JOIN locations p ON p.id = "
                                       "l.parent_id WHERE l.code = ?",
                                   {std::string(code)}));
  if (rows.empty()) return fail(ErrorCode::invalid_argument, "unknown location", field);
  return location_from(rows, 0);
}

Result<Page<Location>> Inventory::locations(Tx& tx, std::int64_t after_id, int limit) {
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(kLocationColumns) +
                                       " FROM locations l LEFT JOIN locations p ON p.id = "
                                       "l.parent_id WHERE l.id > ? ORDER BY l.id LIMIT ?",
                                   {after_id, std::int64_t{limit + 1}}));
  Page<Location> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(location_from(rows, i));
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<void> Inventory::debit(Tx& tx, const std::string& sku, const Location& loc,
                              std::int64_t qty, const std::string& field) {
  if (!is_bounded(loc.kind)) return credit(tx, sku, loc, -qty);
  // Conditional update: the check and the write are one statement, so concurrent debits
  // cannot both pass (no check-then-act race on either engine).
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE stock_balances SET on_hand = on_hand - ? "
      "WHERE sku = ? AND location_id = ? AND on_hand - reserved >= ?",
      {qty, sku, loc.id, qty}));
  if (changed == 1) return ok();
  auto rows = FONDACO_TRY(tx.query(
      "SELECT on_hand - reserved FROM stock_balances WHERE sku = ? AND location_id = ?",
      {sku, loc.id}));
  return fail(insufficient(sku, loc.code, qty, rows.empty() ? 0 : rows.i64(0, 0), field));
}

Result<void> Inventory::credit(Tx& tx, const std::string& sku, const Location& loc,
                               std::int64_t qty) {
  FONDACO_TRY(tx.exec(
      "INSERT INTO stock_balances (sku, location_id, bounded, on_hand, reserved) "
      "VALUES (?, ?, ?, ?, 0) ON CONFLICT (sku, location_id) DO UPDATE SET "
      "on_hand = stock_balances.on_hand + excluded.on_hand",
      {sku, loc.id, std::int64_t{is_bounded(loc.kind) ? 1 : 0}, qty}));
  return ok();
}

Result<std::int64_t> Inventory::insert_move(Tx& tx, const std::string& sku, std::int64_t qty,
                                            const Location& from, const Location& to,
                                            const std::string& reason,
                                            const std::string& reference,
                                            std::optional<std::int64_t> reservation_id,
                                            std::int64_t now_ms) {
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO stock_moves (sku, qty, from_location_id, to_location_id, reason, reference, "
      "reservation_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {sku, qty, from.id, to.id, reason, reference, storage::opt_value(reservation_id), now_ms}));
  return rows.i64(0, 0);
}

Result<Move> Inventory::move(Tx& tx, const MoveInput& in, std::int64_t now_ms) {
  FONDACO_TRY(check_sku(in.sku, "sku"));
  FONDACO_TRY(check_qty(in.qty, "qty"));
  if (!is_valid_reason(in.reason))
    return fail(ErrorCode::invalid_argument,
                "must be one of receipt, adjustment, transfer, cycle_count, sale, return, damage, "
                "production, consumption, correction",
                "reason");
  if (utf8_length(in.reference) > limits::kMaxShortTextChars || !is_valid_utf8(in.reference))
    return fail(ErrorCode::invalid_argument, "must be at most 255 characters", "reference");
  const Location from = FONDACO_TRY(location_for(tx, in.from, "from"));
  const Location to = FONDACO_TRY(location_for(tx, in.to, "to"));
  if (from.id == to.id)
    return fail(ErrorCode::invalid_argument, "must differ from the source location", "to");
  if (!is_bounded(from.kind) && !is_bounded(to.kind))
    return fail(ErrorCode::invalid_argument,
                "a move needs at least one internal location (warehouse, store, bin, returns, "
                "transit)",
                "to");
  FONDACO_TRY(debit(tx, in.sku, from, in.qty, "qty"));
  FONDACO_TRY(credit(tx, in.sku, to, in.qty));
  const auto id = FONDACO_TRY(
      insert_move(tx, in.sku, in.qty, from, to, in.reason, in.reference, std::nullopt, now_ms));
  FONDACO_TRY(emit_stock_changed(tx, in.sku, now_ms));
  return Move{id, in.sku, in.qty, from.code, to.code, in.reason, in.reference, std::nullopt, now_ms};
}

Result<std::optional<Move>> Inventory::count(Tx& tx, std::string_view sku,
                                             std::string_view location, std::int64_t counted,
                                             std::string_view reference, std::int64_t now_ms) {
  FONDACO_TRY(check_sku(sku, "sku"));
  if (counted < 0 || counted > limits::kMaxQuantity * 1000)
    return fail(ErrorCode::invalid_argument, "must be between 0 and 1000000000", "counted");
  const Location loc = FONDACO_TRY(location_for(tx, location, "location"));
  if (!is_bounded(loc.kind))
    return fail(ErrorCode::invalid_argument, "only internal locations can be counted", "location");
  // Lock the balance before reading it, so the adjustment is computed from the latest
  // quantity even when receipts or other counts run at the same time (READ COMMITTED).
  FONDACO_TRY(tx.exec("UPDATE stock_balances SET reserved = reserved WHERE sku = ? AND location_id = ?",
                      {std::string(sku), loc.id}));
  auto rows = FONDACO_TRY(tx.query(
      "SELECT on_hand, reserved FROM stock_balances WHERE sku = ? AND location_id = ?",
      {std::string(sku), loc.id}));
  const std::int64_t on_hand = rows.empty() ? 0 : rows.i64(0, 0);
  const std::int64_t reserved = rows.empty() ? 0 : rows.i64(0, 1);
  if (counted == on_hand) return std::optional<Move>{};
  if (counted < reserved)
    return fail(insufficient(std::string(sku), loc.code, reserved, counted, "counted"));
  MoveInput m{std::string(sku), std::abs(counted - on_hand),
              counted > on_hand ? std::string(kAdjustmentLocation) : loc.code,
              counted > on_hand ? loc.code : std::string(kAdjustmentLocation), "cycle_count",
              std::string(reference)};
  return std::optional<Move>(FONDACO_TRY(move(tx, m, now_ms)));
}

Result<Reservation> Inventory::reserve(Tx& tx, const ReservationInput& in, std::int64_t now_ms) {
  FONDACO_TRY(check_sku(in.sku, "sku"));
  FONDACO_TRY(check_qty(in.qty, "qty"));
  if (in.ttl_ms && (*in.ttl_ms <= 0 || *in.ttl_ms > limits::kMaxReservationTtlMs))
    return fail(ErrorCode::invalid_argument, "must be between 1 ms and 7 days", "ttl_ms");
  if (in.reference.empty() || utf8_length(in.reference) > limits::kMaxShortTextChars)
    return fail(ErrorCode::invalid_argument, "must be 1-255 characters", "reference");
  const Location loc = FONDACO_TRY(location_for(tx, in.location, "location"));
  if (!is_bounded(loc.kind))
    return fail(ErrorCode::invalid_argument, "stock can only be reserved at an internal location",
                "location");
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE stock_balances SET reserved = reserved + ? "
      "WHERE sku = ? AND location_id = ? AND on_hand - reserved >= ?",
      {in.qty, in.sku, loc.id, in.qty}));
  if (changed != 1) {
    auto rows = FONDACO_TRY(tx.query(
        "SELECT on_hand - reserved FROM stock_balances WHERE sku = ? AND location_id = ?",
        {in.sku, loc.id}));
    return fail(insufficient(in.sku, loc.code, in.qty, rows.empty() ? 0 : rows.i64(0, 0), "qty"));
  }
  std::optional<std::int64_t> expires;
  if (in.ttl_ms) expires = now_ms + *in.ttl_ms;
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO reservations (sku, location_id, qty, reference, status, expires_at, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?) RETURNING id",
      {in.sku, loc.id, in.qty, in.reference, storage::opt_value(expires), now_ms, now_ms}));
  Reservation r{rows.i64(0, 0), in.sku, loc.code, in.qty, in.reference,
                ReservationStatus::active, expires, now_ms, now_ms};
  json::Writer w;
  w.begin_object().kv("id", r.id).kv("sku", r.sku).kv("location", r.location).kv("qty", r.qty);
  w.kv("reference", r.reference).kv("expires_at", r.expires_at).end_object();
  FONDACO_TRY(log_.append(tx, "reservation.created", "reservation", std::to_string(r.id), w.take(),
                          now_ms));
  FONDACO_TRY(emit_stock_changed(tx, r.sku, now_ms));
  return r;
}

Result<Reservation> Inventory::reservation(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT r.id, r.sku, l.code, r.qty, r.reference, r.status, r.expires_at, r.created_at, "
      "r.updated_at FROM reservations r JOIN locations l ON l.id = r.location_id WHERE r.id = ?",
      {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "reservation not found", "id");
  return reservation_from(rows, 0);
}

Result<Reservation> Inventory::finish_reservation(Tx& tx, std::int64_t id, ReservationStatus to,
                                                  std::int64_t now_ms) {
  Reservation r = FONDACO_TRY(reservation(tx, id));
  // Conditional on 'active' so two concurrent finishers cannot both release the quantity.
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE reservations SET status = ?, updated_at = ? WHERE id = ? AND status = 'active'",
      {std::string(to_string(to)), now_ms, id}));
  if (changed != 1)
    return fail(ErrorCode::invalid_transition,
                "reservation is " + std::string(to_string(r.status)) + ", not active", "status");
  const Location loc = FONDACO_TRY(location_for(tx, r.location, "location"));
  const std::int64_t on_hand_delta = to == ReservationStatus::committed ? r.qty : 0;
  FONDACO_TRY(tx.exec(
      "UPDATE stock_balances SET reserved = reserved - ?, on_hand = on_hand - ? "
      "WHERE sku = ? AND location_id = ?",
      {r.qty, on_hand_delta, r.sku, loc.id}));
  r.status = to;
  r.updated_at = now_ms;
  json::Writer w;
  w.begin_object().kv("id", r.id).kv("sku", r.sku).kv("location", r.location).kv("qty", r.qty);
  w.kv("reference", r.reference).end_object();
  FONDACO_TRY(log_.append(tx, "reservation." + std::string(to_string(to)), "reservation",
                          std::to_string(r.id), w.take(), now_ms));
  return r;
}

Result<Move> Inventory::commit(Tx& tx, std::int64_t reservation_id, std::int64_t now_ms) {
  Reservation r = FONDACO_TRY(finish_reservation(tx, reservation_id, ReservationStatus::committed,
                                                 now_ms));
  const Location from = FONDACO_TRY(location_for(tx, r.location, "location"));
  const Location to = FONDACO_TRY(location_for(tx, kCustomerLocation, "location"));
  FONDACO_TRY(credit(tx, r.sku, to, r.qty));
  const auto id =
      FONDACO_TRY(insert_move(tx, r.sku, r.qty, from, to, "sale", r.reference, r.id, now_ms));
  FONDACO_TRY(emit_stock_changed(tx, r.sku, now_ms));
  return Move{id, r.sku, r.qty, from.code, to.code, "sale", r.reference, r.id, now_ms};
}

Result<Reservation> Inventory::release(Tx& tx, std::int64_t reservation_id, std::int64_t now_ms) {
  Reservation r = FONDACO_TRY(
      finish_reservation(tx, reservation_id, ReservationStatus::released, now_ms));
  FONDACO_TRY(emit_stock_changed(tx, r.sku, now_ms));
  return r;
}

Result<int> Inventory::expire(Tx& tx, std::int64_t now_ms, int limit) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT id FROM reservations WHERE status = 'active' AND expires_at IS NOT NULL "
      "AND expires_at <= ? ORDER BY id LIMIT ?",
      {now_ms, std::int64_t{limit}}));
  int expired = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto r = finish_reservation(tx, rows.i64(i, 0), ReservationStatus::expired, now_ms);
    if (!r && r.error().code == ErrorCode::invalid_transition) continue;  // finished meanwhile
    if (!r) return fail(r.error());
    FONDACO_TRY(emit_stock_changed(tx, r->sku, now_ms));
    ++expired;
  }
  return expired;
}

Result<StockLevel> Inventory::stock(Tx& tx, std::string_view sku) {
  FONDACO_TRY(check_sku(sku, "sku"));
  auto rows = FONDACO_TRY(tx.query(
      "SELECT l.code, l.kind, b.on_hand, b.reserved FROM stock_balances b "
      "JOIN locations l ON l.id = b.location_id WHERE b.sku = ? AND b.bounded = 1 ORDER BY l.id",
      {std::string(sku)}));
  StockLevel out;
  out.sku = sku;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Balance b{rows.text(i, 0), parse_kind(rows.text(i, 1)).value_or(LocationKind::warehouse),
              rows.i64(i, 2), rows.i64(i, 3)};
    out.on_hand += b.on_hand;
    out.reserved += b.reserved;
    out.locations.push_back(std::move(b));
  }
  out.available = out.on_hand - out.reserved;
  return out;
}

Result<std::vector<LocationStock>> Inventory::available_by_location(Tx& tx,
                                                                    std::string_view sku) {
  FONDACO_TRY(check_sku(sku, "sku"));
  auto rows = FONDACO_TRY(tx.query(
      "SELECT l.id, l.code, l.kind, b.on_hand - b.reserved FROM stock_balances b "
      "JOIN locations l ON l.id = b.location_id WHERE b.sku = ? AND b.bounded = 1 ORDER BY l.id",
      {std::string(sku)}));
  std::vector<LocationStock> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(LocationStock{rows.i64(i, 0), rows.text(i, 1),
                                parse_kind(rows.text(i, 2)).value_or(LocationKind::warehouse),
                                rows.i64(i, 3)});
  return out;
}

Result<void> Inventory::lock_stock(Tx& tx, std::string_view sku) {
  FONDACO_TRY(check_sku(sku, "sku"));
  // SQLite write transactions already run one at a time (BEGIN IMMEDIATE, one writer): a
  // row lock would only add statements and protect nothing.
  if (tx.engine() == storage::Engine::sqlite) return ok();
  // In location id order, in one round trip: FOR UPDATE above an ORDER BY locks the rows
  // as they leave the sort. (A plain UPDATE of all the SKU's rows locks them in the order
  // its scan meets them, which on PostgreSQL differs between transactions once rows have
  // new versions: two placements of one SKU then deadlock, detected only after
  // deadlock_timeout, 1 s.) PostgreSQL-only SQL, which is why this branch exists at all.
  FONDACO_TRY(tx.query(
      "SELECT location_id FROM stock_balances WHERE sku = ? AND bounded = 1 "
      "ORDER BY location_id FOR UPDATE",
      {std::string(sku)}));
  return ok();
}

Result<std::vector<Reservation>> Inventory::reservations_for(
    Tx& tx, std::span<const std::string> references) {
  std::vector<Reservation> out;
  if (references.empty()) return out;
  std::string sql =
      "SELECT r.id, r.sku, l.code, r.qty, r.reference, r.status, r.expires_at, r.created_at, "
      "r.updated_at FROM reservations r JOIN locations l ON l.id = r.location_id "
      "WHERE r.reference IN (";
  std::vector<Value> params;
  for (const auto& ref : references) {
    sql += params.empty() ? "?" : ", ?";
    params.push_back(ref);
  }
  auto rows = FONDACO_TRY(tx.query(sql + ") ORDER BY r.id", params));
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(reservation_from(rows, i));
  return out;
}

Result<Page<Move>> Inventory::ledger(Tx& tx, std::string_view sku, std::int64_t after_id,
                                     int limit) {
  FONDACO_TRY(check_sku(sku, "sku"));
  auto rows = FONDACO_TRY(tx.query(
      "SELECT m.id, m.sku, m.qty, f.code, t.code, m.reason, m.reference, m.reservation_id, m.at "
      "FROM stock_moves m JOIN locations f ON f.id = m.from_location_id "
      "JOIN locations t ON t.id = m.to_location_id WHERE m.sku = ? AND m.id > ? "
      "ORDER BY m.id LIMIT ?",
      {std::string(sku), after_id, std::int64_t{limit + 1}}));
  Page<Move> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(Move{rows.i64(i, 0), rows.text(i, 1), rows.i64(i, 2), rows.text(i, 3),
                              rows.text(i, 4), rows.text(i, 5), rows.text(i, 6),
                              rows.opt_i64(i, 7), rows.i64(i, 8)});
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<void> Inventory::emit_stock_changed(Tx& tx, const std::string& sku, std::int64_t now_ms) {
  const StockLevel level = FONDACO_TRY(stock(tx, sku));
  json::Writer w;
  w.begin_object().kv("sku", sku).kv("on_hand", level.on_hand).kv("reserved", level.reserved);
  w.kv("available", level.available).key("locations").begin_array();
  for (const auto& b : level.locations) {
    w.begin_object().kv("location", b.location).kv("on_hand", b.on_hand);
    w.kv("reserved", b.reserved).kv("available", b.available()).end_object();
  }
  w.end_array().end_object();
  FONDACO_TRY(log_.append(tx, "stock.changed", "stock", sku, w.take(), now_ms));
  return ok();
}

}  // namespace fondaco::inventory
