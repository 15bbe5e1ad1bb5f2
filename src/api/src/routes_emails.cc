// Customer e-mails: what the order-to-cash chain queued, its delivery state and content,
// for customer care ("did the customer get the tracking link?").
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/notifications/notifications.h"
#include "router.h"

namespace fondaco::api {
namespace {

using notifications::Email;

void write_email(json::Writer& w, const Email& e, bool with_body) {
  w.begin_object().kv("id", e.id).kv("dedupe_key", e.dedupe_key);
  w.kv("kind", notifications::to_string(e.kind)).kv("locale", notifications::to_string(e.locale));
  w.kv("to", e.to).kv("to_name", e.to_name).kv("subject", e.subject);
  w.kv("status", notifications::to_string(e.status)).kv("attempts", e.attempts);
  w.kv("last_error", e.last_error);
  w.kv("next_attempt_at", format_rfc3339_ms(e.next_attempt_at)).key("sent_at");
  if (e.sent_at) w.str(format_rfc3339_ms(*e.sent_at));
  else w.null();
  if (with_body) w.kv("text", e.body_text).kv("html", e.body_html);
  w.kv("created_at", format_rfc3339_ms(e.created_at));
  w.kv("updated_at", format_rfc3339_ms(e.updated_at)).end_object();
}

Result<Response> list_emails(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"status", "kind", "to", "limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  notifications::EmailFilter f;
  f.after_id = page.after_id;
  f.limit = page.limit;
  if (auto it = c.query.find("status"); it != c.query.end()) {
    f.status = notifications::parse_status(it->second);
    if (!f.status)
      return fail(ErrorCode::invalid_argument, "must be queued, sending, sent or failed", "status");
  }
  if (auto it = c.query.find("kind"); it != c.query.end()) {
    f.kind = notifications::parse_kind(it->second);
    if (!f.kind) return fail(ErrorCode::invalid_argument, "unknown e-mail kind", "kind");
  }
  if (auto it = c.query.find("to"); it != c.query.end()) f.to = it->second;
  const auto got = FONDACO_TRY(
      c.s.db.read([&](storage::Tx& tx) { return notifications::Notifications::list(tx, f); }));
  json::Writer w;
  w.begin_array();
  for (const auto& e : got.items) write_email(w, e, false);
  w.end_array();
  return page_response(w.take(), got.next_after);
}

Result<Response> get_email(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  const auto e = FONDACO_TRY(
      c.s.db.read([&](storage::Tx& tx) { return notifications::Notifications::get(tx, id); }));
  json::Writer w;
  write_email(w, e, true);
  return json_response(200, w.take());
}

}  // namespace

std::vector<Route> emails_routes() {
  const Access readers = roles({Role::manager, Role::customer_care, Role::marketing});
  return {
      {"GET", "/api/v1/emails", readers, list_emails},
      {"GET", "/api/v1/emails/{id}", readers, get_email},
  };
}

}  // namespace fondaco::api
