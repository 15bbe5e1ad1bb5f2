// Governance: API tokens and the roles they carry.
//
// A token is "fdc_" + 43 characters of URL-safe base64 (256 random bits). Only its SHA-256
// is stored, so a database leak does not leak usable tokens; a fast hash is right here
// because the secret has full entropy (passwords, which do not, use argon2). The token is
// shown once, at creation. Revoked tokens stop working on the next request.
// Thread-safety: Tokens holds no mutable state; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fondaco/base/clock.h"
#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::governance {

std::span<const storage::Migration> migrations();

// One role per token (and later per user), one per team of PRODUCT.md.
enum class Role {
  admin,
  manager,
  marketing,
  purchasing,
  logistics,
  customer_care,
  accounting,
  integration,
};
inline constexpr int kRoleCount = 8;
std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);

struct Token {
  std::int64_t id = 0;
  std::string name;
  Role role = Role::integration;
  std::string prefix;  // first characters of the secret, to recognise it in lists
  std::int64_t created_at = 0;
  std::optional<std::int64_t> revoked_at;
};

struct CreatedToken {
  Token token;
  std::string secret;  // the only time it exists outside the client
};

using fondaco::Page;

class Tokens {
 public:
  explicit Tokens(events::EventLog& log) : log_(log) {}

  Result<CreatedToken> create(storage::Tx& tx, std::string name, Role role, Random& random,
                              std::int64_t now_ms);
  // The active token with this secret, or unauthorized.
  Result<Token> authenticate(storage::Tx& tx, std::string_view secret);
  Result<Page<Token>> list(storage::Tx& tx, std::int64_t after_id, int limit);
  Result<Token> revoke(storage::Tx& tx, std::int64_t id, std::int64_t now_ms);

 private:
  events::EventLog& log_;
};

}  // namespace fondaco::governance
