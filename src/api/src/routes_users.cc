// Console sessions (login, current session, logout) and user administration.
//
// Login hashes outside any transaction (argon2 is slow on purpose) between two short
// writes: the attempt is counted first, then the session is created (governance/users.h).
// Its response holds the session's secret in Set-Cookie and the CSRF token in the body, so
// it is never stored by the Idempotency layer: the route is public (no caller to scope a
// key to) and commit() is told not to keep the body.
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "router.h"

namespace fondaco::api {
namespace {

using governance::Locale;
using governance::User;

constexpr std::string_view kRoleList =
    "must be one of admin, manager, marketing, purchasing, logistics, customer_care, "
    "accounting, integration";

// "1.2.3.4:5678" or "[::1]:5678" → the address without the port: a client gets a new port
// per connection, so counting by the whole endpoint would count nothing.
std::string client_address(std::string_view endpoint) {
  if (endpoint.starts_with('[')) {
    const auto close = endpoint.find(']');
    return std::string(
        endpoint.substr(0, close == std::string_view::npos ? endpoint.size() : close + 1));
  }
  const auto colon = endpoint.rfind(':');
  return std::string(colon == std::string_view::npos ? endpoint : endpoint.substr(0, colon));
}

void write_user(json::Writer& w, const User& u, bool full) {
  w.begin_object().kv("id", u.id).kv("email", u.email).kv("name", u.name);
  w.kv("role", governance::to_string(u.role)).kv("locale", governance::to_string(u.locale));
  if (full) w.kv("active", u.active).kv("created_at", format_rfc3339_ms(u.created_at));
  w.end_object();
}

Response session_response(int status, const governance::Session& s) {
  json::Writer w;
  w.begin_object().key("user");
  write_user(w, s.user, false);
  w.kv("csrf_token", s.csrf_token).end_object();
  Response r = json_response(status, w.take());
  r.set_header("Cache-Control", "no-store");
  return r;
}

// Secure only when the client reached us over TLS (a proxy in front says so); a plain
// http://localhost console must still be able to log in.
std::string session_cookie(const Ctx& c, std::string_view value, bool clear) {
  std::string out = std::string(kSessionCookie) + "=" + std::string(value) +
                    "; HttpOnly; SameSite=Strict; Path=/";
  if (clear) out += "; Max-Age=0";
  if (ascii_lower(c.req.header("X-Forwarded-Proto")) == "https") out += "; Secure";
  return out;
}

Result<Role> role_of(std::string_view name) {
  const auto role = governance::parse_role(name);
  if (!role) return fail(ErrorCode::invalid_argument, std::string(kRoleList), "role");
  return *role;
}

Result<Locale> locale_of(std::string_view name) {
  const auto locale = governance::parse_locale(name);
  if (!locale) return fail(ErrorCode::invalid_argument, "must be it or en", "locale");
  return *locale;
}

Result<Response> login(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  json::Object o = FONDACO_TRY(json::Object::of(doc->root()));
  const auto email = FONDACO_TRY(o.req_string("email", {limits::kMaxEmailChars, 1, false}));
  const auto password =
      FONDACO_TRY(o.req_string("password", {limits::kMaxPasswordBytes, 1, false}));
  FONDACO_TRY(o.finish());
  const std::int64_t now = c.now_ms();
  const std::string address = client_address(c.req.remote_address);
  auto attempt = FONDACO_TRY(c.s.writes.write(
      [&](storage::Tx& tx) { return c.users->begin_login(tx, email, address, now); }));
  if (attempt.retry_after_ms) {
    Response r = problem_response(
        make_error(ErrorCode::rate_limited, "too many failed logins; try again later"));
    r.set_header("Retry-After", std::to_string((*attempt.retry_after_ms + 999) / 1000));
    return r;
  }
  if (!governance::Users::check_password(attempt, password))
    return fail(ErrorCode::unauthorized, "wrong e-mail or password");
  const std::string presented(cookie_value(c.req, kSessionCookie));
  return commit(
      c,
      [&](storage::Tx& tx) {
        return c.users->finish_login(tx, attempt, presented, c.s.random, now);
      },
      [&](const governance::NewSession& s) {
        Response r = session_response(201, s.session);
        r.set_header("Set-Cookie", session_cookie(c, s.secret, false));
        return r;
      },
      /*store_body=*/false);
}

Result<Response> current_session(Ctx& c) {
  if (!c.session) return fail(ErrorCode::unauthorized, "this resource needs the session cookie");
  return session_response(200, *c.session);
}

Result<Response> logout(Ctx& c) {
  if (!c.session) return fail(ErrorCode::unauthorized, "this resource needs the session cookie");
  const std::string secret(cookie_value(c.req, kSessionCookie));
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<bool> {
        FONDACO_TRY(c.users->end_session(tx, secret));
        return true;
      },
      [&](bool) {
        Response r;
        r.status = 204;
        r.set_header("Set-Cookie", session_cookie(c, "", true));
        r.set_header("Cache-Control", "no-store");
        return r;
      });
}

Result<Response> list_users(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  auto result = FONDACO_TRY(
      c.s.db.read([&](storage::Tx& tx) { return c.users->list(tx, page.after_id, page.limit); }));
  json::Writer w;
  w.begin_array();
  for (const auto& u : result.items) write_user(w, u, true);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Response user_response(int status, const User& u) {
  json::Writer w;
  write_user(w, u, true);
  Response r = json_response(status, w.take());
  if (status == 201) r.set_header("Location", "/api/v1/users/" + std::to_string(u.id));
  return r;
}

Result<Response> create_user(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  json::Object o = FONDACO_TRY(json::Object::of(doc->root()));
  governance::NewUser in;
  in.email = FONDACO_TRY(o.req_string("email", {limits::kMaxEmailChars, 1, false}));
  in.name = FONDACO_TRY(o.opt_string("name", {limits::kMaxUserNameChars, 0, false})).value_or("");
  in.role = FONDACO_TRY(role_of(FONDACO_TRY(o.req_string("role", {32, 1, false}))));
  if (auto l = FONDACO_TRY(o.opt_string("locale", {8, 1, false})))
    in.locale = FONDACO_TRY(locale_of(*l));
  const auto password =
      FONDACO_TRY(o.req_string("password", {limits::kMaxPasswordBytes, 0, false}));
  FONDACO_TRY(o.finish());
  FONDACO_TRY(governance::normalize_email(in.email));  // a bad e-mail costs no hash
  // Hashed before the transaction: the writer is never held for the argon2 time. The unit
  // may run again (a retried batch), so it copies its inputs instead of moving them.
  const auto hash = FONDACO_TRY(governance::hash_password(password, c.s.random));
  return commit(
      c, [&](storage::Tx& tx) { return c.users->create(tx, in, hash, c.now_ms()); },
      [](const User& u) { return user_response(201, u); });
}

Result<Response> patch_user(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  json::Object o = FONDACO_TRY(json::Object::of(doc->root()));
  governance::UserPatch p;
  p.name = FONDACO_TRY(o.opt_string("name", {limits::kMaxUserNameChars, 0, false}));
  if (auto r = FONDACO_TRY(o.opt_string("role", {32, 1, false}))) p.role = FONDACO_TRY(role_of(*r));
  if (auto l = FONDACO_TRY(o.opt_string("locale", {8, 1, false})))
    p.locale = FONDACO_TRY(locale_of(*l));
  p.active = FONDACO_TRY(o.opt_bool("active"));
  const auto password =
      FONDACO_TRY(o.opt_string("password", {limits::kMaxPasswordBytes, 0, false}));
  FONDACO_TRY(o.finish());
  if (password) p.password = FONDACO_TRY(governance::hash_password(*password, c.s.random));
  return commit(
      c, [&](storage::Tx& tx) { return c.users->update(tx, id, p, c.now_ms()); },
      [](const User& u) { return user_response(200, u); });
}

}  // namespace

std::vector<Route> users_routes() {
  return {
      {"POST", "/api/v1/session", public_access(), login},
      {"GET", "/api/v1/session", any_role(), current_session},
      {"DELETE", "/api/v1/session", any_role(), logout},
      {"GET", "/api/v1/users", roles({}), list_users},
      {"POST", "/api/v1/users", roles({}), create_user},
      {"PATCH", "/api/v1/users/{id}", roles({}), patch_user},
  };
}

}  // namespace fondaco::api
