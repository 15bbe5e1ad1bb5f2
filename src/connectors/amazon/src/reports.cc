#include "fondaco/amazon/reports.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/csv.h"

namespace fondaco::amazon {
namespace {

using channels::ExternalLine;
using channels::ExternalOrder;

constexpr csv::Options kTsv{'\t', false, true, true};

// A row's cells by header name; absent columns read as "".
struct Row {
  const csv::Header& header;
  const std::vector<std::string>& cells;
  std::string_view get(std::string_view name) const {
    auto i = header.index(name);
    if (!i || *i >= cells.size()) return {};
    std::string_view v = cells[*i];
    while (!v.empty() && (v.front() == ' ' || v.front() == '"')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '"')) v.remove_suffix(1);
    return v;
  }
  std::string_view any(std::initializer_list<std::string_view> names) const {
    for (auto n : names)
      if (header.index(n)) return get(n);
    return {};
  }
};

// A row refused: which column and why.
struct Refusal {
  std::string column;
  std::string reason;
};

// Amounts: Amazon writes "12.34", EU files sometimes "12,34"; empty is 0.
std::optional<std::int64_t> amount(std::string_view text, std::string_view currency) {
  if (text.empty()) return 0;
  std::string s(text);
  if (s.find('.') == std::string::npos)
    for (char& ch : s)
      if (ch == ',') ch = '.';
  auto r = channels::parse_money(s, currency, "");
  if (!r) return std::nullopt;
  return *r;
}

std::optional<std::int64_t> timestamp(std::string_view text) {
  if (auto t = parse_rfc3339(text)) return t;
  std::string s(text);
  if (s.size() > 4 && s.ends_with(" UTC")) s = s.substr(0, s.size() - 4) + "Z";
  if (s.size() == 19) s += "Z";
  return parse_rfc3339(s);
}

Result<csv::Header> read_header(
    csv::Reader& reader, std::vector<std::string>& cells,
    std::initializer_list<std::initializer_list<std::string_view>> need) {
  if (!FONDACO_TRY(reader.next(cells)))
    return fail(ErrorCode::invalid_argument, "the report is empty", "line 1");
  csv::Header header(cells);
  for (const auto& names : need)
    if (!header.index_any(names))
      return fail(ErrorCode::invalid_argument, "the header has no such column",
                  std::string(*names.begin()));
  return header;
}

// One item row into its order. Fills the order's header fields from the first row.
std::optional<Refusal> add_item(const Row& r, ExternalOrder& o, bool first) {
  const std::string currency(r.get("currency"));
  if (!is_known_currency(currency)) return Refusal{"currency", "not an ISO 4217 code"};
  if (!first && currency != o.currency) return Refusal{"currency", "differs from the order's"};
  auto purchased = timestamp(r.get("purchase-date"));
  if (!purchased) return Refusal{"purchase-date", "not an ISO 8601 timestamp"};
  std::optional<std::int64_t> updated = purchased;
  if (!r.any({"last-updated-date", "payments-date"}).empty()) {
    updated = timestamp(r.any({"last-updated-date", "payments-date"}));
    if (!updated) return Refusal{"last-updated-date", "not an ISO 8601 timestamp"};
  }
  const std::string status(r.get("order-status"));
  if (first) {
    o.currency = currency;
    o.created_at_ms = *purchased;
    o.updated_at_ms = *updated;
    o.channel_status = status.empty() ? "Unshipped" : status;
    o.cancelled = status == "Cancelled";
    // Amazon collects the money; a Pending order is not yet charged.
    o.financial_status =
        status == "Pending" ? channels::FinancialStatus::pending : channels::FinancialStatus::paid;
    // US and Canadian prices exclude sales tax; EU and UK prices include VAT.
    o.prices_include_tax = currency != "USD" && currency != "CAD";
  }
  o.updated_at_ms = std::max(o.updated_at_ms, *updated);
  const std::string qty_text(r.any({"quantity", "quantity-purchased"}));
  std::int64_t qty = 0;
  for (char ch : qty_text) {
    if (ch < '0' || ch > '9' || qty > limits::kMaxQuantity)
      return Refusal{"quantity", "not a whole number up to 1000000"};
    qty = qty * 10 + (ch - '0');
  }
  if (qty_text.empty() || qty > limits::kMaxQuantity)
    return Refusal{"quantity", "not a whole number up to 1000000"};
  if (qty == 0 && (o.cancelled || r.get("item-status") == "Cancelled")) return std::nullopt;
  if (qty == 0) return Refusal{"quantity", "must be at least 1"};
  ExternalLine l;
  l.sku = std::string(r.get("sku"));
  if (l.sku.empty() || l.sku.size() > limits::kMaxSkuChars)
    return Refusal{"sku", "must be 1-64 characters"};
  l.external_id = std::string(r.get("asin"));
  l.line_id = std::string(r.get("order-item-id"));
  if (l.line_id.empty()) l.line_id = l.sku;
  l.title = std::string(r.get("product-name")).substr(0, limits::kMaxTitleChars);
  l.qty = qty;
  auto price = amount(r.get("item-price"), currency);
  auto tax = amount(r.get("item-tax"), currency);
  auto promo = amount(r.get("item-promotion-discount"), currency);
  auto ship = amount(r.get("shipping-price"), currency);
  auto ship_tax = amount(r.get("shipping-tax"), currency);
  auto ship_promo = amount(r.get("ship-promotion-discount"), currency);
  if (!price || *price < 0 || *price > limits::kMaxOrderTotalMinor)
    return Refusal{"item-price", "not an amount"};
  if (!tax || *tax < 0) return Refusal{"item-tax", "not an amount"};
  if (!promo || !ship_promo) return Refusal{"item-promotion-discount", "not an amount"};
  if (!ship || *ship < 0 || !ship_tax || *ship_tax < 0)
    return Refusal{"shipping-price", "not an amount"};
  const std::int64_t discount = std::min(*price, *promo < 0 ? -*promo : *promo);
  // item-price is for the whole quantity: the unit price is rounded up and the line
  // discount absorbs the rest, so qty × unit − discount is exactly what Amazon charged.
  l.unit_price_minor = (*price + qty - 1) / qty;
  l.discount_minor = l.unit_price_minor * qty - *price + discount;
  l.tax_minor = *tax;
  o.lines.push_back(std::move(l));
  o.shipping_minor +=
      std::max<std::int64_t>(0, *ship - (*ship_promo < 0 ? -*ship_promo : *ship_promo));
  o.shipping_tax_minor += *ship_tax;
  o.tax_minor += *tax + *ship_tax;
  return std::nullopt;
}

void read_buyer(const Row& r, ExternalOrder& o) {
  o.email = std::string(r.get("buyer-email"));
  o.customer_name = std::string(r.get("buyer-name"));
  o.phone = std::string(r.get("buyer-phone-number"));
  channels::ExternalAddress a;
  a.name = std::string(r.get("recipient-name"));
  a.line1 = std::string(r.get("ship-address-1"));
  a.line2 = std::string(r.get("ship-address-2"));
  a.city = std::string(r.get("ship-city"));
  a.postal_code = std::string(r.get("ship-postal-code"));
  a.province = std::string(r.get("ship-state"));
  a.country = std::string(r.get("ship-country"));
  a.phone = std::string(r.get("ship-phone-number"));
  if (!a.city.empty() || !a.country.empty()) o.shipping_address = std::move(a);
}

void finish_totals(ExternalOrder& o) {
  std::int64_t total = o.shipping_minor;
  for (const auto& l : o.lines) total += l.unit_price_minor * l.qty - l.discount_minor;
  if (!o.prices_include_tax) total += o.tax_minor;
  o.total_minor = total;
}

void refuse(std::vector<RowError>& out, RowError e) {
  if (out.size() < limits::kAmazonReportMaxErrors) out.push_back(std::move(e));
}

}  // namespace

Result<OrderReport> read_order_report(std::string_view tsv) {
  csv::Reader reader = csv::Reader::over(tsv, kTsv);
  std::vector<std::string> cells;
  const csv::Header header = FONDACO_TRY(read_header(reader, cells,
                                                     {{"amazon-order-id", "order-id"},
                                                      {"sku"},
                                                      {"quantity", "quantity-purchased"},
                                                      {"currency"},
                                                      {"item-price"},
                                                      {"purchase-date"}}));
  OrderReport out;
  std::map<std::string, std::size_t, std::less<>> index;
  std::set<std::string, std::less<>> refused_orders;
  while (FONDACO_TRY(reader.next(cells))) {
    if (++out.rows > limits::kAmazonReportMaxRows)
      return fail(ErrorCode::invalid_argument, "too many rows in one import",
                  "line " + std::to_string(reader.line()));
    const Row r{header, cells};
    const std::string id(r.any({"amazon-order-id", "order-id"}));
    if (id.empty() || id.size() > limits::kMaxExternalRefChars) {
      refuse(out.refused, {reader.line(), "amazon-order-id", "missing or too long", id});
      continue;
    }
    auto [it, inserted] = index.try_emplace(id, out.orders.size());
    if (inserted) {
      out.orders.emplace_back();
      out.orders.back().external_id = id;
      out.orders.back().number = id;
      read_buyer(r, out.orders.back());
    }
    if (auto bad = add_item(r, out.orders[it->second], inserted)) {
      refuse(out.refused, {reader.line(), bad->column, bad->reason, id});
      refused_orders.insert(id);
    }
  }
  std::vector<ExternalOrder> kept;
  for (auto& o : out.orders) {
    if (refused_orders.contains(o.external_id)) continue;
    finish_totals(o);
    kept.push_back(std::move(o));
  }
  out.orders = std::move(kept);
  return out;
}

namespace {

struct FeeColumns {
  std::string_view type;
  std::string_view amount;
};
constexpr FeeColumns kFeeColumns[] = {{"item-related-fee-type", "item-related-fee-amount"},
                                      {"order-fee-type", "order-fee-amount"},
                                      {"shipment-fee-type", "shipment-fee-amount"}};

// One settlement row into its order: price rows add to principal/shipping, fee rows to the
// fee of their type (negated: the report shows charges as negative amounts).
std::optional<Refusal> add_settlement_row(const Row& r, SettlementOrder& o,
                                          std::map<std::string, std::int64_t>& fees) {
  const std::string currency(r.get("currency"));
  if (!is_known_currency(currency)) return Refusal{"currency", "not an ISO 4217 code"};
  if (!o.currency.empty() && currency != o.currency)
    return Refusal{"currency", "differs from the order's"};
  o.currency = currency;
  const std::string price_type(r.get("price-type"));
  if (!price_type.empty()) {
    auto v = amount(r.get("price-amount"), currency);
    if (!v) return Refusal{"price-amount", "not an amount"};
    if (price_type == "Principal")
      o.principal_minor += *v;
    else if (price_type == "Shipping")
      o.shipping_minor += *v;
  }
  for (const auto& c : kFeeColumns) {
    const std::string type(r.get(c.type));
    if (type.empty()) continue;
    auto v = amount(r.get(c.amount), currency);
    if (!v) return Refusal{std::string(c.amount), "not an amount"};
    if (type.size() > limits::kMaxShortTextChars) return Refusal{std::string(c.type), "too long"};
    fees[type] -= *v;
  }
  for (std::string_view col : {"misc-fee-amount", "other-fee-amount"}) {
    auto v = amount(r.get(col), currency);
    if (!v) return Refusal{std::string(col), "not an amount"};
    if (*v != 0) fees[std::string(col.substr(0, col.size() - 7))] -= *v;
  }
  return std::nullopt;
}

}  // namespace

Result<SettlementReport> read_settlement_report(std::string_view tsv) {
  csv::Reader reader = csv::Reader::over(tsv, kTsv);
  std::vector<std::string> cells;
  const csv::Header header = FONDACO_TRY(read_header(
      reader, cells,
      {{"settlement-id"}, {"order-id"}, {"currency"}, {"price-type"}, {"item-related-fee-type"}}));
  SettlementReport out;
  std::map<std::string, std::size_t, std::less<>> index;
  std::vector<std::map<std::string, std::int64_t>> fees;
  std::set<std::string, std::less<>> refused_orders;
  while (FONDACO_TRY(reader.next(cells))) {
    if (++out.rows > limits::kAmazonReportMaxRows)
      return fail(ErrorCode::invalid_argument, "too many rows in one import",
                  "line " + std::to_string(reader.line()));
    const Row r{header, cells};
    if (out.settlement_id.empty()) out.settlement_id = std::string(r.get("settlement-id"));
    const std::string id(r.get("order-id"));
    if (id.empty()) continue;  // the summary row, and account-level amounts without an order
    if (id.size() > limits::kMaxExternalRefChars) {
      refuse(out.refused, {reader.line(), "order-id", "too long", id});
      continue;
    }
    auto [it, inserted] = index.try_emplace(id, out.orders.size());
    if (inserted) {
      out.orders.push_back(SettlementOrder{id, {}, {}, 0, 0});
      fees.emplace_back();
    }
    if (auto bad = add_settlement_row(r, out.orders[it->second], fees[it->second])) {
      refuse(out.refused, {reader.line(), bad->column, bad->reason, id});
      refused_orders.insert(id);
    }
  }
  std::vector<SettlementOrder> kept;
  for (std::size_t i = 0; i < out.orders.size(); ++i) {
    if (refused_orders.contains(out.orders[i].order_id)) continue;
    for (const auto& [type, v] : fees[i]) out.orders[i].fees.push_back({type, v});
    kept.push_back(std::move(out.orders[i]));
  }
  out.orders = std::move(kept);
  return out;
}

}  // namespace fondaco::amazon
