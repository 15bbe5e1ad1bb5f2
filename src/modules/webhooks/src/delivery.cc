// Sending deliveries: the signature, claims with a lease that respect the per-key order,
// the attempt log, retries with backoff and jitter, and disabling an endpoint that keeps
// failing.
#include <algorithm>
#include <array>
#include <cstring>
#include <exception>

#include "fondaco/base/backoff.h"
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "fondaco/platform/system.h"
#include "fondaco/webhooks/webhooks.h"
#include "internal.h"

namespace fondaco::webhooks {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace detail {

Delivery delivery_from(const Rows& r, std::size_t i) {
  Delivery d;
  d.id = r.i64(i, 0);
  d.endpoint_id = r.i64(i, 1);
  d.event_id = r.text(i, 2);
  d.event_type = r.text(i, 3);
  d.ordering_key = r.text(i, 4);
  d.event_at = r.i64(i, 5);
  d.payload = r.text(i, 6);
  d.status = parse_delivery_status(r.text(i, 7)).value_or(DeliveryStatus::failed);
  d.attempts = static_cast<int>(r.i64(i, 8));
  d.next_attempt_at = r.i64(i, 9);
  d.lease_until = r.i64(i, 10);
  if (auto s = r.opt_i64(i, 11)) d.last_status_code = static_cast<int>(*s);
  d.last_error = r.text(i, 12);
  d.created_at = r.i64(i, 13);
  d.updated_at = r.i64(i, 14);
  d.delivered_at = r.opt_i64(i, 15);
  return d;
}

}  // namespace detail

namespace {

constexpr std::array<std::string_view, 4> kDeliveryStatuses = {"pending", "sending", "delivered",
                                                               "failed"};

// Due: pending and its time has come, or being sent by a worker whose lease ran out.
constexpr std::string_view kDueRow =
    "((d.status = 'pending' AND d.next_attempt_at <= ?) OR "
    "(d.status = 'sending' AND d.lease_until <= ?))";
// Its endpoint is active and no earlier delivery of the same endpoint and ordering key is
// still pending or being sent. `d` names the candidate row.
constexpr std::string_view kMayGo =
    "EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND "
    "e.status = 'active') "
    "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id "
    "AND p.ordering_key = d.ordering_key AND p.id < d.id AND p.status IN ('pending', 'sending'))";

// Receivers' answers and transport errors end up in TEXT columns and JSON: valid UTF-8
// without controls (PostgreSQL refuses NUL), capped.
std::string clean_text(std::string_view s, std::size_t cap) {
  std::string out(s.substr(0, cap));
  for (int trim = 0; trim < 3 && !out.empty() && !is_valid_utf8(out); ++trim) out.pop_back();
  if (!is_valid_utf8(out)) return "(" + std::to_string(s.size()) + " bytes, not UTF-8)";
  for (char& c : out)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7f) c = '?';
  return out;
}

struct Claimed {
  Delivery delivery;
  std::string url;
  std::string secret;
  std::string previous_secret;  // empty unless still within its grace period
};

// One conditional UPDATE: of two workers racing for a row, one changes it. The due test is
// on the updated row itself, so PostgreSQL re-checks it after waiting for the other
// claimer's commit; the ordering test runs in the subquery. The claim commits before the
// send, so other workers see `sending` (which blocks the key) until the outcome is written.
Result<std::optional<Claimed>> claim(storage::Database& db, std::int64_t id, std::int64_t now_ms) {
  return db.write([&](Tx& tx) -> Result<std::optional<Claimed>> {
    auto rows = FONDACO_TRY(
        tx.query("UPDATE webhook_deliveries SET status = 'sending', attempts = attempts + 1, "
                 "lease_until = ?, updated_at = ? WHERE id = ? AND ((status = 'pending' AND "
                 "next_attempt_at <= ?) OR (status = 'sending' AND lease_until <= ?)) AND id IN "
                 "(SELECT d.id FROM webhook_deliveries d WHERE d.id = ? AND " +
                     std::string(kMayGo) + ") RETURNING " + std::string(detail::kDeliveryColumns),
                 {now_ms + limits::kWebhookSendLeaseMs, now_ms, id, now_ms, now_ms, id}));
    if (rows.empty()) return std::optional<Claimed>{};
    Claimed c{detail::delivery_from(rows, 0), {}, {}, {}};
    auto ep = FONDACO_TRY(tx.query(
        "SELECT url, secret, previous_secret, previous_secret_until FROM webhook_endpoints "
        "WHERE id = ?",
        {c.delivery.endpoint_id}));
    if (ep.empty()) return std::optional<Claimed>{};
    c.url = ep.text(0, 0);
    c.secret = ep.text(0, 1);
    if (ep.opt_i64(0, 3).value_or(0) > now_ms) c.previous_secret = ep.text(0, 2);
    return std::optional<Claimed>(std::move(c));
  });
}

OutgoingRequest build_request(const Claimed& c, std::int64_t now_ms) {
  OutgoingRequest r;
  r.url = c.url;
  r.body = event_body(c.delivery);
  r.timeout_ms = limits::kWebhookTimeoutMs;
  r.headers = {
      {"Content-Type", "application/json"},
      {"User-Agent", "Fondaco-Webhooks/1"},
      {"Fondaco-Signature", signature_header(now_ms / 1000, r.body, c.secret, c.previous_secret)},
      {"Fondaco-Delivery-Id", std::to_string(c.delivery.id)},
      {"Fondaco-Event-Id", c.delivery.event_id},
      {"Fondaco-Event-Type", c.delivery.event_type},
  };
  return r;
}

// A Sender that throws is a failed attempt like any other: it never ends the round.
Result<SenderResponse> post_guarded(Sender& sender, const OutgoingRequest& r) {
  try {
    return sender.post(r);
  } catch (const std::exception& ex) {
    return fail(ErrorCode::unavailable, std::string("sender threw: ") + ex.what());
  } catch (...) {
    return fail(ErrorCode::unavailable, "sender threw");
  }
}

}  // namespace

std::string_view to_string(DeliveryStatus s) { return kDeliveryStatuses[static_cast<int>(s)]; }

std::optional<DeliveryStatus> parse_delivery_status(std::string_view s) {
  for (std::size_t i = 0; i < kDeliveryStatuses.size(); ++i)
    if (kDeliveryStatuses[i] == s) return static_cast<DeliveryStatus>(i);
  return std::nullopt;
}

std::string event_body(const Delivery& d) {
  json::Writer w;
  w.begin_object().kv("id", d.event_id).kv("type", d.event_type);
  w.kv("created_at", format_rfc3339_ms(d.event_at)).key("data").raw(d.payload).end_object();
  return w.take();
}

std::string sign(std::string_view secret, std::int64_t t_s, std::string_view body) {
  std::string signed_text = std::to_string(t_s);
  signed_text += '.';
  signed_text += body;
  return hex_encode(platform::hmac_sha256(secret, signed_text));
}

std::string signature_header(std::int64_t t_s, std::string_view body, std::string_view secret,
                             std::string_view previous_secret) {
  std::string h = "t=" + std::to_string(t_s) + ",v1=" + sign(secret, t_s, body);
  if (!previous_secret.empty()) h += ",v1=" + sign(previous_secret, t_s, body);
  return h;
}

std::int64_t retry_delay_ms(int attempts, Random& random) {
  return backoff_with_jitter_ms(attempts, limits::kWebhookBaseBackoffMs,
                                limits::kWebhookMaxBackoffMs, random);
}

// The endpoint's failure clock: a 2xx stops it; a failure starts it, and once it has run
// for kWebhookDisableAfterMs the endpoint is disabled (its deliveries then wait).
Result<void> Webhooks::note_endpoint(Tx& tx, std::int64_t endpoint_id, bool success,
                                     std::int64_t now_ms, DeliveryReport& report) {
  if (success) {
    FONDACO_TRY(
        tx.exec("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ?", {endpoint_id}));
    return ok();
  }
  FONDACO_TRY(tx.exec(
      "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?) WHERE id = ?",
      {now_ms, endpoint_id}));
  const std::string reason = "no successful delivery for 3 days";
  auto rows = FONDACO_TRY(tx.query(
      "UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = ?, disabled_at = ?, "
      "updated_at = ? WHERE id = ? AND status = 'active' AND failing_since <= ? RETURNING id",
      {reason, now_ms, now_ms, endpoint_id, now_ms - limits::kWebhookDisableAfterMs}));
  if (rows.empty()) return ok();
  ++report.disabled;
  const Endpoint e = FONDACO_TRY(get(tx, endpoint_id));
  json::Writer w;
  w.begin_object().kv("id", e.id).kv("url", e.url).kv("status", "disabled");
  w.kv("reason", reason).kv("failing_since", e.failing_since).kv_bool("automatic", true);
  w.end_object();
  return log_.append(tx, "webhook_endpoint.disabled", "webhook_endpoint",
                     std::to_string(endpoint_id), w.take(), now_ms);
}

// Logs the attempt, then writes the outcome only if the claim is still ours (same status
// and attempt number): a worker whose lease expired and was overtaken changes nothing else.
Result<void> Webhooks::record(storage::Database& db, const Delivery& claimed,
                              const Result<SenderResponse>& outcome, std::int64_t started_ms,
                              Random& random, std::int64_t now_ms, DeliveryReport& report) {
  const bool success = outcome && outcome->status >= 200 && outcome->status < 300;
  std::string error;
  if (!outcome)
    error = clean_text(outcome.error().message, 1000);
  else if (!success)
    error = "HTTP " + std::to_string(outcome->status);
  const bool give_up = !success && claimed.attempts >= limits::kWebhookMaxAttempts;
  const std::string status = success ? "delivered" : give_up ? "failed" : "pending";
  const std::int64_t next = success || give_up ? claimed.next_attempt_at
                                               : now_ms + retry_delay_ms(claimed.attempts, random);
  const Value code = outcome ? Value{std::int64_t{outcome->status}} : storage::null_value();
  const std::string snippet =
      outcome ? clean_text(outcome->body, limits::kWebhookResponseSnippetBytes) : std::string();
  const std::int64_t latency = outcome ? outcome->elapsed_ms : now_ms - started_ms;
  return db.write([&](Tx& tx) -> Result<void> {
    FONDACO_TRY(
        tx.exec("INSERT INTO webhook_attempts (delivery_id, at, status_code, latency_ms, "
                "response_snippet, error) VALUES (?, ?, ?, ?, ?, ?)",
                {claimed.id, started_ms, code, latency, snippet, error}));
    const auto changed = FONDACO_TRY(
        tx.exec("UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, lease_until = 0, "
                "last_status_code = ?, last_error = ?, updated_at = ?, delivered_at = ? "
                "WHERE id = ? AND status = 'sending' AND attempts = ?",
                {status, next, code, error, now_ms, success ? Value{now_ms} : storage::null_value(),
                 claimed.id, std::int64_t{claimed.attempts}}));
    if (changed == 0) {
      ++report.lost_lease;
      return ok();
    }
    ++(success ? report.delivered : give_up ? report.failed : report.retried);
    return note_endpoint(tx, claimed.endpoint_id, success, now_ms, report);
  });
}

Result<DeliveryReport> Webhooks::deliver_due(storage::Database& db, Sender& sender,
                                             const Clock& clock, Random& random, int max) {
  const std::int64_t scan_ms = clock.now_ms();
  const int batch = std::clamp(max, 1, limits::kWebhookDeliverBatch);
  auto due = FONDACO_TRY(db.read([&](Tx& tx) {
    return tx.query("SELECT d.id FROM webhook_deliveries d WHERE " + std::string(kDueRow) +
                        " AND " + std::string(kMayGo) + " ORDER BY d.next_attempt_at, d.id LIMIT ?",
                    {scan_ms, scan_ms, std::int64_t{batch}});
  }));
  DeliveryReport report;
  for (std::size_t i = 0; i < due.size(); ++i) {
    auto claimed = FONDACO_TRY(claim(db, due.i64(i, 0), clock.now_ms()));
    if (!claimed) continue;  // another worker has it, or it is no longer due
    const Delivery& d = claimed->delivery;
    if (d.attempts > limits::kWebhookMaxAttempts) {
      // Only lease expiries get here (a failure at the limit is final): a delivery whose
      // workers keep dying is given up, not retried forever.
      FONDACO_TRY(record(db, d, fail(ErrorCode::unavailable, "no outcome recorded: sender lost"),
                         clock.now_ms(), random, clock.now_ms(), report));
      continue;
    }
    const std::int64_t started = clock.now_ms();
    const Result<SenderResponse> outcome = post_guarded(sender, build_request(*claimed, started));
    FONDACO_TRY(record(db, d, outcome, started, random, clock.now_ms(), report));
  }
  return report;
}

}  // namespace fondaco::webhooks
