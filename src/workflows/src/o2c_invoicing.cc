// The fiscal side of the chain: an order's invoice or receipt when it is paid (or shipped,
// per the seller's settings), and a credit note for every refund.
#include "o2c_common.h"

namespace fondaco::workflows {
namespace {

using invoicing::DocKind;

invoicing::Address fiscal_address(const orders::Order& o) {
  const auto& a = o.billing_address ? o.billing_address : o.shipping_address;
  if (!a) return {};
  std::string street = a->line1;
  if (!a->line2.empty()) street += ", " + a->line2;
  return {street, a->postal_code, a->city, a->country == "IT" ? a->province : "", a->country};
}

invoicing::Customer fiscal_customer(const orders::Order& o) {
  invoicing::Customer c;
  c.name = o.customer.name;
  c.address = fiscal_address(o);
  if (const auto& co = o.customer.company) {
    c.company_name = co->name;
    c.vat_number = co->vat_number;
    c.codice_fiscale = co->fiscal_code;
    c.sdi_code = co->sdi_code;
    c.pec = co->pec;
    // A 6-character recipient code is a public administration's (codice univoco ufficio).
    c.public_administration = co->sdi_code && co->sdi_code->size() == 6;
  }
  return c;
}

std::optional<invoicing::PaymentInput> fiscal_payment(const orders::Order& o) {
  using M = invoicing::PaymentMethod;
  std::optional<M> m;
  switch (o.payment_method) {
    case orders::PaymentMethod::card: m = M::card; break;
    case orders::PaymentMethod::paypal: m = M::paypal; break;
    case orders::PaymentMethod::bank_transfer: m = M::bank_transfer; break;
    case orders::PaymentMethod::cod: m = M::cash_on_delivery; break;
    case orders::PaymentMethod::cash: m = M::cash; break;
    default: break;
  }
  if (!m) return std::nullopt;
  return invoicing::PaymentInput{*m, o.totals.total_minor};
}

Result<std::vector<invoicing::LineInput>> fiscal_lines(const Chain& c, storage::Tx& tx,
                                                       const orders::Order& o) {
  std::vector<invoicing::LineInput> out;
  for (const auto& l : o.lines) {
    invoicing::LineInput in;
    in.sku = l.sku;
    in.description = l.sku;
    in.qty = l.qty;
    in.unit_price_minor = l.unit_price_minor;
    in.discount_minor = l.discount_minor;
    in.vat_rate_bp = l.vat_rate_bp;
    if (auto v = c.catalog.variant(tx, l.sku)) {
      if (l.vat_rate_bp == 0) in.natura = v->natura;
      if (auto p = c.catalog.summary(tx, v->product_id)) in.description = p->title;
    }
    out.push_back(std::move(in));
  }
  return out;
}

// The order's fiscal document: an invoice when the customer has a VAT number or asks for
// one (or the seller invoices everyone), a receipt otherwise. One per order, ever.
Result<void> issue_for_order(const Chain& c, storage::Tx& tx, const orders::Order& o,
                             const invoicing::FiscalSettings& settings) {
  invoicing::DocumentInput in;
  const bool business = o.customer.company && o.customer.company->vat_number;
  in.kind = business || o.invoice_requested || settings.customer_wants_invoice_default
                ? DocKind::invoice
                : DocKind::receipt;
  in.source_key = "order:" + std::to_string(o.id) + ":document";
  in.order_id = o.id;
  in.order_number = o.number;
  in.issue_date_ms = c.clock.now_ms();
  in.currency = o.currency;
  in.customer = fiscal_customer(o);
  in.lines = FONDACO_TRY(fiscal_lines(c, tx, o));
  if (o.totals.shipping_minor > 0)
    in.shipping = invoicing::ShippingInput{o.totals.shipping_minor, o.shipping_vat_rate_bp,
                                           std::nullopt, "Spese di spedizione"};
  in.prices_include_vat = o.prices_include_vat;
  in.payment = fiscal_payment(o);
  in.causale = "Ordine " + o.number;
  FONDACO_TRY(c.invoicing.issue(tx, in, c.clock.now_ms()));
  return ok();
}

// Issues the order's document when `trigger` is the seller's moment for it.
Result<void> maybe_issue(const Chain& c, storage::Tx& tx, std::int64_t order_id,
                         invoicing::IssueOn trigger) {
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    const auto settings = invoicing::Invoicing::settings(tx);
    if (!settings)
      return fail(ErrorCode::conflict, "the seller's fiscal settings are missing", "settings");
    if (settings->issue_on != trigger) return ok();
    const orders::Order o = FONDACO_TRY(c.orders.get(tx, order_id));
    if (o.status == orders::Status::cancelled) return ok();
    return issue_for_order(c, tx, o, *settings);
  });
}

// A refund: a credit note for the refunded amount, split over the document's VAT rates in
// proportion to what the customer paid at each (the remainder on the last rate), linked to
// the order's document. Without a document there is nothing to correct.
Result<void> credit_note(const Chain& c, storage::Tx& tx, const events::Event& e) {
  const auto refund_id = o2c::payload_int(e, "refund_id");
  const auto payment_id = o2c::payload_int(e, "payment_id");
  if (!refund_id || !payment_id) return fail(ErrorCode::internal, "payment.refunded without ids");
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    const auto p = FONDACO_TRY(payments::Payments::get(tx, *payment_id));
    const auto r = FONDACO_TRY(payments::Payments::get_refund(tx, *refund_id));
    const auto doc = FONDACO_TRY(invoicing::Invoicing::find_by_source(
        tx, "order:" + std::to_string(p.order_id) + ":document"));
    const orders::Order o = FONDACO_TRY(c.orders.get(tx, p.order_id));
    if (!doc) {
      // A cancelled order refunded before any document needs none. Otherwise the document
      // is still to come (issued on shipment, or its step is parked): wait for it, so the
      // credit note is never lost.
      if (o.status == orders::Status::cancelled) return ok();
      return fail(ErrorCode::conflict,
                  "order " + o.number + " has no fiscal document yet to credit", "document");
    }
    invoicing::DocumentInput in;
    in.kind = DocKind::credit_note;
    in.source_key = "refund:" + std::to_string(r.id);
    in.order_id = o.id;
    in.order_number = o.number;
    in.issue_date_ms = c.clock.now_ms();
    in.currency = r.currency;
    in.customer = fiscal_customer(o);
    in.prices_include_vat = true;
    in.related_document_id = doc->id;
    in.causale = "Rimborso ordine " + o.number + (r.reason.empty() ? "" : ": " + r.reason);
    std::int64_t gross_total = 0;
    for (const auto& s : doc->summary) gross_total += s.taxable_minor + s.vat_minor;
    if (gross_total <= 0) return fail(ErrorCode::internal, "document " + doc->number + " is empty");
    std::int64_t left = r.amount_minor;
    for (std::size_t i = 0; i < doc->summary.size(); ++i) {
      const auto& s = doc->summary[i];
      const std::int64_t gross = s.taxable_minor + s.vat_minor;
      const std::int64_t share = i + 1 == doc->summary.size()
                                     ? left
                                     : static_cast<std::int64_t>(
                                           static_cast<__int128>(r.amount_minor) * gross /
                                           gross_total);
      left -= share;
      if (share <= 0) continue;
      invoicing::LineInput l;
      l.description = "Rimborso ordine " + o.number;
      l.sku = "REFUND";
      l.qty = 1;
      l.unit_price_minor = share;
      l.vat_rate_bp = s.rate_bp;
      l.natura = s.natura;
      in.lines.push_back(std::move(l));
    }
    FONDACO_TRY(c.invoicing.issue(tx, in, c.clock.now_ms()));
    return ok();
  });
}

}  // namespace

Result<void> invoicing_step(const Chain& c, storage::Tx& tx, const events::Event& e) {
  using invoicing::IssueOn;
  if (e.type == "order.status_changed" && o2c::payload_string(e, "to") == "paid")
    return maybe_issue(c, tx, o2c::aggregate_id(e), IssueOn::paid);
  // A COD order is paid while it is on its way: only its payment status changes.
  if (e.type == "order.payment_status_changed" && o2c::payload_string(e, "to") == "paid" &&
      o2c::payload_string(e, "from") == "unpaid")
    return maybe_issue(c, tx, o2c::aggregate_id(e), IssueOn::paid);
  if (e.type == "shipment.shipped") {
    std::optional<std::int64_t> order_id;
    FONDACO_TRY(o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
      order_id = FONDACO_TRY(fulfillment::Fulfillment::get(tx, o2c::aggregate_id(e))).order_id;
      return ok();
    }));
    if (!order_id) return ok();
    return maybe_issue(c, tx, *order_id, IssueOn::shipped);
  }
  if (e.type == "payment.refunded") return credit_note(c, tx, e);
  return ok();
}

}  // namespace fondaco::workflows
