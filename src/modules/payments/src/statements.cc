// Money that arrives without a provider's order id — bank statement credits and carrier COD
// remittances — matched to pending payments, and the review list for everything that does
// not match exactly. The rule is "never guess": one order, exact amount, same currency.
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/system.h"
#include "internal.h"

namespace fondaco::payments {

using storage::Rows;
using storage::Tx;

namespace {

constexpr std::string_view kReviewColumns =
    "id, source, reference, amount_minor, currency, booking_date, text, counterparty, "
    "order_number, reason, status, payment_id, created_at, updated_at";

ReviewItem review_from(const Rows& r, std::size_t i) {
  return ReviewItem{r.i64(i, 0),  r.text(i, 1), r.text(i, 2),    r.i64(i, 3),  r.text(i, 4),
                    r.text(i, 5), r.text(i, 6), r.text(i, 7),    r.text(i, 8), r.text(i, 9),
                    r.text(i, 10), r.opt_i64(i, 11), r.i64(i, 12), r.i64(i, 13)};
}

Result<ReviewItem> get_review(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kReviewColumns) + " FROM payment_reviews WHERE id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "review item not found", "id");
  return review_from(rows, 0);
}

// The bank's reference when it gave one; otherwise a hash of what identifies the credit.
std::string dedupe_key(const StatementEntry& e) {
  if (!e.reference.empty()) return "ref:" + e.reference;
  return "hash:" + hex_encode(platform::sha256(e.booking_date + "|" + std::to_string(e.amount_minor) +
                                               "|" + e.currency + "|" + e.text));
}

Method method_of_source(std::string_view source) {
  if (source == "bank") return Method::bank_transfer;
  if (source == "cod") return Method::cod;
  if (source == "paypal") return Method::paypal;
  return Method::card;
}

}  // namespace

Result<std::int64_t> Payments::open_review(Tx& tx, const std::string& source,
                                           const StatementEntry& e, const std::string& order_number,
                                           const std::string& reason, std::int64_t now_ms) {
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO payment_reviews (source, reference, amount_minor, currency, booking_date, "
      "text, counterparty, order_number, reason, status, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
      {source, e.reference, e.amount_minor, e.currency, e.booking_date, e.text, e.counterparty,
       order_number, reason, now_ms, now_ms}));
  return rows.i64(0, 0);
}

Result<ImportLine> Payments::settle(Tx& tx, const std::string& source, const StatementEntry& e,
                                    const std::vector<Payment>& candidates,
                                    const std::string& order_hint, std::int64_t now_ms) {
  ImportLine line{0, "review", order_hint, {}, {}, {}, e.amount_minor, e.currency, e.reference};
  const Payment* p = candidates.size() == 1 ? &candidates[0] : nullptr;
  if (candidates.empty()) line.reason = "unknown_order";
  else if (!p) line.reason = "ambiguous";
  else if (p->status == "captured" && !e.reference.empty() && p->provider_ref == e.reference)
    return ImportLine{0, "already_captured", p->order_number, p->id, {}, {}, e.amount_minor,
                      e.currency, e.reference};
  else if (p->status != "pending") line.reason = "no_pending_payment";
  else if (e.currency != p->currency) line.reason = "currency_mismatch";
  else if (e.amount_minor < p->amount_minor) line.reason = "partial";
  else if (e.amount_minor > p->amount_minor) line.reason = "overpayment";
  if (p) line.order_number = p->order_number;
  if (!line.reason.empty()) {
    line.review_id = FONDACO_TRY(open_review(tx, source, e, line.order_number, line.reason, now_ms));
    return line;
  }
  const Payment captured =
      FONDACO_TRY(capture(tx, p->id, Capture{e.reference, e.amount_minor, e.currency}, now_ms));
  line.outcome = "matched";
  line.payment_id = captured.id;
  return line;
}

Result<ImportLine> Payments::match_bank_entry(Tx& tx, const StatementEntry& e, std::int64_t now_ms) {
  const auto numbers = order_number_candidates(e.text);
  if (numbers.empty()) {
    ImportLine line{0, "review", {}, {}, {}, "no_order_number", e.amount_minor, e.currency, e.reference};
    line.review_id = FONDACO_TRY(open_review(tx, "bank", e, "", line.reason, now_ms));
    return line;
  }
  // Every recognised number that is an order with a bank-transfer payment counts: two of
  // them in one text is ambiguous, whatever their states.
  std::vector<Payment> found;
  for (const auto& n : numbers) {
    auto ps = FONDACO_TRY(find_payments(tx, "order_number = ? AND method = 'bank_transfer'", {n}));
    for (auto& p : ps) found.push_back(std::move(p));
  }
  return settle(tx, "bank", e, found, found.empty() ? numbers[0] : found[0].order_number, now_ms);
}

Result<ImportLine> Payments::match_cod_entry(Tx& tx, const StatementEntry& e, std::int64_t now_ms) {
  std::vector<Payment> found;
  if (!e.tracking_number.empty())
    found = FONDACO_TRY(find_payments(tx, "tracking_number = ? AND method = 'cod'", {e.tracking_number}));
  if (found.empty() && !e.order_number.empty())
    found = FONDACO_TRY(find_payments(tx, "order_number = ? AND method = 'cod'", {e.order_number}));
  return settle(tx, "cod", e, found, found.empty() ? e.order_number : found[0].order_number, now_ms);
}

Result<ImportReport> Payments::import(Tx& tx, const std::string& source,
                                      std::span<const StatementEntry> entries, std::int64_t now_ms) {
  if (entries.size() > limits::kMaxStatementEntries)
    return fail(ErrorCode::payload_too_large, "too many entries", "body");
  ImportReport report;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const StatementEntry& e = entries[i];
    ImportLine line{i, "ignored", {}, {}, {}, "debit", e.amount_minor, e.currency, e.reference};
    if (e.amount_minor > 0) {
      auto fresh = FONDACO_TRY(tx.query(
          "INSERT INTO payment_statement_entries (source, dedupe_key, imported_at) VALUES (?, ?, ?) "
          "ON CONFLICT (source, dedupe_key) DO NOTHING RETURNING dedupe_key",
          {source, dedupe_key(e), now_ms}));
      if (fresh.empty()) {
        line.outcome = "duplicate";
        line.reason.clear();
      } else {
        line = FONDACO_TRY(source == "cod" ? match_cod_entry(tx, e, now_ms) : match_bank_entry(tx, e, now_ms));
        line.index = i;
      }
    }
    if (line.outcome == "matched") ++report.matched;
    else if (line.outcome == "review") ++report.review;
    else if (line.outcome == "duplicate") ++report.duplicate;
    else ++report.ignored;
    report.lines.push_back(std::move(line));
  }
  return report;
}

Result<ImportReport> Payments::import_statement(Tx& tx, std::span<const StatementEntry> entries,
                                                std::int64_t now_ms) {
  return import(tx, "bank", entries, now_ms);
}

Result<ImportReport> Payments::import_cod(Tx& tx, std::span<const StatementEntry> entries,
                                          std::int64_t now_ms) {
  return import(tx, "cod", entries, now_ms);
}

Result<Page<ReviewItem>> Payments::review_list(Tx& tx, std::string_view status,
                                               std::int64_t after_id, int limit) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kReviewColumns) +
          " FROM payment_reviews WHERE id > ? AND (? = '' OR status = ?) ORDER BY id LIMIT ?",
      {after_id, std::string(status), std::string(status), std::int64_t{limit + 1}}));
  Page<ReviewItem> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(review_from(rows, i));
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<ReviewItem> Payments::review_match(Tx& tx, std::int64_t review_id,
                                          std::string_view order_number, std::int64_t now_ms) {
  // Lock the item first (no-op update) so two people matching it apply one after the other.
  FONDACO_TRY(tx.exec("UPDATE payment_reviews SET updated_at = updated_at WHERE id = ?", {review_id}));
  ReviewItem item = FONDACO_TRY(get_review(tx, review_id));
  if (item.status != "open")
    return fail(ErrorCode::conflict, "review item is " + item.status, "status");
  const Method m = method_of_source(item.source);
  auto found = FONDACO_TRY(find_payments(tx, "order_number = ? AND method = ? AND status = 'pending'",
                                         {std::string(order_number), std::string(to_string(m))}));
  if (found.empty())
    return fail(ErrorCode::conflict, "order has no pending " + std::string(to_string(m)) + " payment",
                "order_number");
  const Payment& p = found[0];
  if (p.currency != item.currency || p.amount_minor != item.amount_minor)
    return fail(ErrorCode::unprocessable,
                "order expects " + std::to_string(p.amount_minor) + " " + p.currency, "order_number");
  FONDACO_TRY(capture(tx, p.id, Capture{item.reference, item.amount_minor, item.currency}, now_ms));
  FONDACO_TRY(tx.exec(
      "UPDATE payment_reviews SET status = 'matched', payment_id = ?, order_number = ?, "
      "updated_at = ? WHERE id = ?",
      {p.id, p.order_number, now_ms, review_id}));
  return get_review(tx, review_id);
}

Result<ReviewItem> Payments::review_dismiss(Tx& tx, std::int64_t review_id, std::int64_t now_ms) {
  const auto n = FONDACO_TRY(tx.exec(
      "UPDATE payment_reviews SET status = 'dismissed', updated_at = ? WHERE id = ? AND status = 'open'",
      {now_ms, review_id}));
  ReviewItem item = FONDACO_TRY(get_review(tx, review_id));
  if (n == 0) return fail(ErrorCode::conflict, "review item is " + item.status, "status");
  return item;
}

}  // namespace fondaco::payments
