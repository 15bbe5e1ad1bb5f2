#include "fondaco/customers/customers.h"

#include <array>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "fondaco/platform/system.h"

namespace fondaco::customers {
namespace {

using storage::Rows;
using storage::Tx;

constexpr std::size_t kMaxEmailChars = 254;
constexpr std::size_t kMaxNameChars = 200;

// Syntactic only: one @, a non-empty local part, a dotted domain, no spaces or controls.
bool plausible_email(std::string_view e) {
  if (e.empty() || e.size() > kMaxEmailChars) return false;
  const auto at = e.find('@');
  if (at == 0 || at == std::string_view::npos || e.find('@', at + 1) != std::string_view::npos)
    return false;
  const auto domain = e.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == 0 || dot == std::string_view::npos || domain.back() == '.') return false;
  for (unsigned char ch : e)
    if (ch <= ' ' || ch == 0x7f) return false;
  return true;
}

Customer customer_at(const Rows& r, std::size_t i) {
  return Customer{r.i64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.i64(i, 4)};
}

constexpr std::string_view kCustomerCols = "id, email, name, locale, created_at";

Session session_at(const Rows& r, std::size_t i) {
  return Session{r.i64(i, 0), r.opt_i64(i, 1), r.opt_i64(i, 2), r.i64(i, 3), r.i64(i, 4)};
}

bool live(const Session& s, std::int64_t now_ms) {
  return now_ms - s.last_seen_at < limits::kShopSessionIdleMs &&
         now_ms - s.created_at < limits::kShopSessionAbsoluteMs;
}

}  // namespace

std::string new_secret(Random& random) {
  std::array<std::byte, 32> bytes{};
  random.fill(bytes);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string secret_hash(std::string_view secret) { return hex_encode(platform::sha256(secret)); }

Result<Customer> Customers::find_or_create(Tx& tx, std::string_view email, std::string_view name,
                                           std::string_view locale, std::int64_t now_ms) {
  const std::string key = ascii_lower(email);
  if (!plausible_email(key)) return fail(ErrorCode::invalid_argument, "not an e-mail", "email");
  if (name.size() > kMaxNameChars || !is_valid_utf8(name))
    return fail(ErrorCode::invalid_argument, "name too long or not UTF-8", "name");
  if (locale != "it" && locale != "en")
    return fail(ErrorCode::invalid_argument, "locale must be it or en", "locale");
  if (auto found = FONDACO_TRY(find_by_email(tx, key))) return *found;
  auto rows = FONDACO_TRY(
      tx.query("INSERT INTO customers (email, name, locale, created_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (email) DO NOTHING RETURNING id",
               {key, std::string(name), std::string(locale), now_ms}));
  if (rows.empty()) {  // a concurrent sign-up of the same address won
    if (auto found = FONDACO_TRY(find_by_email(tx, key))) return *found;
    return fail(ErrorCode::conflict, "customer created concurrently", "email");
  }
  Customer c{rows.i64(0, 0), key, std::string(name), std::string(locale), now_ms};
  json::Writer w;
  w.begin_object().kv("id", c.id).kv("locale", c.locale).end_object();
  FONDACO_TRY(
      log_.append(tx, "customer.created", "customer", std::to_string(c.id), w.take(), now_ms));
  return c;
}

Result<std::optional<Customer>> Customers::find_by_email(Tx& tx, std::string_view email) {
  auto r = FONDACO_TRY(tx.query(
      std::string("SELECT ") + std::string(kCustomerCols) + " FROM customers WHERE email = ?",
      {ascii_lower(email)}));
  if (r.empty()) return std::optional<Customer>{};
  return std::optional<Customer>(customer_at(r, 0));
}

Result<Customer> Customers::get(Tx& tx, std::int64_t id) {
  auto r = FONDACO_TRY(tx.query(
      std::string("SELECT ") + std::string(kCustomerCols) + " FROM customers WHERE id = ?", {id}));
  if (r.empty()) return fail(ErrorCode::not_found, "no such customer", "id");
  return customer_at(r, 0);
}

Result<std::string> Customers::issue_sign_in_token(Tx& tx, std::int64_t customer_id, Random& random,
                                                   std::int64_t now_ms) {
  // A bound on the mail one address can be sent through a public form.
  auto live = FONDACO_TRY(
      tx.query("SELECT COUNT(*) FROM customer_sign_in_tokens "
               "WHERE customer_id = ? AND expires_at > ? AND used_at IS NULL",
               {customer_id, now_ms}));
  if (live.i64(0, 0) >= limits::kSignInLinksLive)
    return fail(ErrorCode::rate_limited, "too many sign-in links still valid", "email");
  std::string token = new_secret(random);
  FONDACO_TRY(
      tx.exec("INSERT INTO customer_sign_in_tokens (customer_id, token_sha256, expires_at) "
              "VALUES (?, ?, ?)",
              {customer_id, secret_hash(token), now_ms + limits::kSignInLinkTtlMs}));
  return token;
}

Result<Customer> Customers::redeem_sign_in_token(Tx& tx, std::string_view token,
                                                 std::int64_t now_ms) {
  // One conditional UPDATE: of two concurrent redemptions only one sees a row.
  auto r = FONDACO_TRY(tx.query(
      "UPDATE customer_sign_in_tokens SET used_at = ? "
      "WHERE token_sha256 = ? AND used_at IS NULL AND expires_at > ? RETURNING customer_id",
      {now_ms, secret_hash(token), now_ms}));
  if (r.empty()) return fail(ErrorCode::unauthorized, "link unknown, used or expired", "token");
  return get(tx, r.i64(0, 0));
}

Result<std::optional<Session>> Customers::find_session(Tx& tx, std::string_view secret,
                                                       std::int64_t now_ms) {
  if (secret.empty()) return std::optional<Session>{};
  auto r = FONDACO_TRY(
      tx.query("SELECT id, customer_id, cart_id, created_at, last_seen_at FROM shop_sessions "
               "WHERE secret_sha256 = ?",
               {secret_hash(secret)}));
  if (r.empty()) return std::optional<Session>{};
  Session s = session_at(r, 0);
  if (!live(s, now_ms)) return std::optional<Session>{};
  return std::optional<Session>(s);
}

Result<Session> Customers::ensure_session(Tx& tx, std::string_view secret, std::int64_t now_ms) {
  if (secret.size() != 64) return fail(ErrorCode::invalid_argument, "bad session id", "session");
  const std::string hash = secret_hash(secret);
  auto r = FONDACO_TRY(
      tx.query("SELECT id, customer_id, cart_id, created_at, last_seen_at FROM shop_sessions "
               "WHERE secret_sha256 = ?",
               {hash}));
  if (!r.empty()) {
    Session s = session_at(r, 0);
    if (live(s, now_ms)) {
      FONDACO_TRY(
          tx.exec("UPDATE shop_sessions SET last_seen_at = ? WHERE id = ?", {now_ms, s.id}));
      s.last_seen_at = now_ms;
      return s;
    }
    // An expired session's id is never revived: its row goes, and a fresh one takes it.
    FONDACO_TRY(end_session(tx, s.id));
  }
  auto ins = FONDACO_TRY(tx.query(
      "INSERT INTO shop_sessions (secret_sha256, created_at, last_seen_at) VALUES (?, ?, ?) "
      "RETURNING id",
      {hash, now_ms, now_ms}));
  return Session{ins.i64(0, 0), std::nullopt, std::nullopt, now_ms, now_ms};
}

Result<void> Customers::set_cart(Tx& tx, std::int64_t session_id,
                                 std::optional<std::int64_t> cart_id) {
  FONDACO_TRY(tx.exec("UPDATE shop_sessions SET cart_id = ? WHERE id = ?",
                      {storage::opt_value(cart_id), session_id}));
  return ok();
}

Result<IssuedSession> Customers::sign_in(Tx& tx, std::optional<std::int64_t> old_session,
                                         std::int64_t customer_id, Random& random,
                                         std::int64_t now_ms) {
  IssuedSession out;
  out.secret = new_secret(random);
  std::optional<std::int64_t> cart;
  if (old_session) {
    auto r =
        FONDACO_TRY(tx.query("SELECT cart_id FROM shop_sessions WHERE id = ?", {*old_session}));
    if (!r.empty()) cart = r.opt_i64(0, 0);
  }
  auto ins = FONDACO_TRY(tx.query(
      "INSERT INTO shop_sessions (secret_sha256, customer_id, cart_id, created_at, last_seen_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      {secret_hash(out.secret), customer_id, storage::opt_value(cart), now_ms, now_ms}));
  out.session = Session{ins.i64(0, 0), customer_id, cart, now_ms, now_ms};
  if (old_session) {
    FONDACO_TRY(tx.exec("UPDATE shop_session_orders SET session_id = ? WHERE session_id = ?",
                        {out.session.id, *old_session}));
    FONDACO_TRY(end_session(tx, *old_session));
  }
  return out;
}

Result<void> Customers::end_session(Tx& tx, std::int64_t session_id) {
  FONDACO_TRY(tx.exec("DELETE FROM shop_session_orders WHERE session_id = ?", {session_id}));
  FONDACO_TRY(tx.exec("DELETE FROM shop_sessions WHERE id = ?", {session_id}));
  return ok();
}

Result<void> Customers::remember_order(Tx& tx, std::int64_t session_id, std::int64_t order_id,
                                       std::string_view number, std::int64_t now_ms) {
  FONDACO_TRY(
      tx.exec("INSERT INTO shop_session_orders (session_id, order_id, number, created_at) "
              "VALUES (?, ?, ?, ?) ON CONFLICT (session_id, number) DO NOTHING",
              {session_id, order_id, std::string(number), now_ms}));
  return ok();
}

Result<std::optional<std::int64_t>> Customers::remembered_order(Tx& tx, std::int64_t session_id,
                                                                std::string_view number) {
  auto r = FONDACO_TRY(
      tx.query("SELECT order_id FROM shop_session_orders WHERE session_id = ? AND number = ?",
               {session_id, std::string(number)}));
  if (r.empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(r.i64(0, 0));
}

}  // namespace fondaco::customers
