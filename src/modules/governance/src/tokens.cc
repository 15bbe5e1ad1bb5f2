#include "fondaco/governance/tokens.h"

#include <array>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "fondaco/platform/system.h"

namespace fondaco::governance {

using storage::Rows;
using storage::Tx;

namespace {
constexpr std::array<std::string_view, kRoleCount> kRoleNames = {
    "admin",     "manager",       "marketing",  "purchasing",
    "logistics", "customer_care", "accounting", "integration"};
constexpr std::string_view kPrefix = "fdc_";

Token token_from(const Rows& r, std::size_t i) {
  return Token{r.i64(i, 0), r.text(i, 1), parse_role(r.text(i, 2)).value_or(Role::integration),
               r.text(i, 3), r.i64(i, 4), r.opt_i64(i, 5)};
}

std::string hash_secret(std::string_view secret) { return hex_encode(platform::sha256(secret)); }
}  // namespace

std::string_view to_string(Role r) { return kRoleNames[static_cast<std::size_t>(r)]; }

std::optional<Role> parse_role(std::string_view s) {
  for (std::size_t i = 0; i < kRoleNames.size(); ++i)
    if (kRoleNames[i] == s) return static_cast<Role>(i);
  return std::nullopt;
}

Result<CreatedToken> Tokens::create(Tx& tx, std::string name, Role role, Random& random,
                                    std::int64_t now_ms) {
  if (name.empty() || utf8_length(name) > limits::kMaxTokenNameChars || !is_valid_utf8(name) ||
      has_control_chars(name))
    return fail(ErrorCode::invalid_argument, "must be 1-100 printable characters", "name");
  std::array<std::byte, 32> bytes;
  random.fill(bytes);
  const std::string secret =
      std::string(kPrefix) +
      base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  const std::string prefix = secret.substr(0, 10);
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO api_tokens (name, role, secret_sha256, prefix, created_at, revoked_at) "
      "VALUES (?, ?, ?, ?, ?, NULL) RETURNING id",
      {name, std::string(to_string(role)), hash_secret(secret), prefix, now_ms}));
  Token t{rows.i64(0, 0), std::move(name), role, prefix, now_ms, std::nullopt};
  json::Writer w;
  w.begin_object().kv("id", t.id).kv("name", t.name).kv("role", to_string(role)).end_object();
  FONDACO_TRY(log_.append(tx, "token.created", "token", std::to_string(t.id), w.take(), now_ms));
  return CreatedToken{std::move(t), secret};
}

Result<Token> Tokens::authenticate(Tx& tx, std::string_view secret) {
  if (!secret.starts_with(kPrefix) || secret.size() > 100)
    return fail(ErrorCode::unauthorized, "invalid API token");
  // Lookup by hash: equal hashes means equal secrets, and the index lookup does not leak
  // how many leading characters matched.
  auto rows = FONDACO_TRY(tx.query(
      "SELECT id, name, role, prefix, created_at, revoked_at FROM api_tokens "
      "WHERE secret_sha256 = ?",
      {hash_secret(secret)}));
  if (rows.empty() || !rows.is_null(0, 5))
    return fail(ErrorCode::unauthorized, "invalid or revoked API token");
  return token_from(rows, 0);
}

Result<Page<Token>> Tokens::list(Tx& tx, std::int64_t after_id, int limit) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT id, name, role, prefix, created_at, revoked_at FROM api_tokens WHERE id > ? "
      "ORDER BY id LIMIT ?",
      {after_id, std::int64_t{limit + 1}}));
  Page<Token> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(token_from(rows, i));
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<Token> Tokens::revoke(Tx& tx, std::int64_t id, std::int64_t now_ms) {
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", {now_ms, id}));
  auto rows = FONDACO_TRY(tx.query(
      "SELECT id, name, role, prefix, created_at, revoked_at FROM api_tokens WHERE id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "token not found", "id");
  Token t = token_from(rows, 0);
  if (changed == 0) return t;  // already revoked: idempotent, no second event
  json::Writer w;
  w.begin_object().kv("id", t.id).kv("name", t.name).end_object();
  FONDACO_TRY(log_.append(tx, "token.revoked", "token", std::to_string(t.id), w.take(), now_ms));
  return t;
}

}  // namespace fondaco::governance
