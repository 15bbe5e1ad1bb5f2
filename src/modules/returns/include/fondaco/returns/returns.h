// Returns: return merchandise authorizations (RMA) from request to refund.
//
// An RMA is requested for lines of one order (by the customer or by customer care),
// authorized (with a return-by deadline) or rejected, received (in one or several scans,
// never more than authorized), inspected (every received unit gets a disposition:
// restock, damaged or returns, with the location it goes to, and the refund may be lowered
// for a restocking fee or damage, never above the requested lines' value), refunded and
// closed; it may be cancelled while requested or authorized. The lifecycle is a state
// machine held as data (kTransitions in returns.cc). Every transition is one conditional
// update on the RMA's version (so of two concurrent changes only one applies, on both
// engines), appends to the RMA's timeline and emits its event (`return.requested`,
// `.authorized`, `.rejected`, `.received`, `.inspected`, `.refunded`, `.closed`,
// `.cancelled`) in the same transaction; payloads carry the order id, the lines, the
// amounts and the currency, so subscribers need not read this module back.
//
// This module knows nothing of orders, stock, payments or invoices: the caller (a workflow)
// gives what may be returned (`returnable`: shipped minus already returned, with the unit
// refund of each SKU) and reacts to the events (restock on `return.inspected`, refund on
// the original payment, credit note). RMA numbers are gap-free per calendar year (UTC):
// RMA-2026-000001, from a counter row taken in the creating transaction.
// Functions take `now_ms`; nothing reads the clock.
// Thread-safety: Returns holds no mutable state; use it from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/limits.h"
#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::returns {

std::span<const storage::Migration> migrations();

enum class Status { requested, authorized, rejected, received, inspected, refunded, closed, cancelled };
std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view s);
// True when the state machine allows from → to.
bool can_transition(Status from, Status to);

enum class Source { customer, customer_care };
std::string_view to_string(Source s);
std::optional<Source> parse_source(std::string_view s);

enum class Reason { damaged, wrong_item, not_as_described, changed_mind, too_late, other };
std::string_view to_string(Reason r);
std::optional<Reason> parse_reason(std::string_view s);

// Where an inspected unit goes: back to sellable stock, to a damaged-goods location, or to a
// returns location (to be refurbished, sent back to the supplier...).
enum class Disposition { restock, damaged, returns };
std::string_view to_string(Disposition d);
std::optional<Disposition> parse_disposition(std::string_view s);

// What the order allows to return, computed by the workflow from the order.
struct ReturnableLine {
  std::string sku;
  std::int64_t qty_returnable = 0;     // shipped minus already returned
  std::int64_t unit_refund_minor = 0;  // what one unit refunds (the price paid, after discounts)
};

// What the caller of the API knows once it has looked the order up.
struct ReturnableInfo {
  std::int64_t order_id = 0;
  std::string order_number;
  std::string customer_email;
  std::string currency;
  std::vector<ReturnableLine> lines;
};

// Provided by the composition root (the lead wires it through api::Services): the
// returnable view of an order, read in the request's transaction. not_found naming
// "order_id" when the order does not exist.
using ReturnableLookup =
    std::function<Result<ReturnableInfo>(storage::Tx&, std::int64_t order_id)>;

struct LineInput {
  std::string sku;
  std::int64_t qty = 0;
  Reason reason = Reason::other;
  std::string note;
};

struct ReturnInput {
  std::int64_t order_id = 0;
  std::string order_number;
  std::string customer_email;
  Source source = Source::customer;
  std::vector<LineInput> lines;
  std::vector<ReturnableLine> returnable;
  std::string currency;
  // A repeat request with the same key returns the existing RMA (created = false).
  std::optional<std::string> source_key;
};

struct ScannedLine {
  std::string sku;
  std::int64_t qty = 0;
};

struct InspectedLine {
  std::string sku;
  std::int64_t qty = 0;
  Disposition disposition = Disposition::restock;
  std::string location;  // location code the units go to
};

struct InspectInput {
  std::vector<InspectedLine> lines;
  // The refund after inspection (restocking fee, damage). None: the value of the received
  // units. Never above the requested lines' value.
  std::optional<std::int64_t> refund_minor;
  std::string note;
};

struct Line {
  int line_no = 0;
  std::string sku;
  std::int64_t qty = 0;  // authorized (= requested) quantity
  Reason reason = Reason::other;
  std::string note;
  std::int64_t unit_refund_minor = 0;
  std::int64_t received_qty = 0;
};

struct Rma {
  std::int64_t id = 0;
  std::string number;  // RMA-2026-000001
  std::int64_t order_id = 0;
  std::string order_number;
  std::string customer_email;
  Source source = Source::customer;
  std::optional<std::string> source_key;
  Status status = Status::requested;
  std::string currency;
  std::int64_t requested_minor = 0;  // Σ qty × unit refund of the requested lines
  std::int64_t refund_minor = 0;     // what is to be refunded (set again at inspection)
  std::optional<std::int64_t> refunded_minor;  // what the payment refunded
  std::optional<std::string> refund_ref;
  std::optional<std::int64_t> return_by_ms;  // set on authorization
  std::vector<Line> lines;
  std::vector<InspectedLine> inspected;
  std::int64_t version = 0;  // +1 per transition: the conditional updates' guard
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct HistoryEntry {
  std::int64_t at_ms = 0;
  std::optional<Status> from;  // none for the request itself
  Status to = Status::requested;
  std::string note;
};

struct ReturnFilter {
  std::optional<Status> status;
  std::optional<std::int64_t> order_id;
  std::int64_t after_id = 0;
  int limit = limits::kDefaultPageSize;
};

struct Options {
  // Time between authorization and the return-by deadline.
  std::int64_t return_window_ms = limits::kDefaultReturnWindowMs;
};
// Options from configuration: the window must be 1 day to limits::kMaxReturnWindowMs
// (invalid_argument naming "return_window_ms").
Result<Options> make_options(std::int64_t return_window_ms);

struct Created {
  Rma rma;
  bool created = true;  // false: an RMA with the same source key already existed
};

using fondaco::Page;

class Returns {
 public:
  explicit Returns(events::EventLog& log, Options options = {}) : log_(log), options_(options) {}

  // Validates (errors name "lines[i].qty", "lines[i].sku", "returnable[i]...", "currency"...),
  // numbers the RMA and emits return.requested.
  Result<Created> request(storage::Tx& tx, const ReturnInput& in, std::int64_t now_ms);
  // requested → authorized; sets return_by = now + the return window.
  Result<Rma> authorize(storage::Tx& tx, std::int64_t id, std::string_view note,
                        std::int64_t now_ms);
  // requested → rejected; the reason is required.
  Result<Rma> reject(storage::Tx& tx, std::int64_t id, std::string_view reason,
                     std::int64_t now_ms);
  // authorized|received → received; adds the scanned quantities (one RMA may arrive in
  // several parcels); more than authorized for a SKU is refused naming "lines[i].qty".
  Result<Rma> receive(storage::Tx& tx, std::int64_t id, std::span<const ScannedLine> scanned,
                      std::int64_t now_ms);
  // received → inspected; per SKU the dispositions sum to the received quantity.
  Result<Rma> inspect(storage::Tx& tx, std::int64_t id, const InspectInput& in,
                      std::int64_t now_ms);
  // inspected → refunded; 0 ≤ amount ≤ the refund decided at inspection.
  Result<Rma> mark_refunded(storage::Tx& tx, std::int64_t id, std::string_view refund_ref,
                            std::int64_t amount_minor, std::int64_t now_ms);
  // refunded → closed, or inspected → closed when nothing is to be refunded.
  Result<Rma> close(storage::Tx& tx, std::int64_t id, std::string_view note, std::int64_t now_ms);
  // requested|authorized → cancelled.
  Result<Rma> cancel(storage::Tx& tx, std::int64_t id, std::string_view note,
                     std::int64_t now_ms);

  // Reads need no event log. get: not_found naming "id".
  static Result<Rma> get(storage::Tx& tx, std::int64_t id);
  static Result<Page<Rma>> list(storage::Tx& tx, const ReturnFilter& f);
  static Result<std::vector<HistoryEntry>> timeline(storage::Tx& tx, std::int64_t id);

 private:
  // Writes `after` (a copy of `before` moved to its new status) if `before` is still the
  // stored version, appends the timeline entry and the event.
  Result<Rma> advance(storage::Tx& tx, const Rma& before, Rma after, std::string_view note,
                      std::string extra_json, std::int64_t now_ms);
  Result<Rma> simple(storage::Tx& tx, std::int64_t id, Status to, std::string_view note,
                     std::int64_t now_ms);

  events::EventLog& log_;
  Options options_;
};

}  // namespace fondaco::returns
