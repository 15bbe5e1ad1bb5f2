// Governance: people who use the web console — users with passwords, their sessions and the
// login rate limit.
//
// Passwords are hashed with argon2id (libargon2; parameters in limits.h). Hashing takes
// tens of milliseconds on purpose, so it happens outside any transaction: callers hash or
// verify first (hash_password, check_password) and then write (create, update,
// finish_login), and the single database writer is never held by a hash.
//
// A login is three steps. begin_login (write transaction) refuses an e-mail or client
// address over its failure limit and otherwise records the attempt as a failure before the
// password is even checked, so concurrent guesses cannot overrun the limit; check_password
// (no transaction) verifies, against a dummy hash when the e-mail is unknown so the answer
// and its timing do not reveal which e-mails exist; finish_login (write transaction) turns
// a verified attempt into a session and clears the e-mail's failures.
//
// A session is identified by 256 random bits held only by the browser (the database keeps
// their SHA-256) and carries its own CSRF token. It ends after limits::kSessionIdleTimeoutMs
// without use, limits::kSessionAbsoluteLifetimeMs after login, on logout, and when its user
// changes password or is deactivated. A user's role is read with the session on every
// request, so a role change applies at once.
// Thread-safety: Users holds no mutable state (the dummy hash is computed once, thread-safe);
// any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fondaco/base/clock.h"
#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/governance/tokens.h"
#include "fondaco/storage/database.h"

namespace fondaco::governance {

enum class Locale { it, en };
std::string_view to_string(Locale l);
std::optional<Locale> parse_locale(std::string_view s);

// Lower-cased and checked (local@domain.tld, limits::kMaxEmailChars); the stored form.
Result<std::string> normalize_email(std::string_view email, std::string_view field = "email");

struct User {
  std::int64_t id = 0;
  std::string email;  // lower case
  std::string name;
  Role role = Role::logistics;
  Locale locale = Locale::it;
  bool active = true;
  std::int64_t created_at = 0;
};

// An argon2id encoding ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"). Only hash_password
// makes one, so a User can never be stored with a plain or unchecked password.
class PasswordHash {
 public:
  const std::string& encoded() const { return encoded_; }

 private:
  friend Result<PasswordHash> hash_password(std::string_view password, Random& random,
                                            std::string_view field);
  explicit PasswordHash(std::string e) : encoded_(std::move(e)) {}
  std::string encoded_;
};

// Checks the length rules (limits::kMinPasswordChars..kMaxPasswordBytes, valid UTF-8, no
// control characters) and hashes with a fresh random salt. Slow: call outside transactions.
Result<PasswordHash> hash_password(std::string_view password, Random& random,
                                   std::string_view field = "password");
// Constant-time argon2id verification; false for a malformed encoding.
bool verify_password(const std::string& encoded, std::string_view password);

struct NewUser {
  std::string email;
  std::string name;
  Role role = Role::logistics;
  Locale locale = Locale::it;
};

struct UserPatch {
  std::optional<std::string> name;
  std::optional<Role> role;
  std::optional<Locale> locale;
  std::optional<PasswordHash> password;
  std::optional<bool> active;
};

// What begin_login found. `retry_after_ms` set: over a limit, nothing was recorded.
struct LoginAttempt {
  std::optional<std::int64_t> retry_after_ms;
  std::int64_t attempt_id = 0;          // the failure row recorded for this attempt
  std::optional<std::int64_t> user_id;  // active user with this e-mail, if any
  std::optional<std::string> stored_hash;
};

struct Session {
  std::int64_t id = 0;
  User user;
  std::string csrf_token;
  std::int64_t created_at = 0;
  std::int64_t last_seen_at = 0;
};

struct NewSession {
  Session session;
  std::string secret;  // the cookie value; exists only in this response
};

class Users {
 public:
  explicit Users(events::EventLog& log) : log_(log) {}

  Result<User> create(storage::Tx& tx, NewUser in, const PasswordHash& password,
                      std::int64_t now_ms);
  Result<User> get(storage::Tx& tx, std::int64_t id);
  Result<Page<User>> list(storage::Tx& tx, std::int64_t after_id, int limit);
  // Applies the present fields. A new password or deactivation ends the user's sessions.
  Result<User> update(storage::Tx& tx, std::int64_t id, UserPatch patch, std::int64_t now_ms);

  Result<LoginAttempt> begin_login(storage::Tx& tx, std::string_view email,
                                   std::string_view address, std::int64_t now_ms);
  // Slow (argon2): outside transactions. Also spends the time for an unknown e-mail.
  static bool check_password(const LoginAttempt& attempt, std::string_view password);
  // For an attempt whose password checked: the attempt stops counting, the e-mail's
  // failures are cleared, `presented_secret` (a cookie sent with the login, if any) is
  // ended, and a new session starts. unauthorized when the user was deactivated or changed
  // password meanwhile.
  Result<NewSession> finish_login(storage::Tx& tx, const LoginAttempt& attempt,
                                  std::string_view presented_secret, Random& random,
                                  std::int64_t now_ms);

  // The live session with this secret (unauthorized when unknown, expired or its user is
  // inactive). Read-only: call touch_session when `last_seen_at` is older than
  // limits::kSessionTouchIntervalMs.
  Result<Session> authenticate_session(storage::Tx& tx, std::string_view secret,
                                       std::int64_t now_ms);
  Result<void> touch_session(storage::Tx& tx, std::int64_t session_id, std::int64_t now_ms);
  // Logout: deletes the session (no error when it is already gone).
  Result<void> end_session(storage::Tx& tx, std::string_view secret);

 private:
  events::EventLog& log_;
};

}  // namespace fondaco::governance
