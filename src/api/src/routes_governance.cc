// Governance resources: API tokens (admin only).
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "router.h"

namespace fondaco::api {
namespace {

// `secret` is set only in the response that creates the token: it is never shown again.
void write_token(json::Writer& w, const governance::Token& t, const std::string* secret = nullptr) {
  w.begin_object().kv("id", t.id).kv("name", t.name).kv("role", governance::to_string(t.role));
  w.kv("prefix", t.prefix).kv("created_at", format_rfc3339_ms(t.created_at)).key("revoked_at");
  if (t.revoked_at) w.str(format_rfc3339_ms(*t.revoked_at));
  else w.null();
  if (secret) w.kv("token", *secret);
  w.end_object();
}

Result<Response> create_token(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  json::Object o = FONDACO_TRY(json::Object::of(doc->root()));
  auto name = FONDACO_TRY(o.req_string("name", {limits::kMaxTokenNameChars, 1, false}));
  const auto role_name = FONDACO_TRY(o.req_string("role", {32, 1, false}));
  FONDACO_TRY(o.finish());
  const auto role = governance::parse_role(role_name);
  if (!role)
    return fail(ErrorCode::invalid_argument,
                "must be one of admin, manager, marketing, purchasing, logistics, customer_care, "
                "accounting, integration",
                "role");
  // The response holds the secret: an Idempotency-Key is honoured (no second token on a
  // retry) but the body is not stored (store_body = false).
  return commit(
      c, [&](storage::Tx& tx) { return c.s.tokens.create(tx, name, *role, c.s.random, c.now_ms()); },
      [](const governance::CreatedToken& created) {
        json::Writer w;
        write_token(w, created.token, &created.secret);
        Response r = json_response(201, w.take());
        r.set_header("Cache-Control", "no-store");
        return r;
      },
      /*store_body=*/false);
}

Result<Response> list_tokens(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) {
    return c.s.tokens.list(tx, page.after_id, page.limit);
  }));
  json::Writer w;
  w.begin_array();
  for (const auto& t : result.items) write_token(w, t);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<Response> revoke_token(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto r = commit(
      c, [&](storage::Tx& tx) { return c.s.tokens.revoke(tx, id, c.now_ms()); },
      [](const governance::Token& t) {
        json::Writer w;
        write_token(w, t);
        return json_response(200, w.take());
      });
  c.token_cache.clear();  // revocation takes effect on this node's next request
  return r;
}

}  // namespace

std::vector<Route> governance_routes() {
  return {
      {"POST", "/api/v1/tokens", roles({}), create_token},
      {"GET", "/api/v1/tokens", roles({}), list_tokens},
      {"DELETE", "/api/v1/tokens/{id}", roles({}), revoke_token},
  };
}

}  // namespace fondaco::api
