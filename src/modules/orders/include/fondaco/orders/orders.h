// Orders: one order model for every sales channel.
//
// An order belongs to a channel ("storefront", "pos", "shopify"...) and may carry the
// channel's own reference (external_ref), unique per channel: creating an order whose
// (channel, external_ref) exists returns the existing order instead of a second one. Each
// order gets a human number, its channel's prefix (given by the caller: the channel
// registry is another module) plus a gap-free sequence taken from a counter row per prefix
// in the creating transaction ("WEB-000001"). Totals are computed here in int64
// minor units (lines, discounts, shipping, VAT per rate rounded once per rate, grand total);
// an imported order keeps the channel's total as sent and is flagged when it differs.
//
// The lifecycle is a state machine held as data (kTransitions in orders.cc); every change
// is appended to the order's timeline (order_history) and emits its event in the same
// transaction. Before fulfilment starts an order can be edited (lines, addresses, notes;
// totals recomputed, `order.updated`). This module knows nothing of the catalog or of
// stock: placing and editing an order (checking SKUs, pricing, reserving) is composed in
// src/workflows/. Carts (carts.h) live here too.
//
// Every operation takes the caller's transaction and `now_ms`; nothing reads the clock.
// Thread-safety: Orders holds no mutable state; use it from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::orders {

std::span<const storage::Migration> migrations();

enum class Status {
  pending_payment,
  confirmed,
  paid,
  fulfilling,
  partially_shipped,
  shipped,
  delivered,
  completed,
  on_hold,
  cancelled,
};
std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view s);
// True when the state machine allows from → to.
bool can_transition(Status from, Status to);

enum class PaymentStatus { unpaid, paid, refunded, partially_refunded };
std::string_view to_string(PaymentStatus s);
enum class FulfillmentStatus { unfulfilled, partial, fulfilled };
std::string_view to_string(FulfillmentStatus s);

// How the customer pays; decides what the order-to-cash chain waits for (src/workflows/):
// card and paypal wait for the gateway's webhook, bank_transfer for a bank statement, cod
// ships unpaid (the carrier's remittance pays it), cash (paid at the till) and marketplace
// (collected by the channel) are paid when placed, none leaves payment to a person.
enum class PaymentMethod { none, card, paypal, bank_transfer, cod, cash, marketplace };
std::string_view to_string(PaymentMethod m);
std::optional<PaymentMethod> parse_payment_method(std::string_view s);

// True in the states an order can still be edited in: before fulfilment starts, which are
// exactly the states it can be cancelled from (pending_payment, confirmed, paid, on_hold).
bool is_editable(Status s);
// Syntactic e-mail check (one @, non-empty local part ≤ 64, dotted domain, no spaces).
bool is_valid_email(std::string_view email);

struct Company {
  std::string name;
  std::optional<std::string> vat_number;   // partita IVA, stored as given
  std::optional<std::string> fiscal_code;  // codice fiscale
  std::optional<std::string> sdi_code;
  std::optional<std::string> pec;
  friend bool operator==(const Company&, const Company&) = default;
};

struct Customer {
  std::string email;
  std::string name;
  std::optional<std::string> phone;
  std::optional<Company> company;
  friend bool operator==(const Customer&, const Customer&) = default;
};

struct Address {
  std::string name;
  std::string line1;
  std::string line2;
  std::string city;
  std::string postal_code;
  std::string province;
  std::string country;  // ISO 3166-1 alpha-2, upper case
  friend bool operator==(const Address&, const Address&) = default;
};

struct LineInput {
  std::string sku;
  std::int64_t qty = 1;
  // Required by create(); the place-order workflow fills missing ones from the catalog.
  std::optional<std::int64_t> unit_price_minor;
  std::int64_t discount_minor = 0;  // for the whole line
  std::optional<int> vat_rate_bp;
};

struct OrderInput {
  std::string channel = "storefront";
  // The channel's order number prefix ("WEB"); required (the workflow takes it from the
  // channel registry).
  std::string order_prefix;
  std::optional<std::string> external_ref;
  Customer customer;
  std::optional<Address> billing_address;
  std::optional<Address> shipping_address;
  std::vector<LineInput> lines;
  std::string shipping_method;
  std::int64_t shipping_minor = 0;
  int shipping_vat_rate_bp = 2200;
  std::string currency = "EUR";
  std::string notes;
  bool prices_include_vat = true;  // Italian B2C prices include VAT
  std::optional<std::int64_t> channel_total_minor;  // the channel's grand total, as sent
  PaymentMethod payment_method = PaymentMethod::none;
  std::string locale = "it";        // the customer's e-mails: "it" or "en"
  bool invoice_requested = false;   // a private customer asked for an invoice
};

struct Line {
  int line_no = 0;  // 1-based
  std::string sku;
  std::int64_t qty = 0;
  std::int64_t unit_price_minor = 0;
  std::int64_t discount_minor = 0;
  int vat_rate_bp = 0;
  std::int64_t amount_minor = 0;  // qty × unit − discount
};

// One VAT rate's summary (FatturaPA DatiRiepilogo style): rounded once per rate.
struct VatSummary {
  int rate_bp = 0;
  std::int64_t taxable_minor = 0;
  std::int64_t vat_minor = 0;
};

struct Totals {
  std::int64_t lines_minor = 0;     // Σ line amounts (after discounts)
  std::int64_t discount_minor = 0;  // Σ line discounts
  std::int64_t shipping_minor = 0;
  std::int64_t taxable_minor = 0;   // Σ taxable over rates
  std::int64_t vat_minor = 0;       // Σ VAT over rates
  std::int64_t total_minor = 0;     // what the customer pays
  std::vector<VatSummary> vat;      // ascending rate
};

// Computes totals; invalid_argument (naming the field) on a discount above its line's
// gross or on an amount above limits::kMaxOrderTotalMinor.
Result<Totals> compute_totals(std::span<const LineInput> lines, std::int64_t shipping_minor,
                              int shipping_vat_rate_bp, bool prices_include_vat);

struct HistoryEntry {
  std::int64_t at = 0;
  std::optional<Status> from;  // none for creation
  Status to = Status::pending_payment;
  std::string note;
};

struct Order {
  std::int64_t id = 0;
  std::string number;
  std::string channel;
  std::optional<std::string> external_ref;
  Status status = Status::pending_payment;
  PaymentStatus payment_status = PaymentStatus::unpaid;
  FulfillmentStatus fulfillment_status = FulfillmentStatus::unfulfilled;
  Customer customer;
  std::optional<Address> billing_address;
  std::optional<Address> shipping_address;
  std::vector<Line> lines;
  std::string shipping_method;
  int shipping_vat_rate_bp = 0;
  std::string currency;
  std::string notes;
  bool prices_include_vat = true;
  Totals totals;
  std::optional<std::int64_t> channel_total_minor;
  bool totals_mismatch = false;
  PaymentMethod payment_method = PaymentMethod::none;
  std::string locale = "it";
  bool invoice_requested = false;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  // From the channel (set_channel_state / set_channel_fees): its last change time, the
  // fees it charges the seller, and why the order is on hold (cleared when it leaves).
  std::optional<std::int64_t> external_updated_at;
  std::optional<std::int64_t> fees_minor;
  std::optional<std::string> hold_reason;
};

// A marketplace fee on an order (commission, FBA fulfilment...), charged to the seller.
struct ChannelFee {
  std::string type;
  std::int64_t amount_minor = 0;
  friend bool operator==(const ChannelFee&, const ChannelFee&) = default;
};

// One line of an edit. `line_no` names an existing line, which keeps whatever is not given
// (its SKU cannot change); without it the line is new: sku, qty, unit price and VAT rate
// are required (the workflow fills price and rate from the catalog) and it gets the next
// line number never used by this order.
struct EditLine {
  std::optional<int> line_no;
  std::optional<std::string> sku;
  std::optional<std::int64_t> qty;
  std::optional<std::int64_t> unit_price_minor;
  std::optional<std::int64_t> discount_minor;
  std::optional<int> vat_rate_bp;
};

// An edit before fulfilment; absent members are unchanged.
struct OrderEdit {
  std::optional<std::vector<EditLine>> lines;  // the order's complete new list of lines
  std::optional<Address> billing_address;
  std::optional<Address> shipping_address;
  std::optional<std::string> notes;
  std::string note;  // for the timeline entry
};

struct Created {
  Order order;
  bool created = true;  // false: (channel, external_ref) existed and this is that order
};

struct OrderFilter {
  std::optional<Status> status;
  std::optional<std::string> channel;
  std::optional<std::int64_t> created_from_ms;  // inclusive
  std::optional<std::int64_t> created_to_ms;    // exclusive
  std::optional<std::string> email;             // case-insensitive equality
  std::optional<std::string> sku;               // orders with a line of this SKU
  std::int64_t after_id = 0;                    // keyset cursor, ascending id
  int limit = 50;
};

// ---- carts ----
// A cart: lines (SKU, qty) that hold stock for a while, until its TTL runs out, it is
// released (DELETE) or it becomes an order. The holds themselves are inventory
// reservations made by the workflow (src/workflows/carts.h); this module keeps the cart and
// its lifecycle. `expired` is never stored: an active cart is expired once now ≥ expires_at
// (the housekeeper expires its holds at the same instant).
enum class CartStatus { active, converted, released, expired };
std::string_view to_string(CartStatus s);

struct CartLineInput {
  std::string sku;
  std::int64_t qty = 1;
};

struct CartLine {
  int line_no = 0;  // never reused within a cart: a replaced line gets a new number
  std::string sku;
  std::int64_t qty = 0;
};

struct Cart {
  std::int64_t id = 0;
  std::string channel;
  CartStatus status = CartStatus::active;
  std::int64_t ttl_ms = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> order_id;  // once converted
  std::vector<CartLine> lines;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// ok for an active cart; cart_converted, or cart_expired (expired or released), naming
// `field`, otherwise.
Result<void> check_open(const Cart& c, const std::string& field);

using fondaco::Page;

class Orders {
 public:
  explicit Orders(events::EventLog& log) : log_(log) {}

  // Validates (errors name the field: "lines[2].qty", "customer.email"), computes totals,
  // numbers and stores the order with its first timeline entry and `order.created`.
  Result<Created> create(storage::Tx& tx, const OrderInput& in, std::int64_t now_ms);
  // The order (lines and totals; not the timeline). not_found naming "id".
  Result<Order> get(storage::Tx& tx, std::int64_t id);
  Result<std::optional<Order>> find_by_external_ref(storage::Tx& tx, std::string_view channel,
                                                    std::string_view external_ref);
  Result<std::vector<HistoryEntry>> history(storage::Tx& tx, std::int64_t id);
  Result<Page<Order>> list(storage::Tx& tx, const OrderFilter& filter);

  // Moves the order to `to` if the state machine allows it (invalid_transition naming
  // "status" otherwise), race-free: the update is conditional on the status it read.
  // Emits order.status_changed, or order.cancelled when `to` is cancelled.
  Result<Order> transition(storage::Tx& tx, std::int64_t id, Status to, std::string_view note,
                           std::int64_t now_ms);

  // Records a payment outcome that is not a status change (a COD order paid after it
  // shipped, a refund): a timeline entry and `order.payment_status_changed`. Unchanged →
  // returns the order and writes nothing.
  Result<Order> set_payment_status(storage::Tx& tx, std::int64_t id, PaymentStatus to,
                                   std::string_view note, std::int64_t now_ms);
  // Takes the order's row for the rest of the transaction (a no-op UPDATE). Workflows that
  // change an order and its stock lock it first: order row, then SKU balance rows (ascending
  // SKU), then the event counter. not_found naming "id".
  Result<void> lock(storage::Tx& tx, std::int64_t id);

  // The channel's view of an existing order: its last change time, its grand total (the
  // mismatch flag is recomputed) and the hold reason (set with a move to on_hold; null
  // clears it). Absent members are unchanged. Writes no event: the status change or edit
  // it accompanies carries one.
  struct ChannelState {
    std::optional<std::int64_t> external_updated_at;
    std::optional<std::int64_t> channel_total_minor;
    std::optional<std::optional<std::string>> hold_reason;
  };
  Result<void> set_channel_state(storage::Tx& tx, std::int64_t id, const ChannelState& st,
                                 std::int64_t now_ms);
  // Replaces the order's marketplace fees (type unique, amounts within the order limit) and
  // their total; `order.channel_fees_changed` when they differ from what is stored.
  Result<void> set_channel_fees(storage::Tx& tx, std::int64_t id, std::span<const ChannelFee> fees,
                                std::int64_t now_ms);
  Result<std::vector<ChannelFee>> channel_fees(storage::Tx& tx, std::int64_t id);

  // Applies an edit (errors name the field: "lines[1].line_no", "shipping_address.city");
  // invalid_transition naming "status" unless is_editable(status). Recomputes totals (and
  // totals_mismatch against the channel's total), replaces the lines, appends a timeline
  // entry and `order.updated`. Stock is the caller's business (workflows::edit_order).
  Result<Order> edit(storage::Tx& tx, std::int64_t id, const OrderEdit& e, std::int64_t now_ms);

  // Carts (carts.cc). Lines are validated here ("lines[1].qty"); ttl_ms must lie within
  // limits::kMin/kMaxCartTtlSeconds ("ttl_seconds"). Each change appends cart.created,
  // cart.updated, cart.released or cart.converted in its transaction.
  Result<Cart> create_cart(storage::Tx& tx, const std::string& channel,
                           const std::vector<CartLineInput>& lines, std::int64_t ttl_ms,
                           std::int64_t now_ms);
  // The cart as of now_ms (status expired when its TTL has run out). not_found naming "id".
  Result<Cart> cart(storage::Tx& tx, std::int64_t id, std::int64_t now_ms);
  // Takes the cart's row for the rest of the transaction: cart row, then SKU balance rows,
  // then the event counter. not_found naming "id".
  Result<void> lock_cart(storage::Tx& tx, std::int64_t id);
  // New lines (new numbers) and a fresh TTL from now (ttl_ms when given, else the cart's).
  // Only an open cart (check_open).
  Result<Cart> replace_cart_lines(storage::Tx& tx, std::int64_t id,
                                  const std::vector<CartLineInput>& lines,
                                  std::optional<std::int64_t> ttl_ms, std::int64_t now_ms);
  // Active or expired → released (its holds are the caller's to release); released stays
  // as it is (no event); converted → cart_converted.
  Result<Cart> release_cart(storage::Tx& tx, std::int64_t id, std::int64_t now_ms);
  // Open → converted, remembering the order. cart_expired / cart_converted naming "cart_id".
  Result<Cart> convert_cart(storage::Tx& tx, std::int64_t id, std::int64_t order_id,
                            std::int64_t now_ms);

 private:
  Result<std::vector<Line>> load_lines(storage::Tx& tx, std::int64_t id);
  Result<Page<Order>> load(storage::Tx& tx, const std::string& where,
                           const std::vector<storage::Value>& params, int limit);
  Result<void> write_cart_lines(storage::Tx& tx, std::int64_t cart_id,
                               const std::vector<CartLineInput>& lines, std::int64_t first_no);
  Result<void> emit_cart(storage::Tx& tx, const char* type, const Cart& c, std::int64_t now_ms);

  events::EventLog& log_;
};

// Input validation that needs no database (exposed for the workflow's early checks).
Result<void> validate(const OrderInput& in);

}  // namespace fondaco::orders
