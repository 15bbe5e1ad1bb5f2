#include "fondaco/governance/users.h"

#include <argon2.h>

#include <algorithm>
#include <array>
#include <vector>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "fondaco/platform/system.h"

namespace fondaco::governance {

using storage::Rows;
using storage::Tx;

namespace {

constexpr std::string_view kUserColumns = "id, email, name, role, locale, active, created_at";

User user_from(const Rows& r, std::size_t i, std::size_t first_col = 0) {
  const std::size_t c = first_col;
  return User{r.i64(i, c),
              r.text(i, c + 1),
              r.text(i, c + 2),
              parse_role(r.text(i, c + 3)).value_or(Role::logistics),
              parse_locale(r.text(i, c + 4)).value_or(Locale::it),
              r.i64(i, c + 5) != 0,
              r.i64(i, c + 6)};
}

std::string hash_secret(std::string_view secret) { return hex_encode(platform::sha256(secret)); }

std::string random_token(Random& random) {
  std::array<std::byte, 32> bytes;
  random.fill(bytes);
  return base64url_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Result<std::string> encode_argon2(std::string_view password, std::string_view salt) {
  const std::size_t len = argon2_encodedlen(
      limits::kArgon2TimeCost, limits::kArgon2MemoryKiB, limits::kArgon2Parallelism,
      static_cast<std::uint32_t>(salt.size()), limits::kArgon2HashBytes, Argon2_id);
  std::vector<char> out(len + 1, '\0');
  const int rc = argon2id_hash_encoded(limits::kArgon2TimeCost, limits::kArgon2MemoryKiB,
                                       limits::kArgon2Parallelism, password.data(), password.size(),
                                       salt.data(), salt.size(), limits::kArgon2HashBytes,
                                       out.data(), out.size());
  if (rc != ARGON2_OK)
    return fail(ErrorCode::internal, std::string("argon2: ") + argon2_error_message(rc));
  return std::string(out.data());
}

// Verified against when the e-mail is unknown, so an unknown e-mail costs the same time as
// a wrong password. Same parameters as real hashes; the password is not one anybody types.
const std::string& dummy_hash() {
  static const std::string hash =
      encode_argon2("fondaco dummy password \x01", "fondaco-dummy-salt").value_or(std::string());
  return hash;
}

std::string user_event(const User& u) {
  json::Writer w;
  w.begin_object().kv("id", u.id).kv("email", u.email).kv("role", to_string(u.role));
  w.kv("active", u.active).end_object();
  return w.take();
}

// The `max`-th most recent failure matching `column = value` inside the window, i.e. the
// one whose ageing out brings the count under the limit; nullopt when under the limit.
Result<std::optional<std::int64_t>> limit_reached_at(Tx& tx, std::string_view column,
                                                     const std::string& value, int max,
                                                     std::int64_t since_ms) {
  const std::string sql = "SELECT at_ms FROM login_failures WHERE " + std::string(column) +
                          " = ? AND at_ms > ? ORDER BY at_ms DESC LIMIT 1 OFFSET ?";
  auto rows = FONDACO_TRY(tx.query(sql, {value, since_ms, std::int64_t{max - 1}}));
  if (rows.empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(rows.i64(0, 0));
}

}  // namespace

std::string_view to_string(Locale l) { return l == Locale::it ? "it" : "en"; }

std::optional<Locale> parse_locale(std::string_view s) {
  if (s == "it") return Locale::it;
  if (s == "en") return Locale::en;
  return std::nullopt;
}

Result<std::string> normalize_email(std::string_view email, std::string_view field) {
  const std::string e = ascii_lower(email);
  const auto at = e.find('@');
  bool valid = e.size() >= 3 && e.size() <= limits::kMaxEmailChars && is_valid_utf8(e) &&
               at != std::string::npos && at > 0 && at <= 64 && e.find('@', at + 1) == e.npos;
  for (char ch : e)
    valid = valid && static_cast<unsigned char>(ch) > ' ' && ch != 0x7f && ch != '<' && ch != '>' &&
            ch != ',' && ch != ';' && ch != '"';
  if (valid) {
    const std::string_view domain = std::string_view(e).substr(at + 1);
    const auto dot = domain.rfind('.');
    valid = dot != std::string_view::npos && dot != 0 && dot + 1 < domain.size() &&
            domain.find("..") == std::string_view::npos && domain.front() != '-';
  }
  if (!valid)
    return fail(ErrorCode::invalid_argument, "must be an e-mail address", std::string(field));
  return e;
}

Result<PasswordHash> hash_password(std::string_view password, Random& random,
                                   std::string_view field) {
  // No control characters at all, tabs and line ends included: a password must be typeable
  // at the CLI's one-line prompt as well as in the browser.
  if (!is_valid_utf8(password) || has_control_chars(password) ||
      password.find_first_of("\t\n\r") != std::string_view::npos ||
      utf8_length(password) < limits::kMinPasswordChars ||
      password.size() > limits::kMaxPasswordBytes)
    return fail(ErrorCode::invalid_argument,
                "must be " + std::to_string(limits::kMinPasswordChars) + " to " +
                    std::to_string(limits::kMaxPasswordBytes) + " bytes of printable characters",
                std::string(field));
  std::array<std::byte, limits::kArgon2SaltBytes> salt;
  random.fill(salt);
  auto encoded = FONDACO_TRY(encode_argon2(
      password, std::string_view(reinterpret_cast<const char*>(salt.data()), salt.size())));
  return PasswordHash(std::move(encoded));
}

bool verify_password(const std::string& encoded, std::string_view password) {
  if (encoded.empty() || password.size() > limits::kMaxPasswordBytes) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

Result<User> Users::create(Tx& tx, NewUser in, const PasswordHash& password, std::int64_t now_ms) {
  const auto email = FONDACO_TRY(normalize_email(in.email));
  if (utf8_length(in.name) > limits::kMaxUserNameChars || !is_valid_utf8(in.name) ||
      has_control_chars(in.name))
    return fail(ErrorCode::invalid_argument, "must be at most 100 printable characters", "name");
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO users (email, name, role, locale, active, password_hash, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING id",
      {email, in.name, std::string(to_string(in.role)), std::string(to_string(in.locale)),
       password.encoded(), now_ms, now_ms}));
  if (rows.empty()) return fail(ErrorCode::conflict, "a user with this e-mail exists", "email");
  User u{rows.i64(0, 0), email, std::move(in.name), in.role, in.locale, true, now_ms};
  FONDACO_TRY(log_.append(tx, "user.created", "user", std::to_string(u.id), user_event(u), now_ms));
  return u;
}

Result<User> Users::get(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(
      tx.query("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "user not found", "id");
  return user_from(rows, 0);
}

Result<Page<User>> Users::list(Tx& tx, std::int64_t after_id, int limit) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kUserColumns) + " FROM users WHERE id > ? ORDER BY id LIMIT ?",
      {after_id, std::int64_t{limit + 1}}));
  Page<User> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(user_from(rows, i));
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<User> Users::update(Tx& tx, std::int64_t id, UserPatch patch, std::int64_t now_ms) {
  if (patch.name && (utf8_length(*patch.name) > limits::kMaxUserNameChars ||
                     !is_valid_utf8(*patch.name) || has_control_chars(*patch.name)))
    return fail(ErrorCode::invalid_argument, "must be at most 100 printable characters", "name");
  // One statement: fields left null keep their value (COALESCE), so concurrent patches of
  // different fields do not undo each other.
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE users SET name = COALESCE(?, name), role = COALESCE(?, role), "
      "locale = COALESCE(?, locale), password_hash = COALESCE(?, password_hash), "
      "active = COALESCE(?, active), updated_at = ? WHERE id = ?",
      {storage::opt_value(patch.name),
       patch.role ? storage::Value{std::string(to_string(*patch.role))} : storage::null_value(),
       patch.locale ? storage::Value{std::string(to_string(*patch.locale))} : storage::null_value(),
       patch.password ? storage::Value{patch.password->encoded()} : storage::null_value(),
       patch.active ? storage::Value{std::int64_t{*patch.active ? 1 : 0}} : storage::null_value(),
       now_ms, id}));
  if (changed == 0) return fail(ErrorCode::not_found, "user not found", "id");
  // A new password or a deactivation must lock out whoever holds an existing session.
  if (patch.password || (patch.active && !*patch.active))
    FONDACO_TRY(tx.exec("DELETE FROM user_sessions WHERE user_id = ?", {id}));
  User u = FONDACO_TRY(get(tx, id));
  json::Writer w;
  w.begin_object().kv("id", u.id).kv("email", u.email).kv("role", to_string(u.role));
  w.kv("active", u.active).kv("password_changed", patch.password.has_value()).end_object();
  FONDACO_TRY(log_.append(tx, "user.updated", "user", std::to_string(u.id), w.take(), now_ms));
  return u;
}

Result<LoginAttempt> Users::begin_login(Tx& tx, std::string_view email_in, std::string_view address,
                                        std::int64_t now_ms) {
  // An e-mail that is not one still counts (as typed, lower-cased), so malformed input
  // cannot dodge the limit; it can never match a user.
  const std::string email =
      ascii_lower(email_in.substr(0, std::min(email_in.size(), limits::kMaxEmailChars)));
  const std::string addr(address.substr(0, std::min<std::size_t>(address.size(), 64)));
  const std::int64_t since = now_ms - limits::kLoginFailureWindowMs;
  FONDACO_TRY(tx.exec("DELETE FROM login_failures WHERE at_ms <= ?", {since}));
  LoginAttempt a;
  const auto by_email =
      FONDACO_TRY(limit_reached_at(tx, "email", email, limits::kLoginMaxFailuresPerEmail, since));
  const auto by_addr = FONDACO_TRY(
      limit_reached_at(tx, "address", addr, limits::kLoginMaxFailuresPerAddress, since));
  if (by_email || by_addr) {
    const std::int64_t at = std::max(by_email.value_or(0), by_addr.value_or(0));
    a.retry_after_ms = std::max<std::int64_t>(1, at + limits::kLoginFailureWindowMs - now_ms);
    return a;
  }
  auto ins = FONDACO_TRY(
      tx.query("INSERT INTO login_failures (email, address, at_ms) VALUES (?, ?, ?) RETURNING id",
               {email, addr, now_ms}));
  a.attempt_id = ins.i64(0, 0);
  auto rows = FONDACO_TRY(
      tx.query("SELECT id, password_hash FROM users WHERE email = ? AND active = 1", {email}));
  if (!rows.empty()) {
    a.user_id = rows.i64(0, 0);
    a.stored_hash = rows.text(0, 1);
  }
  return a;
}

bool Users::check_password(const LoginAttempt& attempt, std::string_view password) {
  if (attempt.retry_after_ms) return false;
  const bool verified =
      verify_password(attempt.stored_hash ? *attempt.stored_hash : dummy_hash(), password);
  return verified && attempt.user_id.has_value();
}

Result<NewSession> Users::finish_login(Tx& tx, const LoginAttempt& attempt,
                                       std::string_view presented_secret, Random& random,
                                       std::int64_t now_ms) {
  if (!attempt.user_id || !attempt.stored_hash)
    return fail(ErrorCode::unauthorized, "wrong e-mail or password");
  // The password verified against this hash; if it changed since, or the user was
  // deactivated, the attempt is void (and stays counted as a failure).
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(kUserColumns) +
                                       " FROM users WHERE id = ? AND active = 1 AND "
                                       "password_hash = ?",
                                   {*attempt.user_id, *attempt.stored_hash}));
  if (rows.empty()) return fail(ErrorCode::unauthorized, "wrong e-mail or password");
  User user = user_from(rows, 0);
  FONDACO_TRY(tx.exec("DELETE FROM login_failures WHERE id = ? OR email = ?",
                      {attempt.attempt_id, user.email}));
  // Session fixation: whatever cookie came with the login request stops working, and the
  // new session gets a fresh secret.
  if (!presented_secret.empty()) FONDACO_TRY(end_session(tx, presented_secret));
  FONDACO_TRY(tx.exec(
      "DELETE FROM user_sessions WHERE last_seen_at <= ? OR created_at <= ?",
      {now_ms - limits::kSessionIdleTimeoutMs, now_ms - limits::kSessionAbsoluteLifetimeMs}));
  NewSession out;
  out.secret = random_token(random);
  out.session.csrf_token = random_token(random);
  auto ins = FONDACO_TRY(
      tx.query("INSERT INTO user_sessions (user_id, secret_sha256, csrf_token, created_at, "
               "last_seen_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
               {user.id, hash_secret(out.secret), out.session.csrf_token, now_ms, now_ms}));
  out.session.id = ins.i64(0, 0);
  out.session.user = std::move(user);
  out.session.created_at = now_ms;
  out.session.last_seen_at = now_ms;
  return out;
}

Result<Session> Users::authenticate_session(Tx& tx, std::string_view secret, std::int64_t now_ms) {
  if (secret.size() != 43 || !base64url_decode(secret))
    return fail(ErrorCode::unauthorized, "no valid session");
  auto rows = FONDACO_TRY(tx.query(
      "SELECT s.id, s.csrf_token, s.created_at, s.last_seen_at, u.id, u.email, u.name, u.role, "
      "u.locale, u.active, u.created_at FROM user_sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.secret_sha256 = ?",
      {hash_secret(secret)}));
  if (rows.empty()) return fail(ErrorCode::unauthorized, "no valid session");
  Session s{rows.i64(0, 0), user_from(rows, 0, 4), rows.text(0, 1), rows.i64(0, 2), rows.i64(0, 3)};
  if (!s.user.active || now_ms - s.last_seen_at >= limits::kSessionIdleTimeoutMs ||
      now_ms - s.created_at >= limits::kSessionAbsoluteLifetimeMs)
    return fail(ErrorCode::unauthorized, "the session has expired");
  return s;
}

Result<void> Users::touch_session(Tx& tx, std::int64_t session_id, std::int64_t now_ms) {
  FONDACO_TRY(tx.exec("UPDATE user_sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
                      {now_ms, session_id, now_ms}));
  return ok();
}

Result<void> Users::end_session(Tx& tx, std::string_view secret) {
  FONDACO_TRY(tx.exec("DELETE FROM user_sessions WHERE secret_sha256 = ?", {hash_secret(secret)}));
  return ok();
}

}  // namespace fondaco::governance
