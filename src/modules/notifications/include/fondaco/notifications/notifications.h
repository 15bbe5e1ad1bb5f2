// Notifications: the e-mails Fondaco sends to customers, and their outbox.
//
// A caller (an event-driven chain in src/workflows/) fills a plain struct for one kind of
// message (order confirmed, bank-transfer instructions, shipped, delivered, refund issued)
// and calls Notifications::enqueue inside the transaction of the event it reacts to. The
// message is rendered there (subject, text/plain, text/html; Italian or English; templates
// compiled in; customer data HTML-escaped in the HTML part; money and dates in the
// locale's format) and stored with status `queued`. This module knows nothing of orders:
// the caller passes numbers and strings.
//
// The dedupe key ("order:12:confirmed") is unique: enqueueing it again returns the stored
// message and queues nothing, so a chain step retried or replayed after a crash still
// sends one e-mail of each kind.
//
// Delivery (deliver_due) runs outside any request: it claims a due message with one
// conditional UPDATE (queued → sending, with a lease) in its own committed transaction,
// sends it through a Transport without holding a transaction, then records the outcome:
// `sent` (+ email.sent), or back to `queued` with exponential backoff and jitter, or, after
// limits::kMaxEmailAttempts, `failed` (+ email.failed). Two senders (two processes on one
// PostgreSQL) never claim the same message while its lease runs. Delivery is
// at-least-once: a sender that dies after the SMTP server accepted a message but before it
// recorded `sent` leaves it `sending`; when the lease expires another sender sends it again.
// A failing message never stops the others, and a Transport never makes deliver_due throw.
//
// Functions take `now_ms` (deliver_due an injected Clock) and `Random&`; nothing here reads
// the real clock or OS randomness.
// Thread-safety: Notifications holds no mutable state; use it from any thread. A Transport
// is used by one deliver_due call at a time unless the implementation says otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fondaco/base/clock.h"
#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::notifications {

std::span<const storage::Migration> migrations();

enum class Locale { it, en };
std::string_view to_string(Locale l);
std::optional<Locale> parse_locale(std::string_view s);

// "1.234,50 €" (it) / "€1,234.50" (en); currencies other than EUR, USD and GBP show their
// code ("1.234,50 CHF" / "CHF 1,234.50"). Two minor digits.
std::string format_money(std::int64_t amount_minor, std::string_view currency, Locale l);
// "24 novembre 2026" (it) / "24 November 2026" (en): the calendar date in the shop's time
// zone, Europe/Rome (CET/CEST with the EU summer-time rule).
std::string format_date(std::int64_t unix_ms, Locale l);

// ---- Template data: what the caller fills, one struct per kind. ----

struct Address {
  std::string name;
  std::string line1;
  std::string line2;  // optional (empty)
  std::string postal_code;
  std::string city;
  std::string province;  // optional ("MI")
  std::string country;   // ISO 3166-1 alpha-2 or a name, shown as given
};

struct Line {
  std::string title;
  std::string sku;
  std::int64_t qty = 1;
  std::int64_t unit_price_minor = 0;  // VAT included, as the customer paid it
  std::int64_t total_minor = 0;       // qty × unit price after discounts, from the caller
};

struct OrderConfirmed {
  std::string order_number;
  std::int64_t order_date_ms = 0;
  std::string currency = "EUR";
  std::vector<Line> lines;
  std::int64_t subtotal_minor = 0;
  std::int64_t shipping_minor = 0;
  std::int64_t vat_minor = 0;  // VAT included in the total, shown for information
  std::int64_t total_minor = 0;
  Address shipping_address;
};

struct BankTransferInstructions {
  std::string order_number;  // also the payment reason ("causale")
  std::string iban;
  std::string bic;  // optional
  std::string beneficiary;
  std::int64_t amount_minor = 0;
  std::string currency = "EUR";
};

struct Shipped {
  std::string order_number;
  std::string carrier;
  std::string tracking_number;
  std::string tracking_url;  // http(s) URL, optional (empty)
};

struct Delivered {
  std::string order_number;
  std::int64_t delivered_at_ms = 0;
};

struct RefundIssued {
  std::string order_number;
  std::int64_t amount_minor = 0;
  std::string currency = "EUR";
  std::string method;  // as shown to the customer: "carta di credito", "PayPal", "bonifico"
};

// To the seller, not a customer: an outbound webhook endpoint was disabled after failing
// for days (src/workflows/src/webhooks_notify.cc).
struct WebhookDisabled {
  std::int64_t endpoint_id = 0;
  std::string url;
  std::string reason;
  std::int64_t disabled_at_ms = 0;
};

// A storefront shopper asked to sign in: the one-time link (src/storefront). The link holds
// the token; it is valid limits::kSignInLinkTtlMs, which the e-mail states in minutes.
struct CustomerSignIn {
  std::string link;  // http(s) URL
  std::int64_t valid_minutes = 15;
};

using TemplateData = std::variant<OrderConfirmed, BankTransferInstructions, Shipped, Delivered,
                                  RefundIssued, WebhookDisabled, CustomerSignIn>;

enum class Kind {
  order_confirmed,
  bank_transfer_instructions,
  shipped,
  delivered,
  refund_issued,
  webhook_disabled,
  customer_sign_in
};
std::string_view to_string(Kind k);
std::optional<Kind> parse_kind(std::string_view s);
inline Kind kind_of(const TemplateData& d) { return static_cast<Kind>(d.index()); }

struct Rendered {
  std::string subject;
  std::string text;
  std::string html;
};

struct RenderOptions {
  std::string shop_name = "Fondaco";  // signs the messages; HTML-escaped like all data
};

// Validates the data (invalid_argument naming the field, e.g. "data.lines[2].qty") and
// renders it. to_name greets the customer (may be empty).
Result<Rendered> render(const TemplateData& data, Locale locale, std::string_view to_name,
                        const RenderOptions& options = {});

// ---- The outbox. ----

// Syntactic check of an ASCII addr-spec (local@domain.tld), RFC 5321 lengths.
bool is_valid_email_address(std::string_view s);

struct EmailInput {
  std::string dedupe_key;  // "order:12:confirmed"; the same key never queues twice
  Locale locale = Locale::it;
  std::string to;       // one recipient (limits::kMaxEmailRecipients)
  std::string to_name;  // display name, may be empty
  TemplateData data;    // its alternative is the kind
};

enum class Status { queued, sending, sent, failed };
std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view s);

struct Email {
  std::int64_t id = 0;
  std::string dedupe_key;
  Kind kind = Kind::order_confirmed;
  Locale locale = Locale::it;
  std::string to;
  std::string to_name;
  std::string subject;
  std::string body_text;
  std::string body_html;
  Status status = Status::queued;
  int attempts = 0;                  // sends started (claims)
  std::int64_t next_attempt_at = 0;  // queued: due from then
  std::int64_t lease_until = 0;      // sending: another sender may take over after this
  std::string last_error;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> sent_at;
};

struct Enqueued {
  Email email;
  bool created = false;  // false: the dedupe key existed; nothing was queued
};

struct EmailFilter {
  std::optional<Status> status = {};
  std::optional<Kind> kind = {};
  std::optional<std::string> to = {};          // exact address, compared case-insensitively
  std::optional<std::string> dedupe_key = {};  // exact
  std::int64_t after_id = 0;
  int limit = 50;
};

// What a Transport is handed: everything needed to build the wire message.
struct OutgoingMessage {
  std::int64_t email_id = 0;
  std::string message_id_local;  // unique and stable across retries ("email.12.1790000000000")
  std::int64_t date_ms = 0;      // the Date header
  std::string to;
  std::string to_name;
  std::string subject;
  std::string text;
  std::string html;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // An error means "not accepted by the server": the outbox retries. May be slow (network).
  virtual Result<void> send(const OutgoingMessage& message) = 0;
};

struct DeliveryReport {
  int sent = 0;
  int retried = 0;     // failed this time, queued again with backoff
  int failed = 0;      // gave up (status failed)
  int lost_lease = 0;  // another sender took the message over meanwhile; outcome not recorded
};

// Backoff before the attempt after `attempts` failed ones: base · 2^(attempts-1) capped at
// limits::kEmailMaxBackoffMs, scaled by a random factor in [0.5, 1) (jitter spreads retries
// of many messages that failed together).
std::int64_t retry_delay_ms(int attempts, Random& random);

class Notifications {
 public:
  explicit Notifications(events::EventLog& log, RenderOptions options = {})
      : log_(log), options_(std::move(options)) {}

  // Validates (invalid_argument naming the field: "to", "dedupe_key", "data.lines[0].qty"),
  // renders and stores the message as queued, due at now_ms, and appends email.queued.
  // An existing dedupe key returns the stored message with created = false (even when it
  // was rendered from different data).
  Result<Enqueued> enqueue(storage::Tx& tx, const EmailInput& in, std::int64_t now_ms);

  static Result<Email> get(storage::Tx& tx, std::int64_t id);  // not_found naming "id"
  static Result<Page<Email>> list(storage::Tx& tx, const EmailFilter& filter);

  // Sends up to `max` (≤ limits::kEmailDeliverBatch) messages due at clock.now_ms()
  // (queued and due, or sending with an expired lease), one at a time, each claimed in its
  // own transaction before the send. It takes a Clock rather than one now_ms because a
  // round of slow sends can outlast a lease: each claim and each outcome is stamped with
  // the time it happens. Database errors are returned; transport errors and exceptions are
  // recorded on the message and never stop the round.
  Result<DeliveryReport> deliver_due(storage::Database& db, Transport& transport,
                                     const Clock& clock, Random& random, int max);
  // The same with one timestamp for the whole round. Because a round of slow sends must
  // not outlast the leases it takes, it sends at most limits::kEmailDeliverBatchAtOneTime
  // messages whatever `max` says; call it again while it reports work done.
  Result<DeliveryReport> deliver_due(storage::Database& db, Transport& transport, Random& random,
                                     std::int64_t now_ms, int max);

 private:
  Result<std::optional<Email>> claim(storage::Database& db, std::int64_t id, std::int64_t now_ms);
  Result<void> record(storage::Database& db, const Email& claimed, const Result<void>& outcome,
                      Random& random, std::int64_t now_ms, DeliveryReport& report);

  events::EventLog& log_;
  RenderOptions options_;
};

}  // namespace fondaco::notifications
