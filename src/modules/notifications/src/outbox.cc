// The e-mail outbox: enqueue in the caller's transaction, reads, and delivery with
// claims (conditional UPDATE with a lease), retries with backoff and a final `failed`.
#include <algorithm>
#include <array>
#include <cstring>
#include <exception>

#include "fondaco/base/backoff.h"
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/notifications/notifications.h"
#include "fondaco/platform/json.h"

namespace fondaco::notifications {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

constexpr std::string_view kColumns =
    "id, dedupe_key, kind, locale, to_address, to_name, subject, body_text, body_html, status, "
    "attempts, next_attempt_at, lease_until, last_error, created_at, updated_at, sent_at";

Email email_from(const Rows& r, std::size_t i) {
  Email e;
  e.id = r.i64(i, 0);
  e.dedupe_key = r.text(i, 1);
  e.kind = parse_kind(r.text(i, 2)).value_or(Kind::order_confirmed);
  e.locale = parse_locale(r.text(i, 3)).value_or(Locale::it);
  e.to = r.text(i, 4);
  e.to_name = r.text(i, 5);
  e.subject = r.text(i, 6);
  e.body_text = r.text(i, 7);
  e.body_html = r.text(i, 8);
  e.status = parse_status(r.text(i, 9)).value_or(Status::failed);
  e.attempts = static_cast<int>(r.i64(i, 10));
  e.next_attempt_at = r.i64(i, 11);
  e.lease_until = r.i64(i, 12);
  e.last_error = r.text(i, 13);
  e.created_at = r.i64(i, 14);
  e.updated_at = r.i64(i, 15);
  e.sent_at = r.opt_i64(i, 16);
  return e;
}

// Keys are built by code ("order:12:confirmed"): printable ASCII, no spaces.
Result<void> check_dedupe_key(std::string_view k) {
  if (k.empty() || k.size() > limits::kMaxEmailDedupeKeyChars)
    return fail(ErrorCode::invalid_argument, "must be 1-200 characters", "dedupe_key");
  for (char c : k)
    if (c < 0x21 || c > 0x7e)
      return fail(ErrorCode::invalid_argument, "must be printable ASCII without spaces",
                  "dedupe_key");
  return ok();
}

// Transport errors end up in a TEXT column and in events: printable ASCII, bounded.
std::string clean_error(std::string_view msg) {
  std::string out;
  for (char c : msg.substr(0, 1000)) out.push_back(c >= 0x20 && c <= 0x7e ? c : '?');
  return out.empty() ? "send failed" : out;
}

std::string payload(const Email& e, std::string_view error = {}) {
  json::Writer w;
  w.begin_object().kv("id", e.id).kv("dedupe_key", e.dedupe_key).kv("kind", to_string(e.kind));
  w.kv("to", e.to).kv("attempts", std::int64_t{e.attempts});
  if (!error.empty()) w.kv("error", error);
  w.end_object();
  return w.take();
}

// A Transport that throws is a failed send like any other: it never ends the round.
Result<void> send_guarded(Transport& transport, const OutgoingMessage& m) {
  try {
    return transport.send(m);
  } catch (const std::exception& ex) {
    return fail(ErrorCode::unavailable, std::string("transport threw: ") + ex.what());
  } catch (...) {
    return fail(ErrorCode::unavailable, "transport threw");
  }
}

class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::int64_t now_ms) : now_ms_(now_ms) {}
  std::int64_t now_ms() const override { return now_ms_; }

 private:
  std::int64_t now_ms_;
};

}  // namespace

std::int64_t retry_delay_ms(int attempts, Random& random) {
  return backoff_with_jitter_ms(attempts, limits::kEmailBaseBackoffMs, limits::kEmailMaxBackoffMs,
                                random);
}

Result<Enqueued> Notifications::enqueue(Tx& tx, const EmailInput& in, std::int64_t now_ms) {
  FONDACO_TRY(check_dedupe_key(in.dedupe_key));
  if (!is_valid_email_address(in.to))
    return fail(ErrorCode::invalid_argument, "must be an e-mail address (name@example.com)", "to");
  const Rendered r = FONDACO_TRY(render(in.data, in.locale, in.to_name, options_));
  // ON CONFLICT DO NOTHING: a concurrent enqueue of the same key (PostgreSQL) waits for the
  // first to commit and then inserts nothing; the stored message is returned instead.
  auto inserted = FONDACO_TRY(tx.query(
      "INSERT INTO emails (dedupe_key, kind, locale, to_address, to_address_lower, to_name, "
      "subject, body_text, body_html, status, attempts, next_attempt_at, lease_until, "
      "last_error, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, 0, '', ?, ?) "
      "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
      {in.dedupe_key, std::string(to_string(kind_of(in.data))),
       std::string(to_string(in.locale)), in.to, ascii_lower(in.to), in.to_name, r.subject,
       r.text, r.html, now_ms, now_ms, now_ms}));
  if (inserted.empty()) {
    auto rows = FONDACO_TRY(tx.query(
        "SELECT " + std::string(kColumns) + " FROM emails WHERE dedupe_key = ?", {in.dedupe_key}));
    if (rows.empty()) return fail(ErrorCode::internal, "dedupe key vanished", "dedupe_key");
    return Enqueued{email_from(rows, 0), false};
  }
  Email e = FONDACO_TRY(get(tx, inserted.i64(0, 0)));
  FONDACO_TRY(log_.append(tx, "email.queued", "email", std::to_string(e.id), payload(e), now_ms));
  return Enqueued{std::move(e), true};
}

Result<Email> Notifications::get(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(
      tx.query("SELECT " + std::string(kColumns) + " FROM emails WHERE id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "e-mail not found", "id");
  return email_from(rows, 0);
}

Result<Page<Email>> Notifications::list(Tx& tx, const EmailFilter& f) {
  const int limit = std::clamp(f.limit, 1, limits::kMaxPageSize);
  std::string sql = "SELECT " + std::string(kColumns) + " FROM emails WHERE id > ?";
  std::vector<Value> params{f.after_id};
  if (f.status) {
    sql += " AND status = ?";
    params.emplace_back(std::string(to_string(*f.status)));
  }
  if (f.kind) {
    sql += " AND kind = ?";
    params.emplace_back(std::string(to_string(*f.kind)));
  }
  if (f.to) {
    sql += " AND to_address_lower = ?";
    params.emplace_back(ascii_lower(*f.to));
  }
  if (f.dedupe_key) {
    sql += " AND dedupe_key = ?";
    params.emplace_back(*f.dedupe_key);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(std::int64_t{limit + 1});
  auto rows = FONDACO_TRY(tx.query(sql, params));
  Page<Email> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(email_from(rows, i));
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

// One conditional statement: of two senders racing for a row, exactly one sees it due and
// changes it (on PostgreSQL the second waits for the first's commit, then re-checks the
// condition on the new row). The claim commits before the send, so others see `sending`.
Result<std::optional<Email>> Notifications::claim(storage::Database& db, std::int64_t id,
                                                  std::int64_t now_ms) {
  return db.write([&](Tx& tx) -> Result<std::optional<Email>> {
    auto rows = FONDACO_TRY(tx.query(
        "UPDATE emails SET status = 'sending', attempts = attempts + 1, lease_until = ?, "
        "updated_at = ? WHERE id = ? AND ((status = 'queued' AND next_attempt_at <= ?) OR "
        "(status = 'sending' AND lease_until <= ?)) RETURNING " + std::string(kColumns),
        {now_ms + limits::kEmailSendLeaseMs, now_ms, id, now_ms, now_ms}));
    if (rows.empty()) return std::optional<Email>{};
    return std::optional<Email>(email_from(rows, 0));
  });
}

// Writes the outcome only if the claim is still ours (same status and attempt number): a
// sender whose lease expired and was overtaken records nothing.
Result<void> Notifications::record(storage::Database& db, const Email& claimed,
                                   const Result<void>& outcome, Random& random,
                                   std::int64_t now_ms, DeliveryReport& report) {
  const std::string error = outcome ? std::string() : clean_error(outcome.error().message);
  const bool give_up = !outcome && claimed.attempts >= limits::kMaxEmailAttempts;
  const std::int64_t next = outcome || give_up ? claimed.next_attempt_at
                                               : now_ms + retry_delay_ms(claimed.attempts, random);
  const std::string status = outcome ? "sent" : give_up ? "failed" : "queued";
  return db.write([&](Tx& tx) -> Result<void> {
    const auto changed = FONDACO_TRY(tx.exec(
        "UPDATE emails SET status = ?, next_attempt_at = ?, lease_until = 0, last_error = ?, "
        "updated_at = ?, sent_at = ? WHERE id = ? AND status = 'sending' AND attempts = ?",
        {status, next, error, now_ms, outcome ? Value{now_ms} : storage::null_value(),
         claimed.id, std::int64_t{claimed.attempts}}));
    if (changed == 0) {
      ++report.lost_lease;
      return ok();
    }
    if (outcome) {
      ++report.sent;
      FONDACO_TRY(log_.append(tx, "email.sent", "email", std::to_string(claimed.id),
                              payload(claimed), now_ms));
    } else if (give_up) {
      ++report.failed;
      FONDACO_TRY(log_.append(tx, "email.failed", "email", std::to_string(claimed.id),
                              payload(claimed, error), now_ms));
    } else {
      ++report.retried;
    }
    return ok();
  });
}

Result<DeliveryReport> Notifications::deliver_due(storage::Database& db, Transport& transport,
                                                  const Clock& clock, Random& random, int max) {
  const std::int64_t scan_ms = clock.now_ms();
  const int batch = std::clamp(max, 1, limits::kEmailDeliverBatch);
  auto due = FONDACO_TRY(db.read([&](Tx& tx) {
    return tx.query(
        "SELECT id FROM emails WHERE (status = 'queued' AND next_attempt_at <= ?) OR "
        "(status = 'sending' AND lease_until <= ?) ORDER BY next_attempt_at, id LIMIT ?",
        {scan_ms, scan_ms, std::int64_t{batch}});
  }));
  DeliveryReport report;
  for (std::size_t i = 0; i < due.size(); ++i) {
    auto claimed = FONDACO_TRY(claim(db, due.i64(i, 0), clock.now_ms()));
    if (!claimed) continue;  // another sender has it
    const Email& e = *claimed;
    if (e.attempts > limits::kMaxEmailAttempts) {
      // Only lease expiries get here (a failure at the limit is final): a message whose
      // senders keep dying is given up, not retried forever.
      FONDACO_TRY(record(db, e, fail(ErrorCode::unavailable, "no outcome recorded: sender lost"),
                         random, clock.now_ms(), report));
      continue;
    }
    // The Message-ID stays the same across retries: a receiver can spot a duplicate send.
    const std::string message_id =
        "email." + std::to_string(e.id) + "." + std::to_string(e.created_at);
    const OutgoingMessage m{e.id,      message_id, clock.now_ms(), e.to,
                            e.to_name, e.subject,  e.body_text,    e.body_html};
    const Result<void> outcome = send_guarded(transport, m);
    FONDACO_TRY(record(db, e, outcome, random, clock.now_ms(), report));
  }
  return report;
}

Result<DeliveryReport> Notifications::deliver_due(storage::Database& db, Transport& transport,
                                                  Random& random, std::int64_t now_ms, int max) {
  const FixedClock clock(now_ms);
  return deliver_due(db, transport, clock, random,
                     std::min(max, limits::kEmailDeliverBatchAtOneTime));
}

}  // namespace fondaco::notifications
