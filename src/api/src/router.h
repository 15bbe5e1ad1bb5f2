// Private to api/: the route table type, the per-request context and the helpers every
// resource file uses (JSON bodies, query parameters, cursor pagination, responses).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/api/app.h"
#include "fondaco/governance/tokens.h"
#include "fondaco/governance/users.h"
#include "fondaco/platform/json.h"
#include "idempotency.h"
#include "read_cache.h"

namespace fondaco::api {

using governance::Role;

using Params = std::map<std::string, std::string, std::less<>>;

// Recently verified tokens (see limits::kTokenCacheTtlMs). Thread-safe.
class TokenCache {
 public:
  std::optional<governance::Token> find(std::string_view secret, std::int64_t now_ms) const;
  // Note generation() before verifying a token; put() refuses it if clear() ran since.
  std::uint64_t generation() const;
  void put(std::string secret, governance::Token token, std::int64_t now_ms,
           std::uint64_t generation);
  void clear();

 private:
  struct Entry {
    governance::Token token;
    std::int64_t expires_ms;
  };
  mutable std::shared_mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;
  std::uint64_t generation_ = 0;
};

// The console's session cookie (governance/users.h). A request authenticates either with
// `Authorization: Bearer <token>` (API clients) or with this cookie (the web console);
// when both are present the bearer token wins and the cookie is ignored.
inline constexpr std::string_view kSessionCookie = "fondaco_session";
// The value of cookie `name` in the request's Cookie header, or empty.
std::string_view cookie_value(const Request& req, std::string_view name);

// Who is calling, whichever way they authenticated; role checks use it.
struct Principal {
  enum class Kind { token, user };
  Kind kind = Kind::token;
  std::int64_t id = 0;  // the token's or the user's id
  Role role = Role::integration;
  // Idempotency-Key records are scoped per caller: a token by its id, a user by its id
  // negated (ids are positive), so a user's keys never collide with a token's.
  std::int64_t idempotency_scope() const { return kind == Kind::token ? id : -id; }
};

struct Ctx {
  const Request& req;
  Services& s;
  Params path;   // {id} captures, decoded
  Params query;  // decoded query parameters
  std::optional<governance::Token> token;  // set when a bearer token authenticated
  TokenCache& token_cache;
  std::optional<IdempotencyKey> idem;  // set on POSTs that carry an Idempotency-Key
  bool idem_recorded = false;
  ReadCache* variant_cache = nullptr;  // null when caching is off (PostgreSQL)
  governance::Users* users = nullptr;  // console users and sessions (never null in routes)
  std::optional<Principal> principal;  // set on every authenticated (non-public) route
  std::optional<governance::Session> session;  // set when the session cookie authenticated
  std::int64_t now_ms() const { return s.clock.now_ms(); }
};

// Runs `work` as one unit of the group-commit writer (storage/group_commit.h: queued
// requests share one durable transaction, each in its own savepoint), renders its result
// into the response and, when the request carries an Idempotency-Key, records that
// response in the same unit. Returns once the transaction has committed, so a 2xx is
// durable. Every state-changing handler goes through here. store_body=false for responses holding a
// secret (see idempotency.h).
template <typename Work, typename Render>
Result<Response> commit(Ctx& c, Work&& work, Render&& render, bool store_body = true) {
  Response out;
  FONDACO_TRY(c.s.writes.write([&](storage::Tx& tx) -> Result<void> {
    auto value = FONDACO_TRY(work(tx));
    out = render(value);
    if (c.idem) FONDACO_TRY(Idempotency::record(tx, *c.idem, out, store_body, c.now_ms()));
    return ok();
  }));
  c.idem_recorded = c.idem.has_value();
  return out;
}

using RouteFn = std::function<Result<Response>(Ctx&)>;

// Who may call a route. `public_route` routes need no token at all.
struct Access {
  bool public_route = false;
  std::vector<Role> roles;  // any of these (admin is always allowed)
};

struct Route {
  std::string method;
  std::string pattern;
  Access access;
  RouteFn fn;
};

// Role sets shared by resource files.
Access public_access();
Access any_role();
Access roles(std::initializer_list<Role> r);

// Resource files.
std::vector<Route> system_routes();
std::vector<Route> catalog_routes();
std::vector<Route> inventory_routes();
std::vector<Route> governance_routes();
std::vector<Route> orders_routes();
std::vector<Route> channels_routes();
std::vector<Route> carts_routes();
std::vector<Route> payments_routes();
std::vector<Route> invoicing_routes();
std::vector<Route> fulfillment_routes();
std::vector<Route> returns_routes();
std::vector<Route> automations_routes();
std::vector<Route> emails_routes();
std::vector<Route> users_routes();            // sessions and users (web console)
std::vector<Route> dashboard_routes();        // admin dashboard figures
std::vector<Route> channel_inbound_routes();  // channel webhooks and report imports
std::vector<Route> webhooks_routes();         // outbound webhook endpoints
std::vector<Route> imports_routes();          // product/order files in and out

// ---- helpers ----
Response json_response(int status, std::string body);
Response problem_response(const Error& e);
int http_status(ErrorCode code);

// Parses the request body as a JSON object (checks Content-Type, UTF-8, syntax).
Result<std::unique_ptr<json::Document>> json_body(const Ctx& c);
// Rejects query parameters other than those listed.
Result<void> allow_query(const Ctx& c, std::initializer_list<std::string_view> names);

struct PageRequest {
  std::int64_t after_id = 0;
  int limit = 50;
};
Result<PageRequest> page_request(const Params& query, int max_limit);
inline Result<PageRequest> page_request(const Ctx& c, int max_limit) {
  return page_request(c.query, max_limit);
}
std::string encode_cursor(std::int64_t after_id);
// {"items":[...], "next_cursor": ...}: items_json is a rendered JSON array.
Response page_response(std::string_view items_json, std::optional<std::int64_t> next_after);

Result<std::int64_t> path_id(const Ctx& c, std::string_view name);

// Percent-decoding for path segments and query values ('+' is a space only in queries).
std::optional<std::string> url_decode(std::string_view s, bool plus_is_space);

}  // namespace fondaco::api
