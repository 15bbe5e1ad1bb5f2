#include "idempotency.h"

#include "fondaco/base/text.h"
#include "fondaco/platform/system.h"

namespace fondaco::api {

Result<std::optional<IdempotencyKey>> Idempotency::from_request(const Request& req,
                                                                std::int64_t token_id) {
  const std::string_view key = req.header("Idempotency-Key");
  if (key.empty()) return std::optional<IdempotencyKey>{};
  if (key.size() > 255)
    return fail(ErrorCode::invalid_argument, "must be at most 255 characters", "Idempotency-Key");
  for (char c : key)
    if (c < 0x21 || c > 0x7E)
      return fail(ErrorCode::invalid_argument, "must be printable ASCII without spaces",
                  "Idempotency-Key");
  const std::string fingerprint = req.method + " " + req.target + "\n" + req.body;
  return std::optional<IdempotencyKey>(
      IdempotencyKey{token_id, std::string(key), hex_encode(platform::sha256(fingerprint))});
}

Result<std::optional<Response>> Idempotency::replay(storage::Database& db,
                                                   const IdempotencyKey& k) {
  auto rows = FONDACO_TRY(db.read([&](storage::Tx& tx) {
    return tx.query(
        "SELECT request_hash, status, content_type, location, body, stored FROM idempotency_keys "
        "WHERE token_id = ? AND idem_key = ?",
        {k.token_id, k.key});
  }));
  if (rows.empty()) return std::optional<Response>{};
  if (rows.text(0, 0) != k.request_hash)
    return fail(ErrorCode::idempotency_mismatch,
                "this Idempotency-Key was used with a different request", "Idempotency-Key");
  if (rows.i64(0, 5) == 0)
    return fail(ErrorCode::conflict,
                "this Idempotency-Key was already used; the response held a secret that is "
                "shown only once",
                "Idempotency-Key");
  Response r;
  r.status = static_cast<int>(rows.i64(0, 1));
  r.set_header("Content-Type", rows.text(0, 2));
  if (auto loc = rows.opt_text(0, 3)) r.set_header("Location", *loc);
  r.set_header("Idempotent-Replayed", "true");
  r.body = rows.text(0, 4);
  return std::optional<Response>(std::move(r));
}

namespace {
std::string_view header_of(const Response& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (h.name == name) return h.value;
  return {};
}
}  // namespace

Result<void> Idempotency::record(storage::Tx& tx, const IdempotencyKey& k, const Response& r,
                                 bool store_body, std::int64_t now_ms) {
  const std::string_view location = header_of(r, "Location");
  std::string content_type(header_of(r, "Content-Type"));
  FONDACO_TRY(tx.exec(
      "INSERT INTO idempotency_keys (token_id, idem_key, request_hash, status, content_type, "
      "location, body, stored, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {k.token_id, k.key, k.request_hash, std::int64_t{r.status}, content_type,
       location.empty() ? storage::null_value() : storage::Value{std::string(location)},
       store_body ? r.body : std::string(), std::int64_t{store_body ? 1 : 0}, now_ms}));
  return ok();
}

Result<std::int64_t> Idempotency::prune(storage::Tx& tx, std::int64_t before_ms) {
  return tx.exec("DELETE FROM idempotency_keys WHERE created_at < ?", {before_ms});
}

bool Idempotency::begin(const IdempotencyKey& k) {
  std::lock_guard lock(mu_);
  return in_flight_.emplace(k.token_id, k.key).second;
}

void Idempotency::end(const IdempotencyKey& k) {
  std::lock_guard lock(mu_);
  in_flight_.erase({k.token_id, k.key});
}

}  // namespace fondaco::api
