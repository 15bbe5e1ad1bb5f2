#include "fondaco/workflows/channel_orders.h"

#include <algorithm>
#include <cctype>

#include "allocation.h"
#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/channels/listings.h"
#include "fondaco/workflows/channels.h"

namespace fondaco::workflows {

using channels::ExternalAddress;
using channels::ExternalOrder;
using channels::FinancialStatus;
using orders::Status;
using storage::Tx;

namespace {

// A line as it will be stored, and whether the catalog sells its SKU.
struct MappedLine {
  orders::LineInput line;
  bool known = false;
};

bool channel_collected(FinancialStatus f) {
  return f == FinancialStatus::paid || f == FinancialStatus::partially_refunded ||
         f == FinancialStatus::refunded;
}

// The VAT rate the channel applied, from its tax and the amount it was charged on (0 when
// it sent no tax: a rate Fondaco cannot know is not invented).
int derived_rate_bp(std::int64_t amount_minor, std::int64_t tax_minor, bool includes_tax) {
  const std::int64_t net = includes_tax ? amount_minor - tax_minor : amount_minor;
  if (tax_minor <= 0 || net <= 0) return 0;
  const auto scaled = checked_mul(tax_minor, 10'000);
  if (!scaled) return 0;
  return static_cast<int>(
      std::clamp<std::int64_t>(round_half_up_div(*scaled, net), 0, limits::kMaxVatRateBp));
}

// A channel's address as an order address, when it has what one needs (name, street, city,
// country); Amazon's order reports carry only city and postcode, which is not an address.
std::optional<orders::Address> order_address(const std::optional<ExternalAddress>& a) {
  if (!a || a->name.empty() || a->line1.empty() || a->city.empty() || a->country.size() != 2)
    return std::nullopt;
  orders::Address out{a->name,        a->line1,    a->line2,  a->city,
                      a->postal_code, a->province, a->country};
  auto clip = [](std::string& s, std::size_t n) {
    if (utf8_length(s) > n) s.clear();
  };
  clip(out.postal_code, limits::kMaxPostalCodeChars);
  return out;
}

// A stored line SKU must be a Fondaco code; an unknown channel SKU that is not one is kept
// under a name derived from the channel's line id.
std::string stored_sku(const channels::ExternalLine& l) {
  if (is_valid_code(l.sku, limits::kMaxSkuChars)) return l.sku;
  std::string id = "EXT-" + l.line_id;
  for (char& ch : id)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') ch = '-';
  return id.substr(0, limits::kMaxSkuChars);
}

Result<MappedLine> map_line(Tx& tx, const OrderServices& s, std::int64_t channel_id,
                            const ExternalOrder& ext, std::size_t i) {
  const auto& l = ext.lines[i];
  const std::string path = "lines[" + std::to_string(i) + "]";
  MappedLine out;
  out.line = {stored_sku(l), l.qty, l.unit_price_minor, l.discount_minor, std::nullopt};
  auto sku = FONDACO_TRY(channels::sku_for_external(tx, channel_id, l.sku, l.external_id));
  if (!sku && is_valid_code(l.sku, limits::kMaxSkuChars)) sku = l.sku;
  if (sku) {
    orders::LineInput priced = out.line;
    priced.sku = *sku;
    auto r = detail::price_line(tx, s.catalog, priced, ext.currency, path);
    if (r) {
      out.line = priced;
      out.known = true;
      return out;
    }
    if (r.error().code != ErrorCode::invalid_argument) return fail(r.error());
  }
  const auto gross = checked_mul(l.qty, l.unit_price_minor);  // bounds: orders::validate
  out.line.vat_rate_bp =
      gross ? derived_rate_bp(*gross - l.discount_minor, l.tax_minor, ext.prices_include_tax) : 0;
  return out;
}

Result<std::vector<MappedLine>> map_lines(Tx& tx, const OrderServices& s, std::int64_t channel_id,
                                          const ExternalOrder& ext) {
  if (ext.lines.empty()) return fail(ErrorCode::invalid_argument, "an order needs lines", "lines");
  if (ext.lines.size() > limits::kMaxOrderLines)
    return fail(ErrorCode::invalid_argument, "at most 500 lines per order", "lines");
  std::vector<MappedLine> out;
  for (std::size_t i = 0; i < ext.lines.size(); ++i)
    out.push_back(FONDACO_TRY(map_line(tx, s, channel_id, ext, i)));
  return out;
}

orders::OrderInput order_input(const channels::Channel& ch, const ExternalOrder& ext,
                               const std::vector<MappedLine>& lines) {
  orders::OrderInput in;
  in.channel = ch.code;
  in.order_prefix = ch.order_prefix;
  in.external_ref = ext.external_id;
  // Marketplaces hide the buyer's address; the order still needs a syntactically valid one,
  // and `.invalid` (RFC 2606) can never receive mail. Marketplace orders get no e-mails.
  in.customer.email =
      orders::is_valid_email(ext.email) ? ext.email : "no-email@" + ch.code + ".invalid";
  in.customer.name = utf8_length(ext.customer_name) <= limits::kMaxShortTextChars
                         ? ext.customer_name
                         : std::string{};
  if (!ext.phone.empty() && utf8_length(ext.phone) <= limits::kMaxPhoneChars)
    in.customer.phone = ext.phone;
  in.billing_address = order_address(ext.billing_address);
  in.shipping_address = order_address(ext.shipping_address);
  for (const auto& l : lines) in.lines.push_back(l.line);
  in.shipping_method = ext.shipping_method;
  in.shipping_minor = ext.shipping_minor;
  in.shipping_vat_rate_bp =
      derived_rate_bp(ext.shipping_minor, ext.shipping_tax_minor, ext.prices_include_tax);
  in.currency = ext.currency;
  in.prices_include_vat = ext.prices_include_tax;
  in.channel_total_minor = ext.total_minor;
  in.payment_method = channel_collected(ext.financial_status) ? orders::PaymentMethod::marketplace
                                                              : orders::PaymentMethod::none;
  in.locale = ext.locale == "it" || ext.locale.empty() ? "it" : "en";
  return in;
}

std::string unknown_reason(const ExternalOrder& ext, const std::vector<MappedLine>& lines) {
  std::string out = "unknown SKU on the channel's order:";
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (!lines[i].known)
      out += " line " + std::to_string(i + 1) + " (sku \"" + ext.lines[i].sku + "\", id \"" +
             ext.lines[i].external_id + "\")";
  out += "; map it in the channel's listings, then edit and release the order";
  return out.substr(0, limits::kMaxStatusNoteChars);
}

// Reserves the known lines over the channel's locations. Short stock reserves nothing and
// returns the reason the order is held.
Result<std::optional<std::string>> reserve_known(Tx& tx, const OrderServices& s,
                                                 const channels::Channel& ch,
                                                 const orders::Order& o,
                                                 const std::vector<MappedLine>& lines,
                                                 std::int64_t now_ms) {
  std::vector<detail::Demand> demands;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].known)
      demands.push_back(
          {o.lines[i].sku, o.lines[i].qty, reservation_reference(o.id, o.lines[i].line_no)});
  if (demands.empty()) return std::optional<std::string>{};
  auto held = detail::reserve(tx, s.inventory, demands, ch.locations, std::nullopt, now_ms);
  if (held) return std::optional<std::string>{};
  if (held.error().code != ErrorCode::insufficient_stock) return fail(held.error());
  return std::optional<std::string>("insufficient stock at the channel's locations: " +
                                    held.error().details_json.substr(0, 800));
}

}  // namespace

std::string_view to_string(IngestOutcome o) {
  switch (o) {
    case IngestOutcome::created:
      return "created";
    case IngestOutcome::updated:
      return "updated";
    case IngestOutcome::unchanged:
      return "unchanged";
  }
  return "unchanged";
}

namespace {

IngestResult result_of(const orders::Order& o, IngestOutcome outcome) {
  return IngestResult{outcome, o.id, o.number, o.status, o.hold_reason};
}

// The order's state after creation: held (with its reason), cancelled, paid or waiting.
Result<void> settle_new_order(Tx& tx, const OrderServices& s, const orders::Order& o,
                              const ExternalOrder& ext, std::optional<std::string> hold,
                              std::int64_t now_ms) {
  const std::string via = "on channel " + o.channel;
  if (ext.cancelled) {
    FONDACO_TRY(cancel_order(tx, s, o.id, "cancelled " + via, now_ms));
    return ok();
  }
  if (hold) {
    FONDACO_TRY(s.orders.transition(tx, o.id, Status::on_hold, *hold, now_ms));
    FONDACO_TRY(s.orders.set_channel_state(tx, o.id, {std::nullopt, std::nullopt, hold}, now_ms));
    if (channel_collected(ext.financial_status))
      FONDACO_TRY(s.orders.set_payment_status(tx, o.id, orders::PaymentStatus::paid, "paid " + via,
                                              now_ms));
    return ok();
  }
  if (channel_collected(ext.financial_status))
    FONDACO_TRY(s.orders.transition(tx, o.id, Status::paid, "paid " + via, now_ms));
  return ok();
}

Result<IngestResult> create_from(Tx& tx, const OrderServices& s, const channels::Channel& ch,
                                 const ExternalOrder& ext, std::int64_t now_ms);

// A newer version of a stored order: what the state machine allows of it.
Result<IngestResult> update_from(Tx& tx, const OrderServices& s, std::int64_t id,
                                 const ExternalOrder& ext, std::int64_t now_ms) {
  FONDACO_TRY(s.orders.lock(tx, id));
  orders::Order o = FONDACO_TRY(s.orders.get(tx, id));
  if (o.external_updated_at && ext.updated_at_ms <= *o.external_updated_at)
    return result_of(o, IngestOutcome::unchanged);
  const std::string via = "on channel " + o.channel;
  if (ext.cancelled && o.status != Status::cancelled &&
      orders::can_transition(o.status, Status::cancelled)) {
    FONDACO_TRY(cancel_order(tx, s, id, "cancelled " + via, now_ms));
  } else if (channel_collected(ext.financial_status) &&
             o.payment_status == orders::PaymentStatus::unpaid) {
    if (o.status == Status::pending_payment || o.status == Status::confirmed)
      FONDACO_TRY(s.orders.transition(tx, id, Status::paid, "paid " + via, now_ms));
    else if (o.status != Status::cancelled)
      FONDACO_TRY(
          s.orders.set_payment_status(tx, id, orders::PaymentStatus::paid, "paid " + via, now_ms));
  }
  o = FONDACO_TRY(s.orders.get(tx, id));
  orders::OrderEdit edit;
  auto billing = order_address(ext.billing_address);
  auto shipping = order_address(ext.shipping_address);
  if (billing && billing != o.billing_address) edit.billing_address = billing;
  if (shipping && shipping != o.shipping_address) edit.shipping_address = shipping;
  if ((edit.billing_address || edit.shipping_address) && orders::is_editable(o.status)) {
    edit.note = "addresses changed " + via;
    FONDACO_TRY(s.orders.edit(tx, id, edit, now_ms));
  }
  FONDACO_TRY(s.orders.set_channel_state(tx, id, {ext.updated_at_ms, ext.total_minor, std::nullopt},
                                         now_ms));
  if (!ext.fees.empty()) {
    std::vector<orders::ChannelFee> fees;
    for (const auto& f : ext.fees) fees.push_back({f.type, f.amount_minor});
    FONDACO_TRY(s.orders.set_channel_fees(tx, id, fees, now_ms));
  }
  return result_of(FONDACO_TRY(s.orders.get(tx, id)), IngestOutcome::updated);
}

Result<IngestResult> create_from(Tx& tx, const OrderServices& s, const channels::Channel& ch,
                                 const ExternalOrder& ext, std::int64_t now_ms) {
  const auto lines = FONDACO_TRY(map_lines(tx, s, ch.id, ext));
  std::vector<std::string> skus;
  for (const auto& l : lines)
    if (l.known) skus.push_back(l.line.sku);
  // Balance rows before anything appends an event (see place_order.h).
  FONDACO_TRY(detail::lock_skus(tx, s.inventory, skus));
  auto created = FONDACO_TRY(s.orders.create(tx, order_input(ch, ext, lines), now_ms));
  if (!created.created)  // a concurrent delivery created it first
    return update_from(tx, s, created.order.id, ext, now_ms);
  const auto& o = created.order;
  FONDACO_TRY(s.orders.set_channel_state(tx, o.id, {ext.updated_at_ms, std::nullopt, std::nullopt},
                                         now_ms));
  std::optional<std::string> hold;
  if (!ext.cancelled) hold = FONDACO_TRY(reserve_known(tx, s, ch, o, lines, now_ms));
  const bool all_known = std::all_of(lines.begin(), lines.end(), [](auto& l) { return l.known; });
  if (!all_known) hold = unknown_reason(ext, lines);
  FONDACO_TRY(settle_new_order(tx, s, o, ext, hold, now_ms));
  if (!ext.fees.empty()) {
    std::vector<orders::ChannelFee> fees;
    for (const auto& f : ext.fees) fees.push_back({f.type, f.amount_minor});
    FONDACO_TRY(s.orders.set_channel_fees(tx, o.id, fees, now_ms));
  }
  return result_of(FONDACO_TRY(s.orders.get(tx, o.id)), IngestOutcome::created);
}

}  // namespace

Result<IngestResult> ingest_channel_order(Tx& tx, const OrderServices& s,
                                          std::string_view channel_code, const ExternalOrder& ext,
                                          std::int64_t now_ms) {
  const channels::Channel ch = FONDACO_TRY(sales_channel(tx, channel_code));
  if (ext.external_id.empty() || ext.external_id.size() > limits::kMaxExternalRefChars)
    return fail(ErrorCode::invalid_argument, "must be 1-128 characters", "external_id");
  auto existing = FONDACO_TRY(s.orders.find_by_external_ref(tx, ch.code, ext.external_id));
  if (existing) return update_from(tx, s, existing->id, ext, now_ms);
  // Cancelled before Fondaco ever saw it, with nothing left to sell (Amazon lists such
  // orders with quantity 0): there is nothing to store.
  if (ext.cancelled && ext.lines.empty()) return IngestResult{};
  return create_from(tx, s, ch, ext, now_ms);
}

Result<IngestResult> set_channel_order_fees(Tx& tx, const OrderServices& s,
                                            std::string_view channel_code,
                                            std::string_view external_id,
                                            std::span<const orders::ChannelFee> fees,
                                            std::int64_t now_ms) {
  const channels::Channel ch = FONDACO_TRY(sales_channel(tx, channel_code));
  auto existing = FONDACO_TRY(s.orders.find_by_external_ref(tx, ch.code, external_id));
  if (!existing)
    return fail(ErrorCode::not_found, "the channel's order has not been imported", "order_id");
  const auto before = existing->fees_minor;
  FONDACO_TRY(s.orders.set_channel_fees(tx, existing->id, fees, now_ms));
  const orders::Order o = FONDACO_TRY(s.orders.get(tx, existing->id));
  return result_of(o, o.fees_minor == before ? IngestOutcome::unchanged : IngestOutcome::updated);
}

}  // namespace fondaco::workflows
