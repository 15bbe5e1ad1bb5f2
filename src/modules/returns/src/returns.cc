#include "fondaco/returns/returns.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <utility>

#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"

namespace fondaco::returns {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

constexpr std::array<std::string_view, 8> kStatusNames = {
    "requested", "authorized", "rejected", "received", "inspected", "refunded", "closed",
    "cancelled"};
constexpr std::array<std::string_view, 2> kSourceNames = {"customer", "customer_care"};
constexpr std::array<std::string_view, 6> kReasonNames = {
    "damaged", "wrong_item", "not_as_described", "changed_mind", "too_late", "other"};
constexpr std::array<std::string_view, 3> kDispositionNames = {"restock", "damaged", "returns"};

// The state machine, as data. Anything not listed is an invalid_transition.
constexpr std::pair<Status, Status> kTransitions[] = {
    {Status::requested, Status::authorized},
    {Status::requested, Status::rejected},
    {Status::authorized, Status::received},
    {Status::received, Status::received},  // a further parcel of the same RMA
    {Status::received, Status::inspected},
    {Status::inspected, Status::refunded},
    {Status::inspected, Status::closed},  // only when nothing is to be refunded (close())
    {Status::refunded, Status::closed},
    {Status::requested, Status::cancelled},
    {Status::authorized, Status::cancelled},
};

template <typename E, std::size_t N>
std::optional<E> parse_enum(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}

constexpr std::string_view kColumns =
    "id, number, order_id, order_number, customer_email, source, source_key, status, currency, "
    "requested_minor, refund_minor, refunded_minor, refund_ref, return_by, version, created_at, "
    "updated_at";

Rma rma_from(const Rows& r, std::size_t i) {
  Rma x;
  x.id = r.i64(i, 0);
  x.number = r.text(i, 1);
  x.order_id = r.i64(i, 2);
  x.order_number = r.text(i, 3);
  x.customer_email = r.text(i, 4);
  x.source = parse_source(r.text(i, 5)).value_or(Source::customer);
  x.source_key = r.opt_text(i, 6);
  x.status = parse_status(r.text(i, 7)).value_or(Status::requested);
  x.currency = r.text(i, 8);
  x.requested_minor = r.i64(i, 9);
  x.refund_minor = r.i64(i, 10);
  x.refunded_minor = r.opt_i64(i, 11);
  x.refund_ref = r.opt_text(i, 12);
  x.return_by_ms = r.opt_i64(i, 13);
  x.version = r.i64(i, 14);
  x.created_at = r.i64(i, 15);
  x.updated_at = r.i64(i, 16);
  return x;
}

std::string line_field(std::string_view list, std::size_t i, std::string_view member) {
  return std::string(list) + "[" + std::to_string(i) + "]." + std::string(member);
}

Result<void> check_text(std::string_view s, std::size_t max_chars, bool required,
                        const std::string& field) {
  if (!is_valid_utf8(s) || utf8_length(s) > max_chars || (required && s.empty()))
    return fail(ErrorCode::invalid_argument,
                std::string(required ? "must be 1-" : "must be at most ") +
                    std::to_string(max_chars) + " characters",
                field);
  return ok();
}

// The shape of an address only; deliverability is the notifications module's business.
bool plausible_email(std::string_view e) {
  const auto at = e.find('@');
  return e.size() >= 3 && e.size() <= limits::kMaxEmailChars && is_valid_utf8(e) &&
         !has_control_chars(e) && at != std::string_view::npos && at > 0 && at + 1 < e.size() &&
         e.find(' ') == std::string_view::npos;
}

Result<void> check_header(const ReturnInput& in) {
  if (in.order_id <= 0) return fail(ErrorCode::invalid_argument, "must be positive", "order_id");
  FONDACO_TRY(check_text(in.order_number, limits::kMaxShortTextChars, true, "order_number"));
  if (!plausible_email(in.customer_email))
    return fail(ErrorCode::invalid_argument, "must be an e-mail address", "customer_email");
  if (!is_known_currency(in.currency))
    return fail(ErrorCode::invalid_argument, "must be an ISO 4217 currency code", "currency");
  if (in.source_key && (in.source_key->empty() || !is_valid_utf8(*in.source_key) ||
                        has_control_chars(*in.source_key) ||
                        utf8_length(*in.source_key) > limits::kMaxReturnSourceKeyChars))
    return fail(ErrorCode::invalid_argument, "must be 1-128 characters", "source_key");
  if (in.lines.empty()) return fail(ErrorCode::invalid_argument, "at least one line", "lines");
  if (in.lines.size() > limits::kMaxReturnLines)
    return fail(ErrorCode::invalid_argument, "at most 500 lines", "lines");
  return ok();
}

Result<std::map<std::string, ReturnableLine>> check_returnable(
    std::span<const ReturnableLine> returnable) {
  std::map<std::string, ReturnableLine> out;
  for (std::size_t i = 0; i < returnable.size(); ++i) {
    const ReturnableLine& r = returnable[i];
    if (!is_valid_code(r.sku, limits::kMaxSkuChars) || out.contains(r.sku))
      return fail(ErrorCode::invalid_argument, "must be a SKU listed once",
                  line_field("returnable", i, "sku"));
    if (r.qty_returnable < 0 || r.qty_returnable > limits::kMaxQuantity)
      return fail(ErrorCode::invalid_argument, "must be between 0 and 1000000",
                  line_field("returnable", i, "qty_returnable"));
    if (r.unit_refund_minor < 0 || r.unit_refund_minor > limits::kMaxAmountMinor)
      return fail(ErrorCode::invalid_argument, "must be between 0 and 10^13",
                  line_field("returnable", i, "unit_refund_minor"));
    out.emplace(r.sku, r);
  }
  return out;
}

// Checks every line against what the order allows; returns Σ qty × unit refund.
Result<std::int64_t> check_lines(const ReturnInput& in,
                                 const std::map<std::string, ReturnableLine>& returnable) {
  std::int64_t total = 0;
  for (std::size_t i = 0; i < in.lines.size(); ++i) {
    const LineInput& l = in.lines[i];
    auto field = [&](std::string_view m) { return line_field("lines", i, m); };
    const auto it = returnable.find(l.sku);
    if (it == returnable.end())
      return fail(ErrorCode::invalid_argument, "not a returnable SKU of this order", field("sku"));
    for (std::size_t j = 0; j < i; ++j)
      if (in.lines[j].sku == l.sku)
        return fail(ErrorCode::invalid_argument, "SKU listed twice", field("sku"));
    if (l.qty < 1) return fail(ErrorCode::invalid_argument, "must be at least 1", field("qty"));
    if (l.qty > it->second.qty_returnable)
      return fail(ErrorCode::invalid_argument,
                  "at most " + std::to_string(it->second.qty_returnable) + " can be returned",
                  field("qty"));
    if (static_cast<std::size_t>(l.reason) >= kReasonNames.size())
      return fail(ErrorCode::invalid_argument, "unknown reason", field("reason"));
    FONDACO_TRY(check_text(l.note, limits::kMaxReturnNoteChars, false, field("note")));
    const auto value = checked_mul(l.qty, it->second.unit_refund_minor);
    const auto sum = value ? checked_add(total, *value) : std::nullopt;
    if (!sum || *sum > limits::kMaxAmountMinor)
      return fail(ErrorCode::invalid_argument, "return value above the limit", field("qty"));
    total = *sum;
  }
  return total;
}

std::int64_t year_of(std::int64_t unix_ms) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(unix_ms)));
  return static_cast<int>(year_month_day(day).year());
}

void write_lines(json::Writer& w, const Rma& r) {
  w.key("lines").begin_array();
  for (const auto& l : r.lines) {
    w.begin_object().kv("sku", l.sku).kv("qty", l.qty).kv("received_qty", l.received_qty);
    w.kv("unit_refund_minor", l.unit_refund_minor).kv("reason", to_string(l.reason));
    w.end_object();
  }
  w.end_array();
}

// The event payload: everything a subscriber needs, plus the event's own members
// (extra_json: a rendered object whose members are merged in, or empty).
std::string payload(const Rma& r, std::string_view extra_json) {
  json::Writer w;
  w.begin_object().kv("id", r.id).kv("number", r.number).kv("order_id", r.order_id);
  w.kv("order_number", r.order_number).kv("customer_email", r.customer_email);
  w.kv("source", to_string(r.source)).kv("status", to_string(r.status));
  w.kv("currency", r.currency).kv("requested_minor", r.requested_minor);
  w.kv("refund_minor", r.refund_minor);
  write_lines(w, r);
  w.end_object();
  std::string out = w.take();
  if (extra_json.size() > 2) {  // "{...}" with members: splice them in
    out.pop_back();
    out += ',';
    out.append(extra_json.substr(1));
  }
  return out;
}

}  // namespace

std::string_view to_string(Status s) { return kStatusNames[static_cast<std::size_t>(s)]; }
std::optional<Status> parse_status(std::string_view s) {
  return parse_enum<Status>(kStatusNames, s);
}
bool can_transition(Status from, Status to) {
  return std::find(std::begin(kTransitions), std::end(kTransitions), std::pair{from, to}) !=
         std::end(kTransitions);
}
std::string_view to_string(Source s) { return kSourceNames[static_cast<std::size_t>(s)]; }
std::optional<Source> parse_source(std::string_view s) {
  return parse_enum<Source>(kSourceNames, s);
}
std::string_view to_string(Reason r) { return kReasonNames[static_cast<std::size_t>(r)]; }
std::optional<Reason> parse_reason(std::string_view s) {
  return parse_enum<Reason>(kReasonNames, s);
}
std::string_view to_string(Disposition d) {
  return kDispositionNames[static_cast<std::size_t>(d)];
}
std::optional<Disposition> parse_disposition(std::string_view s) {
  return parse_enum<Disposition>(kDispositionNames, s);
}

Result<Options> make_options(std::int64_t return_window_ms) {
  constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
  if (return_window_ms < kDayMs || return_window_ms > limits::kMaxReturnWindowMs)
    return fail(ErrorCode::invalid_argument, "must be between 1 and 365 days", "return_window_ms");
  return Options{return_window_ms};
}

Result<Created> Returns::request(Tx& tx, const ReturnInput& in, std::int64_t now_ms) {
  FONDACO_TRY(check_header(in));
  const auto returnable = FONDACO_TRY(check_returnable(in.returnable));
  const std::int64_t total = FONDACO_TRY(check_lines(in, returnable));
  // Inserted before numbering: a concurrent duplicate source_key waits on the unique index
  // here, then inserts nothing and returns the committed RMA; no number is consumed.
  auto inserted = FONDACO_TRY(tx.query(
      "INSERT INTO returns (number, order_id, order_number, customer_email, source, source_key, "
      "status, currency, requested_minor, refund_minor, version, created_at, updated_at) "
      "VALUES (NULL, ?, ?, ?, ?, ?, 'requested', ?, ?, ?, 1, ?, ?) "
      "ON CONFLICT (source_key) DO NOTHING RETURNING id",
      {in.order_id, in.order_number, in.customer_email, std::string(to_string(in.source)),
       storage::opt_value(in.source_key), in.currency, total, total, now_ms, now_ms}));
  if (inserted.empty()) {
    auto rows = FONDACO_TRY(tx.query("SELECT id FROM returns WHERE source_key = ? AND number IS "
                                     "NOT NULL", {*in.source_key}));
    if (rows.empty())
      return fail(ErrorCode::conflict, "a return with this key is being created", "source_key");
    return Created{FONDACO_TRY(get(tx, rows.i64(0, 0))), false};
  }
  const std::int64_t id = inserted.i64(0, 0);
  // Gap-free per year: the counter row is locked until commit; a rollback undoes it.
  const std::int64_t year = year_of(now_ms);
  auto seq = FONDACO_TRY(tx.query(
      "INSERT INTO return_counters (year, last_value) VALUES (?, 1) ON CONFLICT (year) "
      "DO UPDATE SET last_value = return_counters.last_value + 1 RETURNING last_value",
      {year}));
  char number[48];
  std::snprintf(number, sizeof number, "RMA-%04lld-%06lld", static_cast<long long>(year),
                static_cast<long long>(seq.i64(0, 0)));
  FONDACO_TRY(tx.exec("UPDATE returns SET number = ? WHERE id = ?", {std::string(number), id}));
  for (std::size_t i = 0; i < in.lines.size(); ++i) {
    const LineInput& l = in.lines[i];
    FONDACO_TRY(tx.exec(
        "INSERT INTO return_lines (return_id, line_no, sku, qty, reason, note, unit_refund_minor, "
        "received_qty) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        {id, static_cast<std::int64_t>(i + 1), l.sku, l.qty, std::string(to_string(l.reason)),
         l.note, returnable.at(l.sku).unit_refund_minor}));
  }
  FONDACO_TRY(tx.exec("INSERT INTO return_history (return_id, at, from_status, to_status, note) "
                      "VALUES (?, ?, NULL, 'requested', 'requested')",
                      {id, now_ms}));
  Rma r = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(log_.append(tx, "return.requested", "return", std::to_string(id), payload(r, ""),
                          now_ms));
  return Created{std::move(r), true};
}

Result<Rma> Returns::advance(Tx& tx, const Rma& before, Rma after, std::string_view note,
                             std::string extra_json, std::int64_t now_ms) {
  after.version = before.version + 1;
  after.updated_at = now_ms;
  // Conditional on the version read: of two concurrent changes only one applies (on
  // PostgreSQL the loser waits on the row lock, then matches nothing).
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE returns SET status = ?, refund_minor = ?, refunded_minor = ?, refund_ref = ?, "
      "return_by = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?",
      {std::string(to_string(after.status)), after.refund_minor,
       storage::opt_value(after.refunded_minor), storage::opt_value(after.refund_ref),
       storage::opt_value(after.return_by_ms), after.version, now_ms, before.id,
       before.version}));
  if (changed != 1)
    return fail(ErrorCode::invalid_transition, "the return changed concurrently", "status");
  FONDACO_TRY(tx.exec("INSERT INTO return_history (return_id, at, from_status, to_status, note) "
                      "VALUES (?, ?, ?, ?, ?)",
                      {before.id, now_ms, std::string(to_string(before.status)),
                       std::string(to_string(after.status)), std::string(note)}));
  const std::string type = "return." + std::string(to_string(after.status));
  FONDACO_TRY(log_.append(tx, type, "return", std::to_string(after.id),
                          payload(after, extra_json), now_ms));
  return after;
}

namespace {

Result<void> check_move(const Rma& r, Status to) {
  if (!can_transition(r.status, to))
    return fail(ErrorCode::invalid_transition,
                "a return cannot go from " + std::string(to_string(r.status)) + " to " +
                    std::string(to_string(to)),
                "status");
  return ok();
}

std::string note_json(std::string_view key, std::string_view note) {
  json::Writer w;
  w.begin_object().kv(key, note).end_object();
  return w.take();
}

}  // namespace

Result<Rma> Returns::simple(Tx& tx, std::int64_t id, Status to, std::string_view note,
                            std::int64_t now_ms) {
  FONDACO_TRY(check_text(note, limits::kMaxReturnNoteChars, to == Status::rejected,
                         to == Status::rejected ? "reason" : "note"));
  const Rma before = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(check_move(before, to));
  if (to == Status::closed && before.status == Status::inspected && before.refund_minor != 0)
    return fail(ErrorCode::invalid_transition, "the return must be refunded before it is closed",
                "status");
  Rma after = before;
  after.status = to;
  return advance(tx, before, std::move(after),
                 note, note_json(to == Status::rejected ? "reason" : "note", note), now_ms);
}

Result<Rma> Returns::authorize(Tx& tx, std::int64_t id, std::string_view note,
                               std::int64_t now_ms) {
  FONDACO_TRY(check_text(note, limits::kMaxReturnNoteChars, false, "note"));
  const Rma before = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(check_move(before, Status::authorized));
  Rma after = before;
  after.status = Status::authorized;
  after.return_by_ms = now_ms + options_.return_window_ms;
  json::Writer w;
  w.begin_object().kv("note", note).kv("return_by_ms", *after.return_by_ms).end_object();
  return advance(tx, before, std::move(after), note, w.take(), now_ms);
}

Result<Rma> Returns::reject(Tx& tx, std::int64_t id, std::string_view reason,
                            std::int64_t now_ms) {
  return simple(tx, id, Status::rejected, reason, now_ms);
}

Result<Rma> Returns::close(Tx& tx, std::int64_t id, std::string_view note, std::int64_t now_ms) {
  return simple(tx, id, Status::closed, note, now_ms);
}

Result<Rma> Returns::cancel(Tx& tx, std::int64_t id, std::string_view note, std::int64_t now_ms) {
  return simple(tx, id, Status::cancelled, note, now_ms);
}

Result<Rma> Returns::receive(Tx& tx, std::int64_t id, std::span<const ScannedLine> scanned,
                             std::int64_t now_ms) {
  if (scanned.empty()) return fail(ErrorCode::invalid_argument, "at least one line", "lines");
  if (scanned.size() > limits::kMaxReturnScanEntries)
    return fail(ErrorCode::invalid_argument, "at most 1000 lines", "lines");
  const Rma before = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(check_move(before, Status::received));
  Rma after = before;
  after.status = Status::received;
  json::Writer w;
  w.begin_object().key("scanned").begin_array();
  for (std::size_t i = 0; i < scanned.size(); ++i) {
    const ScannedLine& s = scanned[i];
    auto line = std::find_if(after.lines.begin(), after.lines.end(),
                             [&](const Line& l) { return l.sku == s.sku; });
    if (line == after.lines.end())
      return fail(ErrorCode::invalid_argument, "not a SKU of this return",
                  line_field("lines", i, "sku"));
    if (s.qty < 1)
      return fail(ErrorCode::invalid_argument, "must be at least 1", line_field("lines", i, "qty"));
    if (s.qty > line->qty - line->received_qty)
      return fail(ErrorCode::invalid_argument,
                  "more than authorized: " + std::to_string(line->qty - line->received_qty) +
                      " of " + s.sku + " still expected",
                  line_field("lines", i, "qty"));
    line->received_qty += s.qty;
    w.begin_object().kv("sku", s.sku).kv("qty", s.qty).end_object();
  }
  w.end_array().end_object();
  after = FONDACO_TRY(advance(tx, before, std::move(after), "received", w.take(), now_ms));
  for (const Line& l : after.lines)
    FONDACO_TRY(tx.exec("UPDATE return_lines SET received_qty = ? WHERE return_id = ? AND "
                        "line_no = ?",
                        {l.received_qty, id, std::int64_t{l.line_no}}));
  return after;
}

namespace {

// Per SKU, the dispositions must account for every received unit, no more, no less.
Result<void> check_inspection(const Rma& r, const InspectInput& in) {
  if (in.lines.empty()) return fail(ErrorCode::invalid_argument, "at least one line", "lines");
  if (in.lines.size() > limits::kMaxReturnScanEntries)
    return fail(ErrorCode::invalid_argument, "at most 1000 lines", "lines");
  FONDACO_TRY(check_text(in.note, limits::kMaxReturnNoteChars, false, "note"));
  std::map<std::string, std::int64_t> left;
  for (const Line& l : r.lines) left[l.sku] = l.received_qty;
  for (std::size_t i = 0; i < in.lines.size(); ++i) {
    const InspectedLine& l = in.lines[i];
    auto it = left.find(l.sku);
    if (it == left.end())
      return fail(ErrorCode::invalid_argument, "not a SKU of this return",
                  line_field("lines", i, "sku"));
    if (l.qty < 1)
      return fail(ErrorCode::invalid_argument, "must be at least 1", line_field("lines", i, "qty"));
    if (l.qty > it->second)
      return fail(ErrorCode::invalid_argument,
                  "dispositions of " + l.sku + " exceed the received quantity",
                  line_field("lines", i, "qty"));
    if (static_cast<std::size_t>(l.disposition) >= kDispositionNames.size())
      return fail(ErrorCode::invalid_argument, "unknown disposition",
                  line_field("lines", i, "disposition"));
    if (!is_valid_code(l.location, limits::kMaxCodeChars))
      return fail(ErrorCode::invalid_argument, "must be a location code",
                  line_field("lines", i, "location"));
    it->second -= l.qty;
  }
  for (const auto& [sku, qty] : left)
    if (qty != 0)
      return fail(ErrorCode::invalid_argument,
                  std::to_string(qty) + " received unit(s) of " + sku + " have no disposition",
                  "lines");
  if (in.refund_minor && (*in.refund_minor < 0 || *in.refund_minor > r.requested_minor))
    return fail(ErrorCode::invalid_argument,
                "must be between 0 and the requested lines' value (" +
                    std::to_string(r.requested_minor) + ")",
                "refund_minor");
  return ok();
}

}  // namespace

Result<Rma> Returns::inspect(Tx& tx, std::int64_t id, const InspectInput& in,
                             std::int64_t now_ms) {
  const Rma before = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(check_move(before, Status::inspected));
  FONDACO_TRY(check_inspection(before, in));
  Rma after = before;
  after.status = Status::inspected;
  std::int64_t received_value = 0;  // ≤ requested_minor, which is ≤ kMaxAmountMinor
  for (const Line& l : before.lines) received_value += l.received_qty * l.unit_refund_minor;
  after.refund_minor = in.refund_minor.value_or(received_value);
  after.inspected = in.lines;
  json::Writer w;
  w.begin_object().kv("note", in.note).kv("received_value_minor", received_value);
  w.key("dispositions").begin_array();
  for (const InspectedLine& l : in.lines) {
    w.begin_object().kv("sku", l.sku).kv("qty", l.qty);
    w.kv("disposition", to_string(l.disposition)).kv("location", l.location).end_object();
  }
  w.end_array().end_object();
  after = FONDACO_TRY(advance(tx, before, std::move(after), in.note, w.take(), now_ms));
  for (std::size_t i = 0; i < in.lines.size(); ++i) {
    const InspectedLine& l = in.lines[i];
    FONDACO_TRY(tx.exec(
        "INSERT INTO return_inspections (return_id, position, sku, qty, disposition, location) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        {id, static_cast<std::int64_t>(i + 1), l.sku, l.qty,
         std::string(to_string(l.disposition)), l.location}));
  }
  return after;
}

Result<Rma> Returns::mark_refunded(Tx& tx, std::int64_t id, std::string_view refund_ref,
                                   std::int64_t amount_minor, std::int64_t now_ms) {
  FONDACO_TRY(check_text(refund_ref, limits::kMaxRefundRefChars, true, "refund_ref"));
  if (std::any_of(refund_ref.begin(), refund_ref.end(),
                  [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; }))
    return fail(ErrorCode::invalid_argument, "must be one line of text", "refund_ref");
  const Rma before = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(check_move(before, Status::refunded));
  if (amount_minor < 0 || amount_minor > before.refund_minor)
    return fail(ErrorCode::invalid_argument,
                "must be between 0 and the refund decided at inspection (" +
                    std::to_string(before.refund_minor) + ")",
                "amount_minor");
  Rma after = before;
  after.status = Status::refunded;
  after.refunded_minor = amount_minor;
  after.refund_ref = std::string(refund_ref);
  json::Writer w;
  w.begin_object().kv("refund_ref", refund_ref).kv("refunded_minor", amount_minor).end_object();
  return advance(tx, before, std::move(after), refund_ref, w.take(), now_ms);
}

Result<Rma> Returns::get(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(kColumns) +
                                       " FROM returns WHERE id = ? AND number IS NOT NULL",
                                   {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "return not found", "id");
  Rma r = rma_from(rows, 0);
  auto lines = FONDACO_TRY(tx.query(
      "SELECT line_no, sku, qty, reason, note, unit_refund_minor, received_qty FROM return_lines "
      "WHERE return_id = ? ORDER BY line_no",
      {id}));
  for (std::size_t i = 0; i < lines.size(); ++i)
    r.lines.push_back(Line{static_cast<int>(lines.i64(i, 0)), lines.text(i, 1), lines.i64(i, 2),
                           parse_reason(lines.text(i, 3)).value_or(Reason::other),
                           lines.text(i, 4), lines.i64(i, 5), lines.i64(i, 6)});
  auto insp = FONDACO_TRY(tx.query(
      "SELECT sku, qty, disposition, location FROM return_inspections WHERE return_id = ? "
      "ORDER BY position",
      {id}));
  for (std::size_t i = 0; i < insp.size(); ++i)
    r.inspected.push_back(InspectedLine{
        insp.text(i, 0), insp.i64(i, 1),
        parse_disposition(insp.text(i, 2)).value_or(Disposition::returns), insp.text(i, 3)});
  return r;
}

Result<Page<Rma>> Returns::list(Tx& tx, const ReturnFilter& f) {
  std::string where = "id > ? AND number IS NOT NULL";
  std::vector<Value> p = {f.after_id};
  if (f.status) {
    where += " AND status = ?";
    p.emplace_back(std::string(to_string(*f.status)));
  }
  if (f.order_id) {
    where += " AND order_id = ?";
    p.emplace_back(*f.order_id);
  }
  p.emplace_back(std::int64_t{f.limit + 1});
  auto rows = FONDACO_TRY(
      tx.query("SELECT id FROM returns WHERE " + where + " ORDER BY id LIMIT ?", p));
  Page<Rma> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < f.limit; ++i)
    page.items.push_back(FONDACO_TRY(get(tx, rows.i64(i, 0))));
  if (static_cast<int>(rows.size()) > f.limit) page.next_after = page.items.back().id;
  return page;
}

Result<std::vector<HistoryEntry>> Returns::timeline(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT at, from_status, to_status, note FROM return_history WHERE return_id = ? "
      "ORDER BY id",
      {id}));
  std::vector<HistoryEntry> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    HistoryEntry h{rows.i64(i, 0), std::nullopt,
                   parse_status(rows.text(i, 2)).value_or(Status::requested), rows.text(i, 3)};
    if (!rows.is_null(i, 1)) h.from = parse_status(rows.text(i, 1));
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace fondaco::returns
