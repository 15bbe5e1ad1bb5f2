#include "fondaco/orders/orders.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"

namespace fondaco::orders {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

constexpr std::array<std::string_view, 10> kStatusNames = {
    "pending_payment", "confirmed", "paid",      "fulfilling", "partially_shipped",
    "shipped",         "delivered", "completed", "on_hold",    "cancelled"};

// The state machine, as data. Anything not listed is an invalid_transition.
constexpr std::pair<Status, Status> kTransitions[] = {
    // the main line
    {Status::pending_payment, Status::confirmed},
    {Status::confirmed, Status::paid},
    {Status::pending_payment, Status::paid},  // a payment arrives for an unconfirmed order
    {Status::paid, Status::fulfilling},
    {Status::confirmed, Status::fulfilling},  // cash on delivery: ships before it is paid
    {Status::fulfilling, Status::partially_shipped},
    {Status::fulfilling, Status::shipped},  // everything left in one parcel
    {Status::partially_shipped, Status::shipped},
    {Status::shipped, Status::delivered},
    {Status::delivered, Status::completed},
    // on hold: from and back to any state before shipment
    {Status::pending_payment, Status::on_hold},
    {Status::confirmed, Status::on_hold},
    {Status::paid, Status::on_hold},
    {Status::fulfilling, Status::on_hold},
    {Status::on_hold, Status::pending_payment},
    {Status::on_hold, Status::confirmed},
    {Status::on_hold, Status::paid},
    {Status::on_hold, Status::fulfilling},
    // cancellation: only before fulfilment starts
    {Status::pending_payment, Status::cancelled},
    {Status::confirmed, Status::cancelled},
    {Status::paid, Status::cancelled},
    {Status::on_hold, Status::cancelled},
};

constexpr std::string_view kOrderColumns =
    "id, number, channel, external_ref, status, payment_status, fulfillment_status, "
    "customer_email, customer_name, customer_phone, company_name, company_vat_number, "
    "company_fiscal_code, company_sdi_code, company_pec, "
    "bill_name, bill_line1, bill_line2, bill_city, bill_postal_code, bill_province, bill_country, "
    "ship_name, ship_line1, ship_line2, ship_city, ship_postal_code, ship_province, ship_country, "
    "shipping_method, shipping_minor, shipping_vat_rate_bp, currency, notes, prices_include_vat, "
    "channel_total_minor, totals_mismatch, created_at, updated_at, payment_method, locale, "
    "invoice_requested, external_updated_at, fees_minor, hold_reason";

Result<void> check_text(std::string_view s, std::size_t min_chars, std::size_t max_chars,
                        const std::string& field) {
  if (!is_valid_utf8(s) || has_control_chars(s))
    return fail(ErrorCode::invalid_argument, "must be text without control characters", field);
  const auto n = utf8_length(s);
  if (n < min_chars || n > max_chars)
    return fail(ErrorCode::invalid_argument,
                "must be " + std::to_string(min_chars) + "-" + std::to_string(max_chars) +
                    " characters",
                field);
  return ok();
}

Result<void> check_opt(const std::optional<std::string>& s, std::size_t max_chars,
                       const std::string& field) {
  return s ? check_text(*s, 1, max_chars, field) : ok();
}

bool is_channel_code(std::string_view s) {
  if (s.empty() || s.size() > limits::kMaxChannelChars) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

Result<void> check_address(const Address& a, const std::string& path) {
  const std::size_t max = limits::kMaxShortTextChars;
  FONDACO_TRY(check_text(a.name, 1, max, path + ".name"));
  FONDACO_TRY(check_text(a.line1, 1, max, path + ".line1"));
  FONDACO_TRY(check_text(a.line2, 0, max, path + ".line2"));
  FONDACO_TRY(check_text(a.city, 1, max, path + ".city"));
  FONDACO_TRY(check_text(a.postal_code, 0, limits::kMaxPostalCodeChars, path + ".postal_code"));
  FONDACO_TRY(check_text(a.province, 0, max, path + ".province"));
  const bool alpha2 = a.country.size() == 2 && std::all_of(a.country.begin(), a.country.end(),
                                                           [](char ch) { return ch >= 'A' && ch <= 'Z'; });
  if (!alpha2)
    return fail(ErrorCode::invalid_argument, "must be an ISO 3166-1 alpha-2 code such as IT",
                path + ".country");
  return ok();
}

Result<void> check_customer(const Customer& c) {
  if (!is_valid_email(c.email))
    return fail(ErrorCode::invalid_argument, "must be an e-mail address", "customer.email");
  FONDACO_TRY(check_text(c.name, 0, limits::kMaxShortTextChars, "customer.name"));
  FONDACO_TRY(check_opt(c.phone, limits::kMaxPhoneChars, "customer.phone"));
  if (!c.company) return ok();
  const Company& co = *c.company;
  FONDACO_TRY(check_text(co.name, 1, limits::kMaxShortTextChars, "customer.company.name"));
  FONDACO_TRY(check_opt(co.vat_number, limits::kMaxFiscalIdChars, "customer.company.vat_number"));
  FONDACO_TRY(check_opt(co.fiscal_code, limits::kMaxFiscalIdChars, "customer.company.fiscal_code"));
  FONDACO_TRY(check_opt(co.sdi_code, limits::kMaxFiscalIdChars, "customer.company.sdi_code"));
  if (co.pec && !is_valid_email(*co.pec))
    return fail(ErrorCode::invalid_argument, "must be an e-mail address", "customer.company.pec");
  return ok();
}

Result<void> check_rate(int rate_bp, const std::string& field) {
  if (rate_bp < 0 || rate_bp > limits::kMaxVatRateBp)
    return fail(ErrorCode::invalid_argument, "must be between 0 and 10000 basis points", field);
  return ok();
}

Result<void> check_line(const LineInput& l, const std::string& path) {
  if (!is_valid_code(l.sku, limits::kMaxSkuChars))
    return fail(ErrorCode::invalid_argument,
                "must be 1-64 characters of letters, digits and . _ - /", path + ".sku");
  if (l.qty < 1 || l.qty > limits::kMaxQuantity)
    return fail(ErrorCode::invalid_argument, "must be between 1 and 1000000", path + ".qty");
  if (!l.unit_price_minor)
    return fail(ErrorCode::invalid_argument, "is required", path + ".unit_price_minor");
  if (*l.unit_price_minor < 0 || *l.unit_price_minor > limits::kMaxAmountMinor)
    return fail(ErrorCode::invalid_argument, "must be between 0 and 10^13",
                path + ".unit_price_minor");
  if (l.discount_minor < 0)
    return fail(ErrorCode::invalid_argument, "must not be negative", path + ".discount_minor");
  if (!l.vat_rate_bp) return fail(ErrorCode::invalid_argument, "is required", path + ".vat_rate_bp");
  return check_rate(*l.vat_rate_bp, path + ".vat_rate_bp");
}

void write_status_event(json::Writer& w, const Order& o, std::optional<Status> from,
                        std::string_view note) {
  w.begin_object().kv("id", o.id).kv("number", o.number).kv("channel", o.channel);
  w.key("from");
  if (from) w.str(to_string(*from));
  else w.null();
  w.kv("to", to_string(o.status)).kv("note", note).end_object();
}

std::optional<Address> address_from(const Rows& r, std::size_t i, std::size_t c) {
  if (r.is_null(i, c + 6)) return std::nullopt;
  return Address{r.text(i, c), r.text(i, c + 1), r.text(i, c + 2), r.text(i, c + 3),
                 r.text(i, c + 4), r.text(i, c + 5), r.text(i, c + 6)};
}

void push_address(std::vector<Value>& p, const std::optional<Address>& a) {
  if (!a) {
    for (int k = 0; k < 7; ++k) p.push_back(storage::null_value());
    return;
  }
  for (const std::string* s : {&a->name, &a->line1, &a->line2, &a->city, &a->postal_code,
                               &a->province, &a->country})
    p.push_back(*s);
}

template <typename E, std::size_t N>
E parse_enum(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return static_cast<E>(0);
}

constexpr std::array<std::string_view, 4> kPaymentNames = {"unpaid", "paid", "refunded",
                                                            "partially_refunded"};
constexpr std::array<std::string_view, 3> kFulfillmentNames = {"unfulfilled", "partial",
                                                                "fulfilled"};

Order order_from(const Rows& r, std::size_t i) {
  Order o;
  o.id = r.i64(i, 0);
  o.number = r.text(i, 1);
  o.channel = r.text(i, 2);
  o.external_ref = r.opt_text(i, 3);
  o.status = parse_status(r.text(i, 4)).value_or(Status::pending_payment);
  o.payment_status = parse_enum<PaymentStatus>(kPaymentNames, r.text(i, 5));
  o.fulfillment_status = parse_enum<FulfillmentStatus>(kFulfillmentNames, r.text(i, 6));
  o.customer = Customer{r.text(i, 7), r.text(i, 8), r.opt_text(i, 9), std::nullopt};
  if (!r.is_null(i, 10))
    o.customer.company = Company{r.text(i, 10), r.opt_text(i, 11), r.opt_text(i, 12),
                                 r.opt_text(i, 13), r.opt_text(i, 14)};
  o.billing_address = address_from(r, i, 15);
  o.shipping_address = address_from(r, i, 22);
  o.shipping_method = r.text(i, 29);
  o.totals.shipping_minor = r.i64(i, 30);
  o.shipping_vat_rate_bp = static_cast<int>(r.i64(i, 31));
  o.currency = r.text(i, 32);
  o.notes = r.text(i, 33);
  o.prices_include_vat = r.i64(i, 34) != 0;
  o.channel_total_minor = r.opt_i64(i, 35);
  o.totals_mismatch = r.i64(i, 36) != 0;
  o.created_at = r.i64(i, 37);
  o.updated_at = r.i64(i, 38);
  o.payment_method = parse_payment_method(r.text(i, 39)).value_or(PaymentMethod::none);
  o.locale = r.text(i, 40);
  o.invoice_requested = r.i64(i, 41) != 0;
  o.external_updated_at = r.opt_i64(i, 42);
  o.fees_minor = r.opt_i64(i, 43);
  o.hold_reason = r.opt_text(i, 44);
  return o;
}

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

}  // namespace

std::string_view to_string(Status s) { return kStatusNames[static_cast<std::size_t>(s)]; }

std::optional<Status> parse_status(std::string_view s) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i)
    if (kStatusNames[i] == s) return static_cast<Status>(i);
  return std::nullopt;
}

bool can_transition(Status from, Status to) {
  return std::find(std::begin(kTransitions), std::end(kTransitions), std::pair{from, to}) !=
         std::end(kTransitions);
}

constexpr std::array<std::string_view, 7> kPaymentMethodNames = {
    "none", "card", "paypal", "bank_transfer", "cod", "cash", "marketplace"};

std::string_view to_string(PaymentMethod m) {
  return kPaymentMethodNames[static_cast<std::size_t>(m)];
}

std::optional<PaymentMethod> parse_payment_method(std::string_view s) {
  for (std::size_t i = 0; i < kPaymentMethodNames.size(); ++i)
    if (kPaymentMethodNames[i] == s) return static_cast<PaymentMethod>(i);
  return std::nullopt;
}

std::string_view to_string(PaymentStatus s) { return kPaymentNames[static_cast<std::size_t>(s)]; }
std::string_view to_string(FulfillmentStatus s) {
  return kFulfillmentNames[static_cast<std::size_t>(s)];
}

bool is_editable(Status s) { return can_transition(s, Status::cancelled); }

bool is_valid_email(std::string_view email) {
  if (email.size() < 3 || email.size() > limits::kMaxEmailChars || !is_valid_utf8(email))
    return false;
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || email.find('@', at + 1) != email.npos)
    return false;
  for (char ch : email)
    if (static_cast<unsigned char>(ch) <= ' ' || ch == 0x7f || ch == '<' || ch == '>' ||
        ch == ',' || ch == ';' || ch == '"')
      return false;
  const std::string_view domain = email.substr(at + 1);
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  return domain.find("..") == std::string_view::npos && domain.front() != '.' &&
         domain.front() != '-';
}

Result<Totals> compute_totals(std::span<const LineInput> lines, std::int64_t shipping_minor,
                              int shipping_vat_rate_bp, bool prices_include_vat) {
  const std::int64_t cap = limits::kMaxOrderTotalMinor;
  auto too_big = [](const std::string& field) {
    return fail(ErrorCode::invalid_argument, "order amount above the limit (10^13 minor units)",
                field);
  };
  Totals t;
  std::map<int, std::int64_t> by_rate;  // amount as priced (gross or net) per rate
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const LineInput& l = lines[i];
    const std::string path = "lines[" + std::to_string(i) + "]";
    const auto gross = checked_mul(l.qty, l.unit_price_minor.value_or(0));
    if (!gross || *gross > cap) return too_big(path + ".unit_price_minor");
    if (l.discount_minor < 0 || l.discount_minor > *gross)
      return fail(ErrorCode::invalid_argument, "must be between 0 and the line's qty × unit price",
                  path + ".discount_minor");
    const std::int64_t amount = *gross - l.discount_minor;
    t.lines_minor += amount;  // each ≤ cap and at most kMaxOrderLines of them: no overflow
    t.discount_minor += l.discount_minor;
    if (t.lines_minor > cap) return too_big(path + ".qty");
    by_rate[l.vat_rate_bp.value_or(0)] += amount;
  }
  if (shipping_minor < 0 || shipping_minor > cap) return too_big("shipping_minor");
  t.shipping_minor = shipping_minor;
  if (shipping_minor > 0) by_rate[shipping_vat_rate_bp] += shipping_minor;
  std::int64_t priced = t.lines_minor + shipping_minor;
  for (const auto& [rate, amount] : by_rate) {
    VatSummary v{rate, 0, 0};
    if (prices_include_vat) {
      // Scorporo once per rate: taxable = round(gross × 10000 / (10000 + rate)).
      v.taxable_minor = round_half_up_div(amount * 10'000, 10'000 + rate);
      v.vat_minor = amount - v.taxable_minor;
    } else {
      v.taxable_minor = amount;
      v.vat_minor = apply_basis_points(amount, rate);
    }
    t.taxable_minor += v.taxable_minor;
    t.vat_minor += v.vat_minor;
    t.vat.push_back(v);
  }
  t.total_minor = prices_include_vat ? priced : priced + t.vat_minor;
  if (t.total_minor > cap) return too_big("shipping_minor");
  return t;
}

Result<void> validate(const OrderInput& in) {
  if (!is_channel_code(in.channel))
    return fail(ErrorCode::invalid_argument,
                "must be 1-32 characters of lower-case letters, digits, _ and -", "channel");
  if (!is_valid_order_prefix(in.order_prefix, limits::kMaxOrderPrefixChars))
    return fail(ErrorCode::invalid_argument, "the channel has no valid order number prefix",
                "channel");
  FONDACO_TRY(check_opt(in.external_ref, limits::kMaxExternalRefChars, "external_ref"));
  FONDACO_TRY(check_customer(in.customer));
  if (in.billing_address) FONDACO_TRY(check_address(*in.billing_address, "billing_address"));
  if (in.shipping_address) FONDACO_TRY(check_address(*in.shipping_address, "shipping_address"));
  if (in.lines.empty())
    return fail(ErrorCode::invalid_argument, "an order needs at least one line", "lines");
  if (in.lines.size() > limits::kMaxOrderLines)
    return fail(ErrorCode::invalid_argument, "at most 500 lines per order", "lines");
  for (std::size_t i = 0; i < in.lines.size(); ++i)
    FONDACO_TRY(check_line(in.lines[i], "lines[" + std::to_string(i) + "]"));
  FONDACO_TRY(check_text(in.shipping_method, 0, limits::kMaxShortTextChars, "shipping_method"));
  FONDACO_TRY(check_rate(in.shipping_vat_rate_bp, "shipping_vat_rate_bp"));
  if (!is_known_currency(in.currency))
    return fail(ErrorCode::invalid_argument, "must be an ISO 4217 currency code", "currency");
  if (in.locale != "it" && in.locale != "en")
    return fail(ErrorCode::invalid_argument, "must be it or en", "locale");
  if (!is_valid_utf8(in.notes) || utf8_length(in.notes) > limits::kMaxOrderNotesChars)
    return fail(ErrorCode::invalid_argument, "must be at most 4000 characters", "notes");
  if (in.channel_total_minor &&
      (*in.channel_total_minor < 0 || *in.channel_total_minor > limits::kMaxOrderTotalMinor))
    return fail(ErrorCode::invalid_argument, "must be between 0 and 10^13", "channel_total_minor");
  return ok();
}

Result<std::optional<Order>> Orders::find_by_external_ref(Tx& tx, std::string_view channel,
                                                          std::string_view external_ref) {
  auto rows = FONDACO_TRY(tx.query("SELECT id FROM orders WHERE channel = ? AND external_ref = ?",
                                   {std::string(channel), std::string(external_ref)}));
  if (rows.empty()) return std::optional<Order>{};
  return std::optional<Order>(FONDACO_TRY(get(tx, rows.i64(0, 0))));
}

Result<Created> Orders::create(Tx& tx, const OrderInput& in, std::int64_t now_ms) {
  FONDACO_TRY(validate(in));
  if (in.external_ref) {
    auto existing = FONDACO_TRY(find_by_external_ref(tx, in.channel, *in.external_ref));
    if (existing) return Created{std::move(*existing), false};
  }
  const Totals t = FONDACO_TRY(compute_totals(in.lines, in.shipping_minor,
                                              in.shipping_vat_rate_bp, in.prices_include_vat));
  const bool mismatch = in.channel_total_minor && *in.channel_total_minor != t.total_minor;
  const auto& co = in.customer.company;
  std::vector<Value> p = {in.channel, storage::opt_value(in.external_ref),
                          in.customer.email, ascii_lower(in.customer.email), in.customer.name,
                          storage::opt_value(in.customer.phone),
                          co ? Value{co->name} : storage::null_value(),
                          co ? storage::opt_value(co->vat_number) : storage::null_value(),
                          co ? storage::opt_value(co->fiscal_code) : storage::null_value(),
                          co ? storage::opt_value(co->sdi_code) : storage::null_value(),
                          co ? storage::opt_value(co->pec) : storage::null_value()};
  push_address(p, in.billing_address);
  push_address(p, in.shipping_address);
  for (Value v : std::initializer_list<Value>{
           in.shipping_method, in.shipping_minor, std::int64_t{in.shipping_vat_rate_bp},
           in.currency, in.notes, std::int64_t{in.prices_include_vat ? 1 : 0}, t.lines_minor,
           t.discount_minor, t.taxable_minor, t.vat_minor, t.total_minor,
           storage::opt_value(in.channel_total_minor), std::int64_t{mismatch ? 1 : 0}, now_ms,
           now_ms})
    p.push_back(std::move(v));
  // Inserted before numbering: a concurrent duplicate (channel, external_ref) waits on the
  // unique index here, then inserts nothing and returns the committed order; no number
  // is consumed by a deduplicated create.
  auto inserted = FONDACO_TRY(tx.query(
      "INSERT INTO orders (channel, external_ref, status, payment_status, fulfillment_status, "
      "customer_email, email_lc, customer_name, customer_phone, company_name, "
      "company_vat_number, company_fiscal_code, company_sdi_code, company_pec, "
      "bill_name, bill_line1, bill_line2, bill_city, bill_postal_code, bill_province, "
      "bill_country, ship_name, ship_line1, ship_line2, ship_city, ship_postal_code, "
      "ship_province, ship_country, shipping_method, shipping_minor, shipping_vat_rate_bp, "
      "currency, notes, prices_include_vat, lines_minor, discount_minor, taxable_minor, "
      "vat_minor, total_minor, channel_total_minor, totals_mismatch, created_at, updated_at) "
      "VALUES (?, ?, 'pending_payment', 'unpaid', 'unfulfilled', " + placeholders(38) +
          ") ON CONFLICT (channel, external_ref) DO NOTHING RETURNING id",
      p));
  if (inserted.empty()) {
    auto existing = FONDACO_TRY(find_by_external_ref(tx, in.channel, in.external_ref.value_or("")));
    if (!existing) return fail(ErrorCode::conflict, "order reference is being created", "external_ref");
    return Created{std::move(*existing), false};
  }
  const std::int64_t id = inserted.i64(0, 0);
  // Gap-free per prefix: the counter row is locked until commit; a rollback undoes it.
  const std::string& prefix = in.order_prefix;
  auto seq = FONDACO_TRY(tx.query(
      "INSERT INTO order_counters (prefix, last_value) VALUES (?, 1) ON CONFLICT (prefix) "
      "DO UPDATE SET last_value = order_counters.last_value + 1 RETURNING last_value",
      {prefix}));
  char digits[24];
  std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(seq.i64(0, 0)));
  const std::string number = prefix + "-" + digits;
  FONDACO_TRY(tx.exec("UPDATE orders SET number = ?, last_line_no = ?, payment_method = ?, "
                      "locale = ?, invoice_requested = ? WHERE id = ?",
                      {number, static_cast<std::int64_t>(in.lines.size()),
                       std::string(to_string(in.payment_method)), in.locale,
                       std::int64_t{in.invoice_requested ? 1 : 0}, id}));
  for (std::size_t i = 0; i < in.lines.size(); ++i) {
    const LineInput& l = in.lines[i];
    const std::int64_t amount = l.qty * *l.unit_price_minor - l.discount_minor;
    FONDACO_TRY(tx.exec(
        "INSERT INTO order_lines (order_id, line_no, sku, qty, unit_price_minor, discount_minor, "
        "vat_rate_bp, amount_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {id, static_cast<std::int64_t>(i + 1), l.sku, l.qty, *l.unit_price_minor,
         l.discount_minor, std::int64_t{*l.vat_rate_bp}, amount}));
  }
  FONDACO_TRY(tx.exec(
      "INSERT INTO order_history (order_id, at, from_status, to_status, note) "
      "VALUES (?, ?, NULL, 'pending_payment', 'created')",
      {id, now_ms}));
  Order o = FONDACO_TRY(get(tx, id));
  json::Writer w;
  w.begin_object().kv("id", o.id).kv("number", o.number).kv("channel", o.channel);
  w.kv("external_ref", o.external_ref).kv("currency", o.currency);
  w.kv("total_minor", o.totals.total_minor).kv_bool("totals_mismatch", o.totals_mismatch);
  w.end_object();
  FONDACO_TRY(log_.append(tx, "order.created", "order", std::to_string(id), w.take(), now_ms));
  return Created{std::move(o), true};
}

Result<Order> Orders::get(Tx& tx, std::int64_t id) {
  auto page = FONDACO_TRY(load(tx, "id = ?", {id}, 1));
  if (page.items.empty()) return fail(ErrorCode::not_found, "order not found", "id");
  return std::move(page.items.front());
}

Result<std::vector<Line>> Orders::load_lines(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT line_no, sku, qty, unit_price_minor, discount_minor, vat_rate_bp, amount_minor "
      "FROM order_lines WHERE order_id = ? ORDER BY line_no",
      {id}));
  std::vector<Line> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(Line{static_cast<int>(rows.i64(i, 0)), rows.text(i, 1), rows.i64(i, 2),
                       rows.i64(i, 3), rows.i64(i, 4), static_cast<int>(rows.i64(i, 5)),
                       rows.i64(i, 6)});
  return out;
}

Result<Page<Order>> Orders::load(Tx& tx, const std::string& where,
                                 const std::vector<Value>& params, int limit) {
  std::vector<Value> p = params;
  p.push_back(std::int64_t{limit + 1});
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(kOrderColumns) + " FROM orders WHERE " +
                                       where + " AND number IS NOT NULL ORDER BY id LIMIT ?",
                                   p));
  Page<Order> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
    Order o = order_from(rows, i);
    o.lines = FONDACO_TRY(load_lines(tx, o.id));
    std::vector<LineInput> in;
    for (const auto& l : o.lines)
      in.push_back(LineInput{l.sku, l.qty, l.unit_price_minor, l.discount_minor, l.vat_rate_bp});
    // Totals are a pure function of what is stored; recomputing gives the per-rate summary.
    o.totals = FONDACO_TRY(compute_totals(in, o.totals.shipping_minor, o.shipping_vat_rate_bp,
                                          o.prices_include_vat));
    page.items.push_back(std::move(o));
  }
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<Page<Order>> Orders::list(Tx& tx, const OrderFilter& f) {
  std::string where = "id > ?";
  std::vector<Value> p = {f.after_id};
  auto add = [&](std::string_view clause, Value v) {
    where += " AND ";
    where += clause;
    p.push_back(std::move(v));
  };
  if (f.status) add("status = ?", std::string(to_string(*f.status)));
  if (f.channel) add("channel = ?", *f.channel);
  if (f.created_from_ms) add("created_at >= ?", *f.created_from_ms);
  if (f.created_to_ms) add("created_at < ?", *f.created_to_ms);
  if (f.email) add("email_lc = ?", ascii_lower(*f.email));
  if (f.sku)
    add("EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id AND l.sku = ?)", *f.sku);
  return load(tx, where, p, f.limit);
}

Result<std::vector<HistoryEntry>> Orders::history(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT at, from_status, to_status, note FROM order_history WHERE order_id = ? ORDER BY id",
      {id}));
  std::vector<HistoryEntry> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    HistoryEntry h{rows.i64(i, 0), std::nullopt,
                   parse_status(rows.text(i, 2)).value_or(Status::pending_payment),
                   rows.text(i, 3)};
    if (!rows.is_null(i, 1)) h.from = parse_status(rows.text(i, 1));
    out.push_back(std::move(h));
  }
  return out;
}

Result<Order> Orders::set_payment_status(Tx& tx, std::int64_t id, PaymentStatus to,
                                         std::string_view note, std::int64_t now_ms) {
  if (!is_valid_utf8(note) || utf8_length(note) > limits::kMaxStatusNoteChars)
    return fail(ErrorCode::invalid_argument, "must be at most 1000 characters", "note");
  Order o = FONDACO_TRY(get(tx, id));
  if (o.payment_status == to) return o;
  const PaymentStatus from = o.payment_status;
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE orders SET payment_status = ?, updated_at = ? WHERE id = ? AND payment_status = ?",
      {std::string(to_string(to)), now_ms, id, std::string(to_string(from))}));
  if (changed != 1)
    return fail(ErrorCode::conflict, "the order's payment changed concurrently", "payment_status");
  // The timeline records the order's (unchanged) status with the payment note.
  FONDACO_TRY(tx.exec(
      "INSERT INTO order_history (order_id, at, from_status, to_status, note) "
      "VALUES (?, ?, ?, ?, ?)",
      {id, now_ms, std::string(to_string(o.status)), std::string(to_string(o.status)),
       "payment " + std::string(to_string(to)) + (note.empty() ? "" : ": " + std::string(note))}));
  o.payment_status = to;
  o.updated_at = now_ms;
  json::Writer w;
  w.begin_object().kv("id", o.id).kv("number", o.number).kv("from", to_string(from));
  w.kv("to", to_string(to)).kv("note", note).end_object();
  FONDACO_TRY(log_.append(tx, "order.payment_status_changed", "order", std::to_string(id),
                          w.take(), now_ms));
  return o;
}

Result<Order> Orders::transition(Tx& tx, std::int64_t id, Status to, std::string_view note,
                                 std::int64_t now_ms) {
  if (!is_valid_utf8(note) || utf8_length(note) > limits::kMaxStatusNoteChars)
    return fail(ErrorCode::invalid_argument, "must be at most 1000 characters", "note");
  Order o = FONDACO_TRY(get(tx, id));
  const Status from = o.status;
  if (!can_transition(from, to))
    return fail(ErrorCode::invalid_transition,
                "an order cannot go from " + std::string(to_string(from)) + " to " +
                    std::string(to_string(to)),
                "status");
  if (to == Status::paid) o.payment_status = PaymentStatus::paid;
  if (to == Status::partially_shipped) o.fulfillment_status = FulfillmentStatus::partial;
  if (to == Status::shipped) o.fulfillment_status = FulfillmentStatus::fulfilled;
  // Conditional on the status read: of two concurrent transitions only one applies.
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE orders SET status = ?, payment_status = ?, fulfillment_status = ?, updated_at = ? "
      "WHERE id = ? AND status = ?",
      {std::string(to_string(to)), std::string(to_string(o.payment_status)),
       std::string(to_string(o.fulfillment_status)), now_ms, id, std::string(to_string(from))}));
  if (changed != 1)
    return fail(ErrorCode::invalid_transition, "the order changed status concurrently", "status");
  FONDACO_TRY(tx.exec(
      "INSERT INTO order_history (order_id, at, from_status, to_status, note) "
      "VALUES (?, ?, ?, ?, ?)",
      {id, now_ms, std::string(to_string(from)), std::string(to_string(to)), std::string(note)}));
  if (from == Status::on_hold && o.hold_reason) {  // the reason held it; it is released now
    FONDACO_TRY(tx.exec("UPDATE orders SET hold_reason = NULL WHERE id = ?", {id}));
    o.hold_reason.reset();
  }
  o.status = to;
  o.updated_at = now_ms;
  json::Writer w;
  write_status_event(w, o, from, note);
  FONDACO_TRY(log_.append(tx, to == Status::cancelled ? "order.cancelled" : "order.status_changed",
                          "order", std::to_string(id), w.take(), now_ms));
  return o;
}

Result<void> Orders::set_channel_state(Tx& tx, std::int64_t id, const ChannelState& st,
                                       std::int64_t now_ms) {
  Order o = FONDACO_TRY(get(tx, id));
  if (st.channel_total_minor &&
      (*st.channel_total_minor < 0 || *st.channel_total_minor > limits::kMaxOrderTotalMinor))
    return fail(ErrorCode::invalid_argument, "must be between 0 and 10^13", "channel_total_minor");
  if (st.hold_reason && *st.hold_reason)
    FONDACO_TRY(check_text(**st.hold_reason, 1, limits::kMaxStatusNoteChars, "hold_reason"));
  const auto total = st.channel_total_minor ? st.channel_total_minor : o.channel_total_minor;
  const bool mismatch = total && *total != o.totals.total_minor;
  const auto reason = st.hold_reason ? *st.hold_reason : o.hold_reason;
  FONDACO_TRY(tx.exec(
      "UPDATE orders SET external_updated_at = ?, channel_total_minor = ?, totals_mismatch = ?, "
      "hold_reason = ?, updated_at = ? WHERE id = ?",
      {storage::opt_value(st.external_updated_at ? st.external_updated_at : o.external_updated_at),
       storage::opt_value(total), std::int64_t{mismatch ? 1 : 0}, storage::opt_value(reason),
       now_ms, id}));
  return ok();
}

Result<std::vector<ChannelFee>> Orders::channel_fees(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT fee_type, amount_minor FROM order_channel_fees WHERE order_id = ? ORDER BY fee_type",
      {id}));
  std::vector<ChannelFee> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back({rows.text(i, 0), rows.i64(i, 1)});
  return out;
}

Result<void> Orders::set_channel_fees(Tx& tx, std::int64_t id, std::span<const ChannelFee> fees,
                                      std::int64_t now_ms) {
  std::vector<ChannelFee> sorted(fees.begin(), fees.end());
  std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.type < b.type; });
  std::int64_t total = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const std::string path = "fees[" + std::to_string(i) + "]";
    FONDACO_TRY(check_text(sorted[i].type, 1, limits::kMaxShortTextChars, path + ".type"));
    if (i > 0 && sorted[i].type == sorted[i - 1].type)
      return fail(ErrorCode::invalid_argument, "fee types must be unique", path + ".type");
    const auto amount = sorted[i].amount_minor;
    if (amount < -limits::kMaxOrderTotalMinor || amount > limits::kMaxOrderTotalMinor ||
        std::abs(total + amount) > limits::kMaxOrderTotalMinor)
      return fail(ErrorCode::invalid_argument, "out of range", path + ".amount_minor");
    total += amount;
  }
  FONDACO_TRY(lock(tx, id));
  if (FONDACO_TRY(channel_fees(tx, id)) == sorted) return ok();
  FONDACO_TRY(tx.exec("DELETE FROM order_channel_fees WHERE order_id = ?", {id}));
  for (const auto& f : sorted)
    FONDACO_TRY(tx.exec(
        "INSERT INTO order_channel_fees (order_id, fee_type, amount_minor) VALUES (?, ?, ?)",
        {id, f.type, f.amount_minor}));
  FONDACO_TRY(tx.exec("UPDATE orders SET fees_minor = ?, updated_at = ? WHERE id = ?",
                      {total, now_ms, id}));
  json::Writer w;
  w.begin_object().kv("id", id).kv("fees_minor", total).end_object();
  FONDACO_TRY(log_.append(tx, "order.channel_fees_changed", "order", std::to_string(id), w.take(),
                          now_ms));
  return ok();
}

Result<void> Orders::lock(Tx& tx, std::int64_t id) {
  const auto n = FONDACO_TRY(tx.exec("UPDATE orders SET status = status WHERE id = ?", {id}));
  if (n != 1) return fail(ErrorCode::not_found, "order not found", "id");
  return ok();
}

Result<Order> Orders::edit(Tx& tx, std::int64_t id, const OrderEdit& e, std::int64_t now_ms) {
  if (!is_valid_utf8(e.note) || utf8_length(e.note) > limits::kMaxStatusNoteChars)
    return fail(ErrorCode::invalid_argument, "must be at most 1000 characters", "note");
  Order o = FONDACO_TRY(get(tx, id));
  if (!is_editable(o.status))
    return fail(ErrorCode::invalid_transition,
                "an order can be edited only before fulfilment starts (pending_payment, "
                "confirmed, paid, on_hold); this one is " + std::string(to_string(o.status)),
                "status");
  auto last = FONDACO_TRY(tx.query("SELECT last_line_no FROM orders WHERE id = ?", {id}));
  std::int64_t last_line_no = last.i64(0, 0);
  // The new list of lines, each with its number.
  std::vector<LineInput> lines;
  std::vector<std::int64_t> numbers;
  if (e.lines) {
    if (e.lines->empty())
      return fail(ErrorCode::invalid_argument, "an order needs at least one line", "lines");
    if (e.lines->size() > limits::kMaxOrderLines)
      return fail(ErrorCode::invalid_argument, "at most 500 lines per order", "lines");
    std::set<int> seen;
    for (std::size_t i = 0; i < e.lines->size(); ++i) {
      const EditLine& el = (*e.lines)[i];
      const std::string path = "lines[" + std::to_string(i) + "]";
      LineInput l;
      if (el.line_no) {
        auto it = std::find_if(o.lines.begin(), o.lines.end(),
                               [&](const Line& x) { return x.line_no == *el.line_no; });
        if (it == o.lines.end())
          return fail(ErrorCode::invalid_argument, "the order has no such line", path + ".line_no");
        if (!seen.insert(*el.line_no).second)
          return fail(ErrorCode::invalid_argument, "listed twice", path + ".line_no");
        if (el.sku && *el.sku != it->sku)
          return fail(ErrorCode::invalid_argument,
                      "a line's SKU cannot change: remove the line and add a new one",
                      path + ".sku");
        l = LineInput{it->sku, el.qty.value_or(it->qty),
                      el.unit_price_minor.value_or(it->unit_price_minor),
                      el.discount_minor.value_or(it->discount_minor),
                      el.vat_rate_bp.value_or(it->vat_rate_bp)};
        numbers.push_back(*el.line_no);
      } else {
        if (!el.sku) return fail(ErrorCode::invalid_argument, "is required", path + ".sku");
        if (!el.qty) return fail(ErrorCode::invalid_argument, "is required", path + ".qty");
        l = LineInput{*el.sku, *el.qty, el.unit_price_minor, el.discount_minor.value_or(0),
                      el.vat_rate_bp};
        numbers.push_back(++last_line_no);
      }
      FONDACO_TRY(check_line(l, path));
      lines.push_back(std::move(l));
    }
  } else {
    for (const auto& l : o.lines) {
      lines.push_back({l.sku, l.qty, l.unit_price_minor, l.discount_minor, l.vat_rate_bp});
      numbers.push_back(l.line_no);
    }
  }
  if (e.billing_address) {
    FONDACO_TRY(check_address(*e.billing_address, "billing_address"));
    o.billing_address = e.billing_address;
  }
  if (e.shipping_address) {
    FONDACO_TRY(check_address(*e.shipping_address, "shipping_address"));
    o.shipping_address = e.shipping_address;
  }
  if (e.notes) {
    if (!is_valid_utf8(*e.notes) || utf8_length(*e.notes) > limits::kMaxOrderNotesChars)
      return fail(ErrorCode::invalid_argument, "must be at most 4000 characters", "notes");
    o.notes = *e.notes;
  }
  const Totals t = FONDACO_TRY(compute_totals(lines, o.totals.shipping_minor,
                                              o.shipping_vat_rate_bp, o.prices_include_vat));
  const bool mismatch = o.channel_total_minor && *o.channel_total_minor != t.total_minor;
  std::vector<Value> p;
  push_address(p, o.billing_address);
  push_address(p, o.shipping_address);
  for (Value v : std::initializer_list<Value>{
           o.notes, t.lines_minor, t.discount_minor, t.taxable_minor, t.vat_minor, t.total_minor,
           std::int64_t{mismatch ? 1 : 0}, last_line_no, now_ms, id,
           std::string(to_string(o.status))})
    p.push_back(std::move(v));
  // Conditional on the status read (the caller holds the row, so this is a second line).
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE orders SET bill_name = ?, bill_line1 = ?, bill_line2 = ?, bill_city = ?, "
      "bill_postal_code = ?, bill_province = ?, bill_country = ?, ship_name = ?, ship_line1 = ?, "
      "ship_line2 = ?, ship_city = ?, ship_postal_code = ?, ship_province = ?, ship_country = ?, "
      "notes = ?, lines_minor = ?, discount_minor = ?, taxable_minor = ?, vat_minor = ?, "
      "total_minor = ?, totals_mismatch = ?, last_line_no = ?, updated_at = ? "
      "WHERE id = ? AND status = ?",
      p));
  if (changed != 1)
    return fail(ErrorCode::invalid_transition, "the order changed status concurrently", "status");
  if (e.lines) {
    FONDACO_TRY(tx.exec("DELETE FROM order_lines WHERE order_id = ?", {id}));
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const LineInput& l = lines[i];
      FONDACO_TRY(tx.exec(
          "INSERT INTO order_lines (order_id, line_no, sku, qty, unit_price_minor, "
          "discount_minor, vat_rate_bp, amount_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {id, numbers[i], l.sku, l.qty, *l.unit_price_minor, l.discount_minor,
           std::int64_t{*l.vat_rate_bp}, l.qty * *l.unit_price_minor - l.discount_minor}));
    }
  }
  const std::string note = e.note.empty() ? std::string("edited") : e.note;
  const std::string status(to_string(o.status));
  FONDACO_TRY(tx.exec(
      "INSERT INTO order_history (order_id, at, from_status, to_status, note) "
      "VALUES (?, ?, ?, ?, ?)",
      {id, now_ms, status, status, note}));
  Order out = FONDACO_TRY(get(tx, id));
  json::Writer w;
  w.begin_object().kv("id", out.id).kv("number", out.number).kv("channel", out.channel);
  w.key("changed").begin_array();
  if (e.lines) w.str("lines");
  if (e.billing_address) w.str("billing_address");
  if (e.shipping_address) w.str("shipping_address");
  if (e.notes) w.str("notes");
  w.end_array().kv("total_minor", out.totals.total_minor).kv("note", note).end_object();
  FONDACO_TRY(log_.append(tx, "order.updated", "order", std::to_string(id), w.take(), now_ms));
  return out;
}

}  // namespace fondaco::orders
