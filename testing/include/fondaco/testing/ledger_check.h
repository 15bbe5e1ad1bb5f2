// The stock ledger's invariants, checked against the database itself (both engines):
//   - every balance equals the sum of the moves into its (SKU, location) minus those out of
//     it, and every (SKU, location) the moves touch has a balance;
//   - for every SKU the balances over all locations sum to zero (double entry);
//   - at an internal location 0 ≤ reserved ≤ on_hand; an external one reserves nothing;
//   - reserved equals the sum of the active reservations of that (SKU, location).
//
// LedgerCheck replays the ledger incrementally: each call reads only the moves it has not
// seen (by id), so a long simulation can check after every step in constant time per move.
// That is exact only while nothing writes concurrently with a check (PostgreSQL may commit
// move ids out of order); a fresh LedgerCheck reads everything.
// Thread-safety: one LedgerCheck per thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/storage/database.h"

namespace fondaco::testing {

class LedgerCheck {
 public:
  // One line per violated invariant ("sku A at WH: on_hand 5, ledger says 4"); empty when
  // every invariant holds. Run it in a read transaction (one snapshot).
  Result<std::vector<std::string>> violations(storage::Tx& tx);

 private:
  std::int64_t last_move_id_ = 0;
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> from_ledger_;  // (sku, location id)
};

// Convenience: a fresh check in one read transaction of db.
Result<std::vector<std::string>> ledger_violations(storage::Database& db);

}  // namespace fondaco::testing
