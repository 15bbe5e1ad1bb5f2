#include "fondaco/woocommerce/orders.h"

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/channels/payload.h"
#include "fondaco/platform/system.h"

namespace fondaco::woocommerce {
namespace {

using channels::ExternalAddress;
using channels::ExternalLine;
using channels::ExternalOrder;
using channels::FinancialStatus;
namespace p = channels::payload;

// WooCommerce's order statuses: processing and completed mean the payment was received.
void read_status(std::string_view status, bool has_date_paid, ExternalOrder& out) {
  out.channel_status = std::string(status);
  out.cancelled = status == "cancelled" || status == "failed";
  if (status == "refunded")
    out.financial_status = FinancialStatus::refunded;
  else if (status == "processing" || status == "completed")
    out.financial_status = FinancialStatus::paid;
  else if (status == "on-hold" && has_date_paid)
    out.financial_status = FinancialStatus::paid;
  else
    out.financial_status = FinancialStatus::pending;
}

Result<std::optional<ExternalAddress>> address(const json::Value& o, std::string_view key) {
  const json::Value* a = p::member(o, key);
  if (!a) return std::optional<ExternalAddress>{};
  const std::string path(key);
  ExternalAddress out;
  auto first = FONDACO_TRY(p::text(*a, "first_name", path + ".first_name"));
  auto last = FONDACO_TRY(p::text(*a, "last_name", path + ".last_name"));
  out.name = first.empty() || last.empty() ? first + last : first + " " + last;
  out.company = FONDACO_TRY(p::text(*a, "company", path + ".company"));
  out.line1 = FONDACO_TRY(p::text(*a, "address_1", path + ".address_1"));
  out.line2 = FONDACO_TRY(p::text(*a, "address_2", path + ".address_2"));
  out.city = FONDACO_TRY(p::text(*a, "city", path + ".city"));
  out.postal_code = FONDACO_TRY(p::text(*a, "postcode", path + ".postcode"));
  out.province = FONDACO_TRY(p::text(*a, "state", path + ".state"));
  out.country = FONDACO_TRY(p::text(*a, "country", path + ".country", 2));
  for (char& ch : out.country)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  out.phone = FONDACO_TRY(p::text(*a, "phone", path + ".phone", limits::kMaxPhoneChars));
  if (out.name.empty() && out.line1.empty() && out.city.empty())
    return std::optional<ExternalAddress>{};  // WooCommerce sends empty objects
  return std::optional<ExternalAddress>(std::move(out));
}

// Woo gives line subtotal (before coupons) and total (after): the unit price is the subtotal
// per unit, rounded up when it does not divide, and the discount is what makes qty × unit −
// discount equal the channel's total exactly.
Result<ExternalLine> line(const json::Value& l, std::string_view currency,
                          const std::string& path) {
  ExternalLine out;
  out.line_id = FONDACO_TRY(p::required_text(l, "id", path + ".id", 64));
  out.sku = FONDACO_TRY(p::text(l, "sku", path + ".sku", limits::kMaxSkuChars));
  const auto variation = FONDACO_TRY(p::integer(l, "variation_id", path + ".variation_id", 0));
  out.external_id = variation != 0
                        ? std::to_string(variation)
                        : FONDACO_TRY(p::text(l, "product_id", path + ".product_id", 64));
  out.title = FONDACO_TRY(p::text(l, "name", path + ".name", limits::kMaxTitleChars));
  out.qty = FONDACO_TRY(p::integer(l, "quantity", path + ".quantity"));
  if (out.qty < 1 || out.qty > limits::kMaxQuantity)
    return fail(ErrorCode::invalid_argument, "must be between 1 and 1000000", path + ".quantity");
  const auto subtotal = FONDACO_TRY(p::money(l, "subtotal", currency, path + ".subtotal"));
  const auto total = FONDACO_TRY(p::money(l, "total", currency, path + ".total"));
  if (subtotal < 0 || total < 0 || total > subtotal || subtotal > limits::kMaxOrderTotalMinor)
    return fail(ErrorCode::invalid_argument, "must satisfy 0 <= total <= subtotal",
                path + ".total");
  out.unit_price_minor = (subtotal + out.qty - 1) / out.qty;
  out.discount_minor = out.unit_price_minor * out.qty - total;
  out.tax_minor = FONDACO_TRY(p::money(l, "total_tax", currency, path + ".total_tax"));
  return out;
}

Result<void> read_lines(const json::Value& o, ExternalOrder& out) {
  const json::Value* items = p::member(o, "line_items");
  if (!items || !items->IsArray() || items->Empty())
    return fail(ErrorCode::invalid_argument, "must be a non-empty array", "line_items");
  if (items->Size() > limits::kMaxOrderLines)
    return fail(ErrorCode::invalid_argument, "too many lines", "line_items");
  for (rapidjson::SizeType i = 0; i < items->Size(); ++i)
    out.lines.push_back(FONDACO_TRY(line((*items)[i], out.currency, p::at("line_items", i))));
  const json::Value* ship = p::member(o, "shipping_lines");
  if (ship && ship->IsArray() && !ship->Empty())
    out.shipping_method =
        FONDACO_TRY(p::text((*ship)[0], "method_title", "shipping_lines[0].method_title"));
  return ok();
}

Result<void> read_money(const json::Value& o, ExternalOrder& out) {
  out.shipping_minor = FONDACO_TRY(p::money(o, "shipping_total", out.currency, "shipping_total"));
  out.shipping_tax_minor = FONDACO_TRY(p::money(o, "shipping_tax", out.currency, "shipping_tax"));
  out.tax_minor = FONDACO_TRY(p::money(o, "total_tax", out.currency, "total_tax"));
  out.total_minor = FONDACO_TRY(p::money(o, "total", out.currency, "total"));
  const json::Value* incl = p::member(o, "prices_include_tax");
  out.prices_include_tax = incl && incl->IsBool() && incl->GetBool();
  for (std::int64_t v :
       {out.shipping_minor, out.shipping_tax_minor, out.tax_minor, *out.total_minor})
    if (v < 0 || v > limits::kMaxOrderTotalMinor)
      return fail(ErrorCode::invalid_argument, "amount out of range", "total");
  return ok();
}

}  // namespace

Result<void> verify_webhook(std::string_view body, std::string_view signature_b64,
                            std::span<const std::string> secrets) {
  return p::verify_base64_hmac(body, signature_b64, secrets, kSignatureHeader);
}

bool is_ping(std::string_view body) {
  constexpr std::string_view kPrefix = "webhook_id=";
  if (!body.starts_with(kPrefix) || body.size() == kPrefix.size() || body.size() > 32) return false;
  for (char ch : body.substr(kPrefix.size()))
    if (ch < '0' || ch > '9') return false;
  return true;
}

bool is_order_topic(std::string_view topic) {
  return topic == "order.created" || topic == "order.updated" || topic == "order.restored";
}

Result<ExternalOrder> parse_order(std::string_view body) {
  auto doc = FONDACO_TRY(json::parse(body));
  const json::Value& o = doc->root();
  if (!o.IsObject()) return fail(ErrorCode::invalid_argument, "must be a JSON object", "body");
  ExternalOrder out;
  out.external_id = FONDACO_TRY(p::required_text(o, "id", "id", limits::kMaxExternalRefChars));
  out.number = FONDACO_TRY(p::text(o, "number", "number", 64));
  out.updated_at_ms = FONDACO_TRY(p::timestamp(o, "date_modified_gmt", "date_modified_gmt"));
  out.created_at_ms = p::member(o, "date_created_gmt")
                          ? FONDACO_TRY(p::timestamp(o, "date_created_gmt", "date_created_gmt"))
                          : out.updated_at_ms;
  out.currency = FONDACO_TRY(p::required_text(o, "currency", "currency", 3));
  if (!is_known_currency(out.currency))
    return fail(ErrorCode::invalid_argument, "must be an ISO 4217 currency code", "currency");
  read_status(FONDACO_TRY(p::required_text(o, "status", "status", 32)),
              p::member(o, "date_paid_gmt") != nullptr, out);
  out.billing_address = FONDACO_TRY(address(o, "billing"));
  out.shipping_address = FONDACO_TRY(address(o, "shipping"));
  if (const json::Value* b = p::member(o, "billing")) {
    out.email = FONDACO_TRY(p::text(*b, "email", "billing.email", limits::kMaxEmailChars));
    out.phone = FONDACO_TRY(p::text(*b, "phone", "billing.phone", limits::kMaxPhoneChars));
  }
  if (out.billing_address) out.customer_name = out.billing_address->name;
  FONDACO_TRY(read_lines(o, out));
  FONDACO_TRY(read_money(o, out));
  return out;
}

}  // namespace fondaco::woocommerce
