// Pick lists: batches of shipments of one location for one picker, with their lines
// summed per (SKU, bin) and sorted along the pick path. Batching at a location is
// serialised by its pick_list_locations row (an upsert takes the row lock), so concurrent
// additions fill the open list instead of each opening a new one; the list's count moves by
// a conditional UPDATE (count < max) and a CHECK, so a list never holds more than N. Lock
// order: the location row, then shipments, then the list.
#include <algorithm>
#include <map>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "internal.h"

namespace fondaco::fulfillment {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

Result<void> check_max(std::int64_t max_shipments) {
  if (max_shipments < 1 || max_shipments > limits::kMaxPickListShipments)
    return fail(ErrorCode::invalid_argument, "must be 1-200", "max_shipments");
  return ok();
}

Result<std::int64_t> insert_list(Tx& tx, const std::string& location, std::int64_t max_shipments,
                                 std::int64_t count, std::int64_t now_ms) {
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO pick_lists (location, open, max_shipments, shipment_count, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {location, std::int64_t{count < max_shipments ? 1 : 0}, max_shipments, count, now_ms,
       now_ms}));
  return rows.i64(0, 0);
}

// Takes a place on the location's oldest open list; none with room → a new list.
Result<std::int64_t> take_place(Tx& tx, const std::string& location, std::int64_t max_shipments,
                                std::int64_t now_ms) {
  auto open = FONDACO_TRY(tx.query(
      "SELECT id FROM pick_lists WHERE location = ? AND open = 1 ORDER BY id", {location}));
  for (std::size_t i = 0; i < open.size(); ++i) {
    auto taken = FONDACO_TRY(tx.query(
        "UPDATE pick_lists SET shipment_count = shipment_count + 1, open = CASE WHEN "
        "shipment_count + 1 >= max_shipments THEN 0 ELSE 1 END, updated_at = ? WHERE id = ? "
        "AND open = 1 AND shipment_count < max_shipments RETURNING id",
        {now_ms, open.i64(i, 0)}));
    if (!taken.empty()) return taken.i64(0, 0);
  }
  return insert_list(tx, location, max_shipments, 1, now_ms);
}

void sort_pick_lines(std::vector<PickLine>& lines) {
  std::sort(lines.begin(), lines.end(), [](const PickLine& a, const PickLine& b) {
    if (a.pick_seq != b.pick_seq) return a.pick_seq < b.pick_seq;
    const std::string ab = a.bin.value_or(""), bb = b.bin.value_or("");
    if (ab != bb) return ab < bb;
    return a.sku < b.sku;
  });
}

Result<PickList> list_from(Tx& tx, const Rows& r, std::size_t i) {
  PickList p{r.i64(i, 0), r.text(i, 1), r.i64(i, 2) != 0, r.i64(i, 3), {}, {}, r.i64(i, 4)};
  auto ships = FONDACO_TRY(tx.query(
      "SELECT id FROM shipments WHERE pick_list_id = ? AND status <> 'cancelled' ORDER BY id",
      {p.id}));
  for (std::size_t j = 0; j < ships.size(); ++j) p.shipment_ids.push_back(ships.i64(j, 0));
  // Grouped in SQL, sorted here: the engines order NULL bins differently.
  auto lines = FONDACO_TRY(tx.query(
      "SELECT l.sku, l.bin, MIN(l.pick_seq), MAX(l.description), SUM(l.qty) FROM shipment_lines l "
      "JOIN shipments s ON s.id = l.shipment_id WHERE s.pick_list_id = ? AND s.status <> "
      "'cancelled' GROUP BY l.sku, l.bin",
      {p.id}));
  for (std::size_t j = 0; j < lines.size(); ++j)
    p.lines.push_back(PickLine{lines.text(j, 0), lines.opt_text(j, 1), lines.i64(j, 2),
                               lines.text(j, 3), lines.i64(j, 4)});
  sort_pick_lines(p.lines);
  return p;
}

constexpr std::string_view kListCols = "id, location, open, max_shipments, created_at";

// Takes the location's batching lock until the transaction ends (a no-op on SQLite, whose
// writers run one at a time; a row lock on PostgreSQL).
Result<void> lock_location(Tx& tx, const std::string& location) {
  FONDACO_TRY(tx.exec(
      "INSERT INTO pick_list_locations (location, additions) VALUES (?, 1) ON CONFLICT "
      "(location) DO UPDATE SET additions = pick_list_locations.additions + 1",
      {location}));
  return ok();
}

}  // namespace

Result<PickList> Fulfillment::add_to_pick_list(Tx& tx, std::int64_t shipment_id,
                                               std::int64_t max_shipments, std::int64_t now_ms) {
  FONDACO_TRY(check_max(max_shipments));
  // The location never changes, so it can be read before the lock that guards it.
  auto loc = FONDACO_TRY(tx.query("SELECT location FROM shipments WHERE id = ?", {shipment_id}));
  if (loc.empty()) return fail(ErrorCode::not_found, "shipment not found", "id");
  FONDACO_TRY(lock_location(tx, loc.text(0, 0)));
  // Of two concurrent callers only one moves the shipment out of pending.
  const auto claimed = FONDACO_TRY(tx.exec(
      "UPDATE shipments SET status = 'picking', updated_at = ? WHERE id = ? AND status = "
      "'pending' AND pick_list_id IS NULL",
      {now_ms, shipment_id}));
  if (claimed != 1) {
    Shipment s = FONDACO_TRY(get(tx, shipment_id));
    if (s.pick_list_id) return get_pick_list(tx, *s.pick_list_id);  // at-least-once callers
    return fail(ErrorCode::invalid_transition,
                "only a pending shipment goes on a pick list (this one is " +
                    std::string(to_string(s.status)) + ")",
                "status");
  }
  const std::int64_t list_id = FONDACO_TRY(take_place(tx, loc.text(0, 0), max_shipments, now_ms));
  FONDACO_TRY(tx.exec("UPDATE shipments SET pick_list_id = ? WHERE id = ?", {list_id, shipment_id}));
  return get_pick_list(tx, list_id);
}

Result<PickList> Fulfillment::create_pick_list(Tx& tx, std::string_view location,
                                               std::int64_t max_shipments, std::int64_t now_ms) {
  FONDACO_TRY(check_max(max_shipments));
  if (!is_valid_code(location, limits::kMaxCodeChars))
    return fail(ErrorCode::invalid_argument, "must be a location code", "location");
  FONDACO_TRY(lock_location(tx, std::string(location)));
  auto pending = FONDACO_TRY(tx.query(
      "SELECT id FROM shipments WHERE location = ? AND status = 'pending' AND pick_list_id IS "
      "NULL ORDER BY id LIMIT ?",
      {std::string(location), max_shipments}));
  if (pending.empty())
    return fail(ErrorCode::conflict, "no pending shipment at this location", "location");
  const std::int64_t list_id =
      FONDACO_TRY(insert_list(tx, std::string(location), max_shipments, 0, now_ms));
  std::int64_t count = 0;
  for (std::size_t i = 0; i < pending.size(); ++i)
    count += FONDACO_TRY(tx.exec(
        "UPDATE shipments SET status = 'picking', pick_list_id = ?, updated_at = ? WHERE id = ? "
        "AND status = 'pending' AND pick_list_id IS NULL",
        {list_id, now_ms, pending.i64(i, 0)}));
  if (count == 0)
    return fail(ErrorCode::conflict, "no pending shipment at this location", "location");
  // A manual batch is complete as made: closed to the automatic additions.
  FONDACO_TRY(tx.exec("UPDATE pick_lists SET shipment_count = ?, open = 0 WHERE id = ?",
                      {count, list_id}));
  return get_pick_list(tx, list_id);
}

Result<PickList> Fulfillment::get_pick_list(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kListCols) + " FROM pick_lists WHERE id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "pick list not found", "id");
  return list_from(tx, rows, 0);
}

Result<Page<PickList>> Fulfillment::list_pick_lists(Tx& tx, std::optional<std::string> location,
                                                    std::int64_t after_id, int limit) {
  std::string sql = "SELECT " + std::string(kListCols) + " FROM pick_lists WHERE id > ?";
  std::vector<Value> params{after_id};
  if (location) {
    sql += " AND location = ?";
    params.emplace_back(*location);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(std::int64_t{limit + 1});
  auto rows = FONDACO_TRY(tx.query(sql, std::span<const Value>(params)));
  Page<PickList> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(FONDACO_TRY(list_from(tx, rows, i)));
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

}  // namespace fondaco::fulfillment
