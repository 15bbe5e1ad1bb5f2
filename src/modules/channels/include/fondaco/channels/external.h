// An order as a channel describes it (Shopify, WooCommerce, Amazon...), before Fondaco maps
// it onto its own order model. Connectors translate their payloads into ExternalOrder with
// pure functions; workflows::ingest_channel_order stores it. Keeping the channel's view
// (its SKUs, its totals, its fees, its updated_at) separate from orders::OrderInput is what
// lets duplicated, late and out-of-order deliveries be compared with what is stored.
//
// Money is int64 minor units of `currency` (parse_money reads the channels' decimal strings
// exactly; no floating point). Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/result.h"

namespace fondaco::channels {

// What the channel says about payment. `paid` means the channel has collected the money
// (Shopify/WooCommerce captured it, Amazon always); `pending` leaves payment open.
enum class FinancialStatus { pending, authorized, paid, partially_refunded, refunded, voided };
std::string_view to_string(FinancialStatus s);

struct ExternalAddress {
  std::string name;
  std::string company;
  std::string line1;
  std::string line2;
  std::string city;
  std::string postal_code;
  std::string province;
  std::string country;  // ISO 3166-1 alpha-2 as sent (upper-cased)
  std::string phone;
};

struct ExternalLine {
  std::string line_id;      // the channel's line id (Shopify line item id, Amazon order-item-id)
  std::string sku;          // the channel's SKU; may be empty (WooCommerce products without one)
  std::string external_id;  // variant/product id or ASIN: the other key sku_for_external knows
  std::string title;
  std::int64_t qty = 0;
  std::int64_t unit_price_minor = 0;  // before discounts
  std::int64_t discount_minor = 0;    // for the whole line
  std::int64_t tax_minor = 0;         // for the whole line, as the channel computed it
};

// A marketplace fee charged to the seller (commission, FBA fulfilment...): positive minor
// units, whatever sign the channel's report uses.
struct ExternalFee {
  std::string type;
  std::int64_t amount_minor = 0;
};

struct ExternalOrder {
  std::string external_id;  // unique per channel: Shopify/Woo id, Amazon order id
  std::string number;       // what the customer sees ("#1001", "114-...")
  std::int64_t created_at_ms = 0;
  // The channel's last change; deliveries older than what is stored are ignored.
  std::int64_t updated_at_ms = 0;
  std::string channel_status;  // raw ("processing", "Shipped"...), for the timeline
  FinancialStatus financial_status = FinancialStatus::pending;
  bool cancelled = false;
  std::string email;
  std::string customer_name;
  std::string phone;
  std::optional<ExternalAddress> billing_address;
  std::optional<ExternalAddress> shipping_address;
  std::vector<ExternalLine> lines;
  std::string shipping_method;
  std::int64_t shipping_minor = 0;
  std::int64_t shipping_tax_minor = 0;
  std::int64_t tax_minor = 0;  // the channel's total tax
  bool prices_include_tax = false;
  std::string currency = "EUR";
  std::optional<std::int64_t> total_minor;  // the channel's grand total
  std::vector<ExternalFee> fees;
  std::string locale;  // "it", "en"... when the channel says
};

// Σ fees (checked; invalid_argument on overflow).
Result<std::int64_t> total_fees(const ExternalOrder& o);

// Minor units of a decimal amount as channels send it ("403.00", "5.0", "-1.5", "12"):
// exactly, with the currency's number of decimals (2 for most; 0 for JPY, KRW...; 3 for
// KWD, BHD...). More decimals than the currency has are refused unless they are zeros.
// invalid_argument naming `field` on anything else (exponents, spaces, overflow).
Result<std::int64_t> parse_money(std::string_view text, std::string_view currency,
                                 const std::string& field);
// Decimal places of a currency's minor unit.
int currency_decimals(std::string_view currency);

}  // namespace fondaco::channels
