#include "fondaco/testing/ledger_check.h"

#include <set>

namespace fondaco::testing {

Result<std::vector<std::string>> LedgerCheck::violations(storage::Tx& tx) {
  std::vector<std::string> out;
  auto moves = FONDACO_TRY(tx.query(
      "SELECT id, sku, from_location_id, to_location_id, qty FROM stock_moves WHERE id > ? "
      "ORDER BY id",
      {last_move_id_}));
  for (std::size_t i = 0; i < moves.size(); ++i) {
    last_move_id_ = std::max(last_move_id_, moves.i64(i, 0));
    from_ledger_[{moves.text(i, 1), moves.i64(i, 2)}] -= moves.i64(i, 4);
    from_ledger_[{moves.text(i, 1), moves.i64(i, 3)}] += moves.i64(i, 4);
  }
  auto locations = FONDACO_TRY(tx.query("SELECT id, code, kind FROM locations"));
  std::map<std::int64_t, std::string> code;
  std::set<std::int64_t> external;
  for (std::size_t i = 0; i < locations.size(); ++i) {
    code[locations.i64(i, 0)] = locations.text(i, 1);
    const auto& kind = locations.text(i, 2);
    if (kind == "supplier" || kind == "customer" || kind == "adjustment")
      external.insert(locations.i64(i, 0));
  }
  auto active = FONDACO_TRY(
      tx.query("SELECT sku, location_id, CAST(SUM(qty) AS BIGINT) FROM reservations WHERE status = "
               "'active' GROUP BY sku, location_id"));
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> held;
  for (std::size_t i = 0; i < active.size(); ++i)
    held[{active.text(i, 0), active.i64(i, 1)}] = active.i64(i, 2);

  auto balances = FONDACO_TRY(
      tx.query("SELECT sku, location_id, bounded, on_hand, reserved FROM stock_balances"));
  std::map<std::string, std::int64_t> sum_by_sku;
  std::set<std::pair<std::string, std::int64_t>> seen;
  for (std::size_t i = 0; i < balances.size(); ++i) {
    const std::pair<std::string, std::int64_t> key{balances.text(i, 0), balances.i64(i, 1)};
    const std::int64_t on_hand = balances.i64(i, 3), reserved = balances.i64(i, 4);
    const bool bounded = balances.i64(i, 2) != 0;
    const std::string where = "sku " + key.first + " at " + code[key.second];
    seen.insert(key);
    sum_by_sku[key.first] += on_hand;
    const auto ledger = from_ledger_.contains(key) ? from_ledger_.at(key) : 0;
    if (on_hand != ledger)
      out.push_back(where + ": on_hand " + std::to_string(on_hand) + ", the ledger says " +
                    std::to_string(ledger));
    if (bounded == external.contains(key.second))
      out.push_back(where + ": bounded flag " + std::to_string(bounded) +
                    " disagrees with the kind");
    if (reserved < 0 || (bounded && on_hand < reserved) || (!bounded && reserved != 0))
      out.push_back(where + ": on_hand " + std::to_string(on_hand) + ", reserved " +
                    std::to_string(reserved));
    const auto holds = held.contains(key) ? held.at(key) : 0;
    if (reserved != holds)
      out.push_back(where + ": reserved " + std::to_string(reserved) +
                    ", active reservations sum to " + std::to_string(holds));
  }
  for (const auto& [key, qty] : from_ledger_)
    if (qty != 0 && !seen.contains(key))
      out.push_back("sku " + key.first + " at " + code[key.second] +
                    ": no balance, the ledger says " + std::to_string(qty));
  for (const auto& [key, qty] : held)
    if (!seen.contains(key))
      out.push_back("sku " + key.first + " at " + code[key.second] + ": active reservations of " +
                    std::to_string(qty) + " but no balance");
  for (const auto& [sku, sum] : sum_by_sku)
    if (sum != 0)
      out.push_back("sku " + sku + ": balances sum to " + std::to_string(sum) + ", not 0");
  return out;
}

Result<std::vector<std::string>> ledger_violations(storage::Database& db) {
  LedgerCheck check;
  return db.read([&](storage::Tx& tx) { return check.violations(tx); });
}

}  // namespace fondaco::testing
