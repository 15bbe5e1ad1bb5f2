#include "fondaco/woocommerce/orders.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fondaco/base/text.h"
#include "fondaco/platform/system.h"
#include "fondaco/testing/testing.h"

namespace fondaco::woocommerce {
namespace {

std::string sign(std::string_view secret, std::string_view body) {
  std::string out = base64url_encode(platform::hmac_sha256(secret, body));
  for (char& ch : out) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  while (out.size() % 4) out += '=';
  return out;
}

TEST(WooWebhook, SignatureAndPing) {
  const std::string body = R"({"id":727})";
  const std::vector<std::string> secrets = {"s1"};
  EXPECT_TRUE(verify_webhook(body, sign("s1", body), secrets));
  EXPECT_EQ(verify_webhook(body, sign("s2", body), secrets).error().code, ErrorCode::unauthorized);
  EXPECT_FALSE(verify_webhook(body, "", secrets));
  EXPECT_TRUE(is_ping("webhook_id=15"));
  EXPECT_FALSE(is_ping("webhook_id="));
  EXPECT_FALSE(is_ping("webhook_id=1&x=2"));
  EXPECT_FALSE(is_ping(body));
  EXPECT_TRUE(is_order_topic("order.updated"));
  EXPECT_FALSE(is_order_topic("product.updated"));
}

TEST(WooOrders, SampleParsesExactly) {
  auto o = parse_order(testing::shared_format_file("woocommerce/order_v3_sample.json"));
  ASSERT_TRUE(o) << o.error().message << " " << o.error().field;
  EXPECT_EQ(o->external_id, "727");
  EXPECT_EQ(o->currency, "USD");
  EXPECT_EQ(o->total_minor, 2935);
  EXPECT_EQ(o->shipping_minor, 1000);
  EXPECT_EQ(o->tax_minor, 135);
  EXPECT_EQ(o->financial_status, channels::FinancialStatus::paid);  // processing
  EXPECT_FALSE(o->cancelled);
  EXPECT_EQ(o->updated_at_ms, *parse_rfc3339("2017-03-22T19:28:08Z"));
  EXPECT_EQ(o->email, "john.doe@example.com");
  ASSERT_EQ(o->lines.size(), 2u);
  EXPECT_EQ(o->lines[0].sku, "");
  EXPECT_EQ(o->lines[0].external_id, "93");  // no variation: the product id
  EXPECT_EQ(o->lines[0].qty, 2);
  EXPECT_EQ(o->lines[0].unit_price_minor, 300);
  EXPECT_EQ(o->lines[0].discount_minor, 0);
  EXPECT_EQ(o->lines[1].sku, "Bar3");
  EXPECT_EQ(o->lines[1].external_id, "23");
  ASSERT_TRUE(o->shipping_address);
  EXPECT_EQ(o->shipping_address->postal_code, "94103");
  EXPECT_EQ(o->shipping_method, "Flat Rate");
}

TEST(WooOrders, UnevenSubtotalKeepsTheLineTotalExact) {
  auto o = parse_order(
      R"({"id":1,"status":"pending","currency":"EUR","date_modified_gmt":"2024-05-01T10:00:00",)"
      R"("total":"9.00","line_items":[{"id":3,"quantity":3,"subtotal":"10.00","total":"9.00"}]})");
  ASSERT_TRUE(o) << o.error().field;
  const auto& l = o->lines[0];
  EXPECT_EQ(l.unit_price_minor, 334);
  EXPECT_EQ(l.qty * l.unit_price_minor - l.discount_minor, 900);
  EXPECT_EQ(o->financial_status, channels::FinancialStatus::pending);
  auto bad = parse_order(
      R"({"id":1,"status":"pending","currency":"EUR","date_modified_gmt":"2024-05-01T10:00:00",)"
      R"("line_items":[{"id":3,"quantity":1,"subtotal":"1.00","total":"2.00"}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "line_items[0].total");
}

}  // namespace
}  // namespace fondaco::woocommerce
