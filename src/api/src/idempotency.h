// Idempotency-Key on every POST (Stripe's semantics).
//
// The first successful response to (token, key) is stored in the same transaction as the
// work it describes, so a crash can never leave "work done, response forgotten": a retry
// either finds the stored response (and gets it back, marked `Idempotent-Replayed: true`)
// or finds nothing because nothing was committed (and runs again). A retry with the same
// key but a different request (method, target or body) gets 422 idempotency_mismatch; a
// retry while the first request is still running on this node gets 409. On PostgreSQL two
// nodes racing on one key both run, but only one can insert its record: the loser rolls
// back and replays the winner's response. Failed requests store nothing (they changed
// nothing). Records are pruned after limits::kIdempotencyRetentionMs.
//
// A response that must never be stored (it carries a secret, like a new API token) is
// recorded as "consumed": a replay gets 409 instead of a second token.
// Thread-safety: Idempotency is thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "fondaco/api/http.h"
#include "fondaco/storage/database.h"

namespace fondaco::api {

struct IdempotencyKey {
  std::int64_t token_id = 0;
  std::string key;
  std::string request_hash;  // hex SHA-256 of method, target and body
};

class Idempotency {
 public:
  // Reads and validates the header; nullopt when absent. Fails on a malformed key.
  static Result<std::optional<IdempotencyKey>> from_request(const Request& req,
                                                           std::int64_t token_id);
  // A stored response for this key, or a mismatch/consumed error; nullopt when none.
  Result<std::optional<Response>> replay(storage::Database& db, const IdempotencyKey& k);
  // Records the response inside the transaction that did the work.
  static Result<void> record(storage::Tx& tx, const IdempotencyKey& k, const Response& r,
                             bool store_body, std::int64_t now_ms);
  // Deletes records created before `before_ms`; returns how many.
  static Result<std::int64_t> prune(storage::Tx& tx, std::int64_t before_ms);

  // In-flight guard: false when the key is already running on this node.
  bool begin(const IdempotencyKey& k);
  void end(const IdempotencyKey& k);

 private:
  std::mutex mu_;
  std::set<std::pair<std::int64_t, std::string>> in_flight_;
};

}  // namespace fondaco::api
