#include "fondaco/amazon/reports.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include "fondaco/testing/testing.h"

namespace fondaco::amazon {
namespace {

// A data row for `header` from name → value (absent names are empty cells).
std::string row(const std::string& header, const std::map<std::string, std::string>& values) {
  std::string out;
  std::string h = header.substr(0, header.find_first_of("\r\n"));
  std::size_t start = 0;
  while (start <= h.size()) {
    const auto tab = h.find('\t', start);
    const std::string name =
        h.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
    if (start) out += '\t';
    if (auto it = values.find(name); it != values.end()) out += it->second;
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out + "\n";
}

std::string header_line(const std::string& file) {
  std::string h = testing::shared_format_file(file);
  return h.substr(0, h.find_first_of("\r\n")) + "\n";
}

std::map<std::string, std::string> item(std::string order, std::string sku, std::string qty,
                                        std::string price) {
  return {{"amazon-order-id", order},
          {"order-id", order},
          {"sku", sku},
          {"quantity", qty},
          {"quantity-purchased", qty},
          {"currency", "EUR"},
          {"item-price", price},
          {"item-tax", "1.80"},
          {"purchase-date", "2024-03-01T10:00:00+00:00"},
          {"last-updated-date", "2024-03-02T10:00:00+00:00"},
          {"order-status", "Shipped"},
          {"asin", "B000TEST01"},
          {"order-item-id", "1234" + sku}};
}

class OrderReportVersions : public ::testing::TestWithParam<std::string> {};

TEST_P(OrderReportVersions, RowsGroupIntoOrdersByHeaderName) {
  const std::string h = header_line("amazon/" + GetParam());
  const std::string tsv = h + row(h, item("171-1111111-1111111", "SKU-A", "2", "20.00")) +
                          row(h, item("171-1111111-1111111", "SKU-B", "1", "9,99")) +
                          row(h, item("171-2222222-2222222", "SKU-A", "3", "10.00"));
  auto r = read_order_report(tsv);
  ASSERT_TRUE(r) << r.error().message << " " << r.error().field;
  EXPECT_EQ(r->rows, 3);
  EXPECT_TRUE(r->refused.empty());
  ASSERT_EQ(r->orders.size(), 2u);
  const auto& a = r->orders[0];
  EXPECT_EQ(a.external_id, "171-1111111-1111111");
  ASSERT_EQ(a.lines.size(), 2u);
  EXPECT_EQ(a.lines[0].unit_price_minor, 1000);
  EXPECT_EQ(a.lines[0].qty, 2);
  EXPECT_EQ(a.lines[1].unit_price_minor, 999);
  EXPECT_EQ(a.financial_status, channels::FinancialStatus::paid);
  EXPECT_TRUE(a.prices_include_tax);
  EXPECT_EQ(a.total_minor, 2999);
  const auto& b = r->orders[1];
  EXPECT_EQ(b.lines[0].qty * b.lines[0].unit_price_minor - b.lines[0].discount_minor, 1000);
}

INSTANTIATE_TEST_SUITE_P(Amazon, OrderReportVersions,
                         ::testing::Values("all_orders_by_last_update_header.tsv",
                                           "all_orders_by_order_date_header.tsv",
                                           "new_orders_report_header.tsv"));

TEST(AmazonOrderReport, BrokenRowRefusesItsWholeOrderAndNamesLineAndColumn) {
  const std::string h = header_line("amazon/all_orders_by_order_date_header.tsv");
  auto bad = item("171-1111111-1111111", "SKU-B", "x", "1.00");
  const std::string tsv = h + row(h, item("171-1111111-1111111", "SKU-A", "1", "5.00")) +
                          row(h, bad) + row(h, item("171-3333333-3333333", "SKU-A", "1", "5.00"));
  auto r = read_order_report(tsv);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->orders.size(), 1u);
  EXPECT_EQ(r->orders[0].external_id, "171-3333333-3333333");
  ASSERT_EQ(r->refused.size(), 1u);
  EXPECT_EQ(r->refused[0].line, 3);
  EXPECT_EQ(r->refused[0].column, "quantity");
  EXPECT_EQ(r->refused[0].order_id, "171-1111111-1111111");
}

TEST(AmazonOrderReport, MissingColumnIsAnError) {
  auto r = read_order_report("amazon-order-id\tquantity\tcurrency\titem-price\tpurchase-date\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "sku");
  EXPECT_FALSE(read_order_report(""));
}

TEST(AmazonSettlement, FeesPerOrderAndTypeArePositiveCharges) {
  const std::string h = header_line("amazon/settlement_flat_file_v2_header.tsv");
  auto base = [](std::map<std::string, std::string> m) {
    m["settlement-id"] = "1234567";
    m["currency"] = "EUR";
    m["transaction-type"] = "Order";
    return m;
  };
  const std::string tsv =
      h + row(h, base({{"total-amount", "100.00"}})) +  // summary row: no order
      row(h,
          base({{"order-id", "171-1"}, {"price-type", "Principal"}, {"price-amount", "20.00"}})) +
      row(h, base({{"order-id", "171-1"}, {"price-type", "Shipping"}, {"price-amount", "4.50"}})) +
      row(h, base({{"order-id", "171-1"},
                   {"item-related-fee-type", "Commission"},
                   {"item-related-fee-amount", "-3.07"}})) +
      row(h, base({{"order-id", "171-1"},
                   {"item-related-fee-type", "FBAPerUnitFulfillmentFee"},
                   {"item-related-fee-amount", "-2.50"}})) +
      row(h, base({{"order-id", "171-1"},
                   {"item-related-fee-type", "Commission"},
                   {"item-related-fee-amount", "-0.93"}})) +
      row(h, base({{"order-id", "171-2"},
                   {"item-related-fee-type", "Commission"},
                   {"item-related-fee-amount", "abc"}}));
  auto r = read_settlement_report(tsv);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->settlement_id, "1234567");
  ASSERT_EQ(r->orders.size(), 1u);
  const auto& o = r->orders[0];
  EXPECT_EQ(o.order_id, "171-1");
  EXPECT_EQ(o.principal_minor, 2000);
  EXPECT_EQ(o.shipping_minor, 450);
  ASSERT_EQ(o.fees.size(), 2u);
  EXPECT_EQ(o.fees[0].type, "Commission");
  EXPECT_EQ(o.fees[0].amount_minor, 400);
  EXPECT_EQ(o.fees[1].type, "FBAPerUnitFulfillmentFee");
  EXPECT_EQ(o.fees[1].amount_minor, 250);
  ASSERT_EQ(r->refused.size(), 1u);
  EXPECT_EQ(r->refused[0].line, 8);
  EXPECT_EQ(r->refused[0].column, "item-related-fee-amount");
}

}  // namespace
}  // namespace fondaco::amazon
