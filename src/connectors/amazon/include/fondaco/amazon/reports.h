// Amazon Seller Central flat-file reports in: the order reports (tab-separated, one row per
// order item) and the settlement report (V2 flat file: one row per amount — principal,
// shipping, each fee — with the marketplace's fees negative).
//
// Columns are found by header name, never by position: the versions differ (the "all
// orders" reports by order date and by last update, "new orders" with its buyer and address
// columns; later versions append columns such as is-sold-by-ab). Rows are grouped into one
// ExternalOrder per order id. Every refused row is reported with its line, column and
// reason, and an order with any refused row is refused whole: a partial order is never
// produced. Amounts are read exactly into minor units ("12.34" or "12,34").
// Pure functions over the file's bytes, read with the streaming TSV reader
// (platform/csv.h, quoting off). Thread-safety: stateless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/channels/external.h"

namespace fondaco::amazon {

struct RowError {
  std::int64_t line = 0;  // physical line in the file (the header is line 1)
  std::string column;     // header name, or "" for the whole row
  std::string reason;
  std::string order_id;  // when known
};

struct OrderReport {
  std::vector<channels::ExternalOrder> orders;  // in order of first appearance
  std::vector<RowError> refused;
  std::int64_t rows = 0;  // data rows read
};

// invalid_argument naming the column when the header lacks one Fondaco needs (order id,
// sku, quantity, currency, item price, purchase date), or naming "line N" when the file is
// not readable text or has more than limits::kAmazonReportMaxRows rows.
Result<OrderReport> read_order_report(std::string_view tsv);

struct SettlementOrder {
  std::string order_id;
  std::string currency;
  std::vector<channels::ExternalFee> fees;  // per fee type, positive = charged to the seller
  std::int64_t principal_minor = 0;         // what the buyer paid for the items
  std::int64_t shipping_minor = 0;
};

struct SettlementReport {
  std::string settlement_id;
  std::vector<SettlementOrder> orders;
  std::vector<RowError> refused;
  std::int64_t rows = 0;
};

Result<SettlementReport> read_settlement_report(std::string_view tsv);

}  // namespace fondaco::amazon
