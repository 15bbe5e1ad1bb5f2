#include "fondaco/shopify/orders.h"

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/channels/payload.h"
#include "fondaco/platform/system.h"

namespace fondaco::shopify {
namespace {

using channels::ExternalAddress;
using channels::ExternalLine;
using channels::ExternalOrder;
using channels::FinancialStatus;
namespace p = channels::payload;

FinancialStatus financial(std::string_view s) {
  if (s == "paid") return FinancialStatus::paid;
  if (s == "authorized") return FinancialStatus::authorized;
  if (s == "partially_refunded") return FinancialStatus::partially_refunded;
  if (s == "refunded") return FinancialStatus::refunded;
  if (s == "voided") return FinancialStatus::voided;
  return FinancialStatus::pending;  // pending, partially_paid, unknown future values
}

Result<std::optional<ExternalAddress>> address(const json::Value& o, std::string_view key) {
  const json::Value* a = p::member(o, key);
  if (!a) return std::optional<ExternalAddress>{};
  const std::string path(key);
  ExternalAddress out;
  out.name = FONDACO_TRY(p::text(*a, "name", path + ".name"));
  if (out.name.empty()) {
    auto first = FONDACO_TRY(p::text(*a, "first_name", path + ".first_name"));
    auto last = FONDACO_TRY(p::text(*a, "last_name", path + ".last_name"));
    out.name = first.empty() || last.empty() ? first + last : first + " " + last;
  }
  out.company = FONDACO_TRY(p::text(*a, "company", path + ".company"));
  out.line1 = FONDACO_TRY(p::text(*a, "address1", path + ".address1"));
  out.line2 = FONDACO_TRY(p::text(*a, "address2", path + ".address2"));
  out.city = FONDACO_TRY(p::text(*a, "city", path + ".city"));
  out.postal_code = FONDACO_TRY(p::text(*a, "zip", path + ".zip"));
  out.province = FONDACO_TRY(p::text(*a, "province_code", path + ".province_code"));
  if (out.province.empty()) out.province = FONDACO_TRY(p::text(*a, "province", path + ".province"));
  out.country = FONDACO_TRY(p::text(*a, "country_code", path + ".country_code", 2));
  for (char& ch : out.country)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  out.phone = FONDACO_TRY(p::text(*a, "phone", path + ".phone"));
  return std::optional<ExternalAddress>(std::move(out));
}

// Σ of `price` over an array of objects (tax_lines, discount_allocations' `amount`).
Result<std::int64_t> sum_amounts(const json::Value& o, std::string_view key,
                                 std::string_view amount_key, std::string_view currency,
                                 const std::string& path) {
  const json::Value* arr = p::member(o, key);
  if (!arr) return std::int64_t{0};
  if (!arr->IsArray()) return fail(ErrorCode::invalid_argument, "must be an array", path);
  std::int64_t sum = 0;
  for (rapidjson::SizeType i = 0; i < arr->Size() && i < limits::kMaxOrderLines; ++i) {
    const auto v = FONDACO_TRY(
        p::money((*arr)[i], amount_key, currency, p::at(path, i) + "." + std::string(amount_key)));
    auto next = checked_add(sum, v);
    if (!next) return fail(ErrorCode::invalid_argument, "amount out of range", path);
    sum = *next;
  }
  return sum;
}

Result<ExternalLine> line(const json::Value& l, std::string_view currency,
                          const std::string& path) {
  ExternalLine out;
  out.line_id = FONDACO_TRY(p::required_text(l, "id", path + ".id", 64));
  out.sku = FONDACO_TRY(p::text(l, "sku", path + ".sku", limits::kMaxSkuChars));
  out.external_id = FONDACO_TRY(p::text(l, "variant_id", path + ".variant_id", 64));
  out.title = FONDACO_TRY(p::text(l, "name", path + ".name", limits::kMaxTitleChars));
  out.qty = FONDACO_TRY(p::integer(l, "quantity", path + ".quantity"));
  if (out.qty < 1 || out.qty > limits::kMaxQuantity)
    return fail(ErrorCode::invalid_argument, "must be between 1 and 1000000", path + ".quantity");
  out.unit_price_minor = FONDACO_TRY(p::money(l, "price", currency, path + ".price"));
  out.discount_minor =
      FONDACO_TRY(p::money(l, "total_discount", currency, path + ".total_discount"));
  // Newer payloads carry the discount in discount_allocations and total_discount as 0.
  const auto allocated = FONDACO_TRY(
      sum_amounts(l, "discount_allocations", "amount", currency, path + ".discount_allocations"));
  if (out.discount_minor == 0) out.discount_minor = allocated;
  out.tax_minor = FONDACO_TRY(sum_amounts(l, "tax_lines", "price", currency, path + ".tax_lines"));
  if (out.unit_price_minor < 0 || out.discount_minor < 0 || out.tax_minor < 0)
    return fail(ErrorCode::invalid_argument, "amounts must not be negative", path);
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
  return ok();
}

Result<void> read_shipping(const json::Value& o, ExternalOrder& out) {
  const json::Value* ship = p::member(o, "shipping_lines");
  if (!ship) return ok();
  if (!ship->IsArray())
    return fail(ErrorCode::invalid_argument, "must be an array", "shipping_lines");
  for (rapidjson::SizeType i = 0; i < ship->Size() && i < limits::kMaxOrderLines; ++i) {
    const auto path = p::at("shipping_lines", i);
    const json::Value& s = (*ship)[i];
    // discounted_price is what the customer paid for shipping; older payloads lack it.
    auto price =
        p::member(s, "discounted_price")
            ? FONDACO_TRY(p::money(s, "discounted_price", out.currency, path + ".discounted_price"))
            : FONDACO_TRY(p::money(s, "price", out.currency, path + ".price"));
    out.shipping_minor += price;
    out.shipping_tax_minor +=
        FONDACO_TRY(sum_amounts(s, "tax_lines", "price", out.currency, path + ".tax_lines"));
    if (out.shipping_method.empty())
      out.shipping_method = FONDACO_TRY(p::text(s, "title", path + ".title"));
  }
  if (out.shipping_minor < 0 || out.shipping_minor > limits::kMaxOrderTotalMinor ||
      out.shipping_tax_minor < 0)
    return fail(ErrorCode::invalid_argument, "out of range", "shipping_lines");
  return ok();
}

Result<void> read_customer(const json::Value& o, ExternalOrder& out) {
  out.email = FONDACO_TRY(p::text(o, "email", "email", limits::kMaxEmailChars));
  if (out.email.empty())
    out.email = FONDACO_TRY(p::text(o, "contact_email", "contact_email", limits::kMaxEmailChars));
  out.phone = FONDACO_TRY(p::text(o, "phone", "phone", limits::kMaxPhoneChars));
  if (const json::Value* c = p::member(o, "customer")) {
    auto first = FONDACO_TRY(p::text(*c, "first_name", "customer.first_name"));
    auto last = FONDACO_TRY(p::text(*c, "last_name", "customer.last_name"));
    out.customer_name = first.empty() || last.empty() ? first + last : first + " " + last;
    if (out.email.empty())
      out.email = FONDACO_TRY(p::text(*c, "email", "customer.email", limits::kMaxEmailChars));
  }
  out.billing_address = FONDACO_TRY(address(o, "billing_address"));
  out.shipping_address = FONDACO_TRY(address(o, "shipping_address"));
  if (out.customer_name.empty() && out.billing_address)
    out.customer_name = out.billing_address->name;
  return ok();
}

Result<void> read_header(const json::Value& o, ExternalOrder& out) {
  out.external_id = FONDACO_TRY(p::required_text(o, "id", "id", limits::kMaxExternalRefChars));
  out.number = FONDACO_TRY(p::text(o, "name", "name", 64));
  if (out.number.empty()) out.number = FONDACO_TRY(p::text(o, "order_number", "order_number", 64));
  out.updated_at_ms = FONDACO_TRY(p::timestamp(o, "updated_at", "updated_at"));
  out.created_at_ms = p::member(o, "created_at")
                          ? FONDACO_TRY(p::timestamp(o, "created_at", "created_at"))
                          : out.updated_at_ms;
  out.channel_status = FONDACO_TRY(p::text(o, "financial_status", "financial_status", 32));
  out.financial_status = financial(out.channel_status);
  out.cancelled = p::member(o, "cancelled_at") != nullptr;
  out.currency = FONDACO_TRY(p::required_text(o, "currency", "currency", 3));
  if (!is_known_currency(out.currency))
    return fail(ErrorCode::invalid_argument, "must be an ISO 4217 currency code", "currency");
  const json::Value* incl = p::member(o, "taxes_included");
  out.prices_include_tax = incl && incl->IsBool() && incl->GetBool();
  out.tax_minor = FONDACO_TRY(p::money(o, "total_tax", out.currency, "total_tax"));
  if (out.tax_minor < 0 || out.tax_minor > limits::kMaxOrderTotalMinor)
    return fail(ErrorCode::invalid_argument, "out of range", "total_tax");
  if (p::member(o, "total_price"))
    out.total_minor = FONDACO_TRY(p::money(o, "total_price", out.currency, "total_price"));
  if (out.total_minor && (*out.total_minor < 0 || *out.total_minor > limits::kMaxOrderTotalMinor))
    return fail(ErrorCode::invalid_argument, "out of range", "total_price");
  out.locale = FONDACO_TRY(p::text(o, "customer_locale", "customer_locale", 16)).substr(0, 2);
  return ok();
}

}  // namespace

Result<void> verify_webhook(std::string_view body, std::string_view signature_b64,
                            std::span<const std::string> secrets) {
  return p::verify_base64_hmac(body, signature_b64, secrets, kHmacHeader);
}

bool is_order_topic(std::string_view topic) {
  return topic == "orders/create" || topic == "orders/updated" || topic == "orders/paid" ||
         topic == "orders/cancelled";
}

Result<ExternalOrder> parse_order(std::string_view body) {
  auto doc = FONDACO_TRY(json::parse(body));
  const json::Value* root = &doc->root();
  if (const json::Value* wrapped = p::member(*root, "order"); wrapped && wrapped->IsObject())
    root = wrapped;  // the REST envelope
  if (!root->IsObject()) return fail(ErrorCode::invalid_argument, "must be a JSON object", "body");
  ExternalOrder out;
  FONDACO_TRY(read_header(*root, out));
  FONDACO_TRY(read_customer(*root, out));
  FONDACO_TRY(read_lines(*root, out));
  FONDACO_TRY(read_shipping(*root, out));
  return out;
}

}  // namespace fondaco::shopify
