// Customers: the shoppers of the storefront.
//
// - Accounts: e-mail (unique, stored lower-cased so uniqueness is case-insensitive on both
//   engines), name, locale. There are no passwords: a shopper signs in with a one-time link.
// - Sign-in links: a random 256-bit token travels by e-mail; only its SHA-256 is stored. It
//   lives limits::kSignInLinkTtlMs and is consumed by one conditional UPDATE, so two
//   concurrent uses cannot both succeed.
// - Shopper sessions (cookie `fondaco_shop`): the cookie holds a random 256-bit id, the
//   database only its SHA-256. A session row is written lazily, the first time the shopper
//   changes something (a cart, an order, a sign-in), so browsing writes nothing. A session
//   expires after limits::kShopSessionIdleMs idle or kShopSessionAbsoluteMs in all. Signing
//   in moves the session to a new id (no fixation): the caller sets the new cookie.
// - The orders a session placed or looked up (order number + e-mail) are remembered for
//   that session only; a signed-in customer sees the orders of its own e-mail address.
//
// Every function takes the caller's transaction and `now_ms`; randomness comes from the
// caller's Random. Thread-safety: Customers holds no mutable state; use it from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/clock.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::customers {

std::span<const storage::Migration> migrations();

struct Customer {
  std::int64_t id = 0;
  std::string email;  // lower-cased
  std::string name;
  std::string locale = "it";
  std::int64_t created_at = 0;
};

struct Session {
  std::int64_t id = 0;
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> cart_id;
  std::int64_t created_at = 0;
  std::int64_t last_seen_at = 0;
};

// A session that was (re)issued: `secret` goes into the cookie, never into the database.
struct IssuedSession {
  Session session;
  std::string secret;
};

// 64 hex characters of fresh randomness (a session id, a sign-in token, a form token).
std::string new_secret(Random& random);
// What the database stores for a secret: hex SHA-256.
std::string secret_hash(std::string_view secret);

class Customers {
 public:
  explicit Customers(events::EventLog& log) : log_(log) {}

  // The account of this e-mail, created when missing (`customer.created`). invalid_argument
  // naming "email", "name" or "locale".
  Result<Customer> find_or_create(storage::Tx& tx, std::string_view email, std::string_view name,
                                  std::string_view locale, std::int64_t now_ms);
  static Result<std::optional<Customer>> find_by_email(storage::Tx& tx, std::string_view email);
  static Result<Customer> get(storage::Tx& tx, std::int64_t id);  // not_found naming "id"

  // A new one-time sign-in token for the customer (returned once, stored hashed);
  // rate_limited naming "email" while limits::kSignInLinksLive unused ones are still valid.
  static Result<std::string> issue_sign_in_token(storage::Tx& tx, std::int64_t customer_id,
                                                 Random& random, std::int64_t now_ms);
  // Consumes the token: the customer, or unauthorized naming "token" when it is unknown,
  // used or expired.
  static Result<Customer> redeem_sign_in_token(storage::Tx& tx, std::string_view token,
                                               std::int64_t now_ms);

  // The live session of this cookie secret, if any (expired ones read as none).
  static Result<std::optional<Session>> find_session(storage::Tx& tx, std::string_view secret,
                                                     std::int64_t now_ms);
  // The session row of this secret, written now if it did not exist yet (lazy sessions);
  // refreshes last_seen_at.
  static Result<Session> ensure_session(storage::Tx& tx, std::string_view secret,
                                        std::int64_t now_ms);
  static Result<void> set_cart(storage::Tx& tx, std::int64_t session_id,
                               std::optional<std::int64_t> cart_id);
  // Signs the customer in: a new session (new secret) that takes over the old one's cart and
  // orders; the old secret stops working.
  static Result<IssuedSession> sign_in(storage::Tx& tx, std::optional<std::int64_t> old_session,
                                       std::int64_t customer_id, Random& random,
                                       std::int64_t now_ms);
  static Result<void> end_session(storage::Tx& tx, std::int64_t session_id);

  // Remembers that this session may see the order (it placed it or looked it up).
  static Result<void> remember_order(storage::Tx& tx, std::int64_t session_id,
                                     std::int64_t order_id, std::string_view number,
                                     std::int64_t now_ms);
  // The order id behind `number` if this session may see it by remembrance.
  static Result<std::optional<std::int64_t>> remembered_order(storage::Tx& tx,
                                                              std::int64_t session_id,
                                                              std::string_view number);

 private:
  events::EventLog& log_;
};

}  // namespace fondaco::customers
