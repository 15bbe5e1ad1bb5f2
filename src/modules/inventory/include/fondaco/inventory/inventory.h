// Inventory as a double-entry stock ledger.
//
// Stock lives at locations. Every change is an immutable move of a positive quantity of one
// SKU from one location to another (supplier → warehouse is a receipt, warehouse ↔
// adjustment an adjustment, location → location a transfer, location → customer a sale).
// Balances per (SKU, location) are a projection updated in the same transaction as the
// move. Locations of kind supplier, customer and adjustment are "external": their balance
// is unbounded and goes negative (the supplier has "given" stock), so for every SKU the
// balances over all locations sum to zero. Internal locations (warehouse, store, bin,
// returns, transit) are bounded: on_hand ≥ reserved ≥ 0 always, enforced by conditional
// updates (race-free on both engines) and by a CHECK constraint as a second line.
//
// A reservation holds a quantity at an internal location for a reference (an order line or
// a cart): it is later committed (becomes a move to the customer location), released, or
// expires at its TTL. Available-to-promise = on_hand − reserved.
//
// Every operation takes the caller's transaction; each change appends `stock.changed`
// (and `reservation.*`, `location.created`) events. Thread-safety: stateless; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::inventory {

std::span<const storage::Migration> migrations();

enum class LocationKind { warehouse, store, bin, supplier, customer, adjustment, transit, returns };
std::string_view to_string(LocationKind k);
std::optional<LocationKind> parse_kind(std::string_view s);
// Internal locations hold real stock and can never go below what is reserved.
bool is_bounded(LocationKind k);

// The external locations every database has (created by the migration).
inline constexpr std::string_view kSupplierLocation = "SUPPLIER";
inline constexpr std::string_view kCustomerLocation = "CUSTOMER";
inline constexpr std::string_view kAdjustmentLocation = "ADJUSTMENT";

bool is_valid_reason(std::string_view reason);

struct LocationInput {
  std::string code;
  std::string name;
  LocationKind kind = LocationKind::warehouse;
  std::optional<std::string> parent;  // code of the warehouse a bin belongs to
  std::int64_t pick_order = 0;        // bins are picked in ascending order
};

struct Location {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  LocationKind kind = LocationKind::warehouse;
  std::optional<std::string> parent;
  std::int64_t pick_order = 0;
  std::int64_t created_at = 0;
};

struct MoveInput {
  std::string sku;
  std::int64_t qty = 0;
  std::string from;  // location codes
  std::string to;
  std::string reason;  // receipt, adjustment, transfer, cycle_count, sale, return, damage...
  std::string reference;
};

struct Move {
  std::int64_t id = 0;
  std::string sku;
  std::int64_t qty = 0;
  std::string from;
  std::string to;
  std::string reason;
  std::string reference;
  std::optional<std::int64_t> reservation_id;
  std::int64_t at = 0;
};

struct Balance {
  std::string location;
  LocationKind kind = LocationKind::warehouse;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available() const { return on_hand - reserved; }
};

struct StockLevel {
  std::string sku;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available = 0;
  std::vector<Balance> locations;  // internal locations with any stock history
};

enum class ReservationStatus { active, committed, released, expired };
std::string_view to_string(ReservationStatus s);

struct ReservationInput {
  std::string sku;
  std::string location;
  std::int64_t qty = 0;
  std::string reference;
  std::optional<std::int64_t> ttl_ms;  // none = until committed or released
};

struct Reservation {
  std::int64_t id = 0;
  std::string sku;
  std::string location;
  std::int64_t qty = 0;
  std::string reference;
  ReservationStatus status = ReservationStatus::active;
  std::optional<std::int64_t> expires_at;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// Available-to-promise of one SKU at one internal location (see available_by_location).
struct LocationStock {
  std::int64_t location_id = 0;
  std::string location;
  LocationKind kind = LocationKind::warehouse;
  std::int64_t available = 0;
};

using fondaco::Page;

class Inventory {
 public:
  explicit Inventory(events::EventLog& log) : log_(log) {}

  Result<Location> create_location(storage::Tx& tx, const LocationInput& in, std::int64_t now_ms);
  Result<Location> location(storage::Tx& tx, std::string_view code);
  Result<Page<Location>> locations(storage::Tx& tx, std::int64_t after_id, int limit);

  // Moves stock. Fails with insufficient_stock when an internal source lacks available qty.
  Result<Move> move(storage::Tx& tx, const MoveInput& in, std::int64_t now_ms);
  // Brings a location to the counted quantity with one adjustment move (none if equal).
  Result<std::optional<Move>> count(storage::Tx& tx, std::string_view sku,
                                    std::string_view location, std::int64_t counted,
                                    std::string_view reference, std::int64_t now_ms);

  Result<Reservation> reserve(storage::Tx& tx, const ReservationInput& in, std::int64_t now_ms);
  Result<Move> commit(storage::Tx& tx, std::int64_t reservation_id, std::int64_t now_ms);
  Result<Reservation> release(storage::Tx& tx, std::int64_t reservation_id, std::int64_t now_ms);
  Result<Reservation> reservation(storage::Tx& tx, std::int64_t id);
  // Expires up to `limit` holds whose TTL has passed; returns how many.
  Result<int> expire(storage::Tx& tx, std::int64_t now_ms, int limit);

  Result<StockLevel> stock(storage::Tx& tx, std::string_view sku);
  // The SKU's available quantity at every internal location that has a balance, in
  // location id order. For allocation (which location serves an order line).
  Result<std::vector<LocationStock>> available_by_location(storage::Tx& tx, std::string_view sku);
  // Takes the SKU's balance rows for the rest of the transaction (PostgreSQL: SELECT ... FOR
  // UPDATE in location id order, always the same order; SQLite's single writer holds
  // everything already, so nothing is done), so availability read afterwards stays true
  // until commit. Call for several SKUs in ascending SKU order, before appending events.
  Result<void> lock_stock(storage::Tx& tx, std::string_view sku);
  // Reservations (any status) made for any of these references, oldest first.
  Result<std::vector<Reservation>> reservations_for(storage::Tx& tx,
                                                    std::span<const std::string> references);
  Result<Page<Move>> ledger(storage::Tx& tx, std::string_view sku, std::int64_t after_id,
                            int limit);

 private:
  Result<Location> location_for(storage::Tx& tx, std::string_view code, const std::string& field);
  Result<void> debit(storage::Tx& tx, const std::string& sku, const Location& loc, std::int64_t qty,
                     const std::string& field);
  Result<void> credit(storage::Tx& tx, const std::string& sku, const Location& loc,
                      std::int64_t qty);
  Result<std::int64_t> insert_move(storage::Tx& tx, const std::string& sku, std::int64_t qty,
                                   const Location& from, const Location& to,
                                   const std::string& reason, const std::string& reference,
                                   std::optional<std::int64_t> reservation_id, std::int64_t now_ms);
  Result<void> emit_stock_changed(storage::Tx& tx, const std::string& sku, std::int64_t now_ms);
  Result<Reservation> finish_reservation(storage::Tx& tx, std::int64_t id, ReservationStatus to,
                                         std::int64_t now_ms);

  events::EventLog& log_;
};

}  // namespace fondaco::inventory
