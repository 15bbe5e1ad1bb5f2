// Outbound webhooks for integrators: endpoints that subscribe to event types, one delivery
// row per (event, matching endpoint), and signed, retried, ordered delivery with a log.
//
// Endpoints: an http(s) URL, a description, the event types they want (exact "order.created",
// a prefix "order.*", or "*"; prefixes must be known aggregates) and a signing secret made
// at creation from Random& and shown once. rotate_secret makes a new one and keeps the
// previous for limits::kWebhookSecretGraceMs, during which both sign (two `v1=` values).
//
// Fan-out (fan_out, called by the "webhooks.fanout" transactional subscriber) turns each
// committed event into one `pending` delivery per active endpoint subscribed to its type, in
// the event log's order, in the subscriber's transaction (exactly once per event).
//
// Delivery (deliver_due) claims a due delivery with one conditional UPDATE and a lease,
// sends it through a Sender outside any transaction, and records the attempt: 2xx =
// `delivered`; otherwise `pending` again with exponential backoff and jitter, or `failed`
// after limits::kWebhookMaxAttempts. Ordering: deliveries of one endpoint sharing an
// ordering key (the event's aggregate and id, "order:42") go one at a time in id order
// (= event order): a delivery waits while an earlier one with the same key is pending or
// sending; a failed one no longer blocks (giving up on it must not stop the endpoint
// forever). At-least-once: a worker killed mid-send leaves `sending`; after the lease
// another worker sends it again with the same Fondaco-Delivery-Id, on which receivers
// dedupe. An endpoint with no 2xx for limits::kWebhookDisableAfterMs since its first
// failure is disabled (webhook_endpoint.disabled); its pending deliveries wait and resume
// when it is enabled again. Manual redelivery puts the same delivery (same id, same body)
// back to `pending` with a fresh attempt budget; its earlier attempts stay in the log.
//
// Signature: `Fondaco-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`
// (one v1 per valid secret; the key is the secret string's bytes).
//
// Nothing here reads the clock or OS randomness: functions take now_ms / Clock / Random.
// Thread-safety: Webhooks holds no mutable state; use it from any thread. A Sender is used
// by one deliver_due call at a time unless the implementation says otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fondaco/base/clock.h"
#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::webhooks {

std::span<const storage::Migration> migrations();

// Aggregates whose events may be subscribed to ("order" → "order.*", "order.created").
std::span<const std::string_view> known_prefixes();
// Whether the subscription pattern (exact type, "prefix.*" or "*") covers the event type.
bool matches(std::string_view pattern, std::string_view type);

enum class EndpointStatus { active, disabled };
std::string_view to_string(EndpointStatus s);

struct Endpoint {
  std::int64_t id = 0;
  std::string url;
  std::string description;
  std::vector<std::string> event_types;
  EndpointStatus status = EndpointStatus::active;
  std::string disabled_reason;
  std::optional<std::int64_t> disabled_at;
  std::optional<std::int64_t> failing_since;          // first failed attempt since the last 2xx
  std::string secret_hint;                            // last 4 characters of the current secret
  std::optional<std::int64_t> previous_secret_until;  // grace period of a rotated secret
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct EndpointInput {
  std::string url;
  std::string description;
  std::vector<std::string> event_types;
};

struct EndpointPatch {
  std::optional<std::string> url = {};
  std::optional<std::string> description = {};
  std::optional<std::vector<std::string>> event_types = {};
  std::optional<bool> enabled = {};  // true re-enables a disabled endpoint; false disables it
};

// An endpoint and its secret: returned once, by create and rotate_secret.
struct WithSecret {
  Endpoint endpoint;
  std::string secret;
};

enum class DeliveryStatus { pending, sending, delivered, failed };
std::string_view to_string(DeliveryStatus s);
std::optional<DeliveryStatus> parse_delivery_status(std::string_view s);

struct Delivery {
  std::int64_t id = 0;
  std::int64_t endpoint_id = 0;
  std::string event_id;  // "evt_<seq>", or "ping_<hex>" for a ping
  std::string event_type;
  std::string ordering_key;  // "order:42"
  std::int64_t event_at = 0;
  std::string payload;  // the event's JSON object (the body's "data")
  DeliveryStatus status = DeliveryStatus::pending;
  int attempts = 0;  // attempts in the current round (reset by redelivery)
  std::int64_t next_attempt_at = 0;
  std::int64_t lease_until = 0;
  std::optional<int> last_status_code;
  std::string last_error;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> delivered_at;
};

struct Attempt {
  std::int64_t id = 0;
  std::int64_t delivery_id = 0;
  std::int64_t at = 0;
  std::optional<int> status_code;  // none: no HTTP answer (network error, timeout)
  std::int64_t latency_ms = 0;
  std::string response_snippet;  // at most limits::kWebhookResponseSnippetBytes
  std::string error;
};

// The body every receiver gets: {"id","type","created_at","data":{...}}.
std::string event_body(const Delivery& d);
// Hex HMAC-SHA256(secret, "<t_s>.<body>").
std::string sign(std::string_view secret, std::int64_t t_s, std::string_view body);
// "t=<t_s>,v1=<hex>[,v1=<hex>]": the previous secret signs too while it is given.
std::string signature_header(std::int64_t t_s, std::string_view body, std::string_view secret,
                             std::string_view previous_secret = {});

// What a Sender is handed and returns. An error means no HTTP answer (network, timeout).
struct OutgoingRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::int64_t timeout_ms = 0;
};
struct SenderResponse {
  int status = 0;
  std::string body;
  std::int64_t elapsed_ms = 0;
};
class Sender {
 public:
  virtual ~Sender() = default;
  virtual Result<SenderResponse> post(const OutgoingRequest& request) = 0;
};

struct DeliveryReport {
  int delivered = 0;
  int retried = 0;     // failed this time, pending again with backoff
  int failed = 0;      // gave up (status failed)
  int lost_lease = 0;  // another worker took it over meanwhile; outcome not recorded
  int disabled = 0;    // endpoints disabled by this round
};

// Backoff before the attempt after `attempts` failed ones: base · 2^(attempts-1) capped at
// limits::kWebhookMaxBackoffMs, scaled by a random factor in [0.5, 1).
std::int64_t retry_delay_ms(int attempts, Random& random);

struct DeliveryFilter {
  std::optional<DeliveryStatus> status = {};
  std::int64_t after_id = 0;
  int limit = 50;
};

class Webhooks {
 public:
  explicit Webhooks(events::EventLog& log) : log_(log) {}

  // Validates (unprocessable naming "url", "description", "event_types[1]"), stores the
  // endpoint active with a new secret, appends webhook_endpoint.created.
  Result<WithSecret> create(storage::Tx& tx, const EndpointInput& in, Random& random,
                            std::int64_t now_ms);
  static Result<Endpoint> get(storage::Tx& tx, std::int64_t id);  // not_found naming "id"
  static Result<Page<Endpoint>> list(storage::Tx& tx, std::int64_t after_id, int limit);
  // Changes what the patch names; enabled=true clears the failure state. Appends
  // webhook_endpoint.updated (and .enabled / .disabled when the status moves).
  Result<Endpoint> update(storage::Tx& tx, std::int64_t id, const EndpointPatch& patch,
                          std::int64_t now_ms);
  // Deletes the endpoint with its deliveries and their log; webhook_endpoint.deleted.
  Result<void> remove(storage::Tx& tx, std::int64_t id, std::int64_t now_ms);
  // New secret; the current one becomes the previous, valid for kWebhookSecretGraceMs.
  Result<WithSecret> rotate_secret(storage::Tx& tx, std::int64_t id, Random& random,
                                   std::int64_t now_ms);

  // One pending delivery per active endpoint subscribed to e.type; returns how many.
  static Result<int> fan_out(storage::Tx& tx, const events::Event& e);
  // A "webhook.ping" delivery to this endpoint alone (not subject to its subscriptions).
  static Result<Delivery> ping(storage::Tx& tx, std::int64_t endpoint_id, Random& random,
                               std::int64_t now_ms);

  static Result<Page<Delivery>> deliveries(storage::Tx& tx, std::int64_t endpoint_id,
                                           const DeliveryFilter& filter);
  // not_found naming "delivery_id" unless it belongs to the endpoint.
  static Result<Delivery> delivery(storage::Tx& tx, std::int64_t endpoint_id,
                                   std::int64_t delivery_id);
  // The newest limits::kWebhookAttemptsShown attempts, oldest first.
  static Result<std::vector<Attempt>> attempts(storage::Tx& tx, std::int64_t delivery_id);
  // Back to pending, due now, with a fresh attempt budget; conflict while pending/sending.
  static Result<Delivery> redeliver(storage::Tx& tx, std::int64_t endpoint_id,
                                    std::int64_t delivery_id, std::int64_t now_ms);

  // Sends up to `max` (≤ limits::kWebhookDeliverBatch) due deliveries of active endpoints,
  // respecting the ordering rule, each claimed in its own transaction before the send. Each
  // claim and outcome is stamped with clock.now_ms() at that moment. Database errors are
  // returned; sender errors are recorded and never stop the round.
  Result<DeliveryReport> deliver_due(storage::Database& db, Sender& sender, const Clock& clock,
                                     Random& random, int max);
  // Forgets delivered and failed deliveries (and attempts) created before before_ms.
  static Result<std::int64_t> prune(storage::Tx& tx, std::int64_t before_ms);

 private:
  Result<void> record(storage::Database& db, const Delivery& claimed,
                      const Result<SenderResponse>& outcome, std::int64_t started_ms,
                      Random& random, std::int64_t now_ms, DeliveryReport& report);
  Result<void> note_endpoint(storage::Tx& tx, std::int64_t endpoint_id, bool success,
                             std::int64_t now_ms, DeliveryReport& report);

  events::EventLog& log_;
};

// Registers the "webhooks.fanout" transactional subscriber. A failing batch is retried,
// never parked: skipping an event would break the per-key order.
void register_fan_out(events::Dispatcher& d);

}  // namespace fondaco::webhooks
