#include "fondaco/shopify/orders.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fondaco/base/text.h"
#include "fondaco/platform/system.h"
#include "fondaco/testing/testing.h"

namespace fondaco::shopify {
namespace {

std::string sign(std::string_view secret, std::string_view body) {
  std::string out = base64url_encode(platform::hmac_sha256(secret, body));
  for (char& ch : out) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  while (out.size() % 4) out += '=';
  return out;
}

TEST(ShopifyWebhook, SignatureOfAnyCandidateSecretIsAccepted) {
  const std::string body = R"({"id":1})";
  const std::vector<std::string> secrets = {"new", "old"};
  EXPECT_TRUE(verify_webhook(body, sign("new", body), secrets));
  EXPECT_TRUE(verify_webhook(body, sign("old", body), secrets));
  auto forged = verify_webhook(body, sign("other", body), secrets);
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, ErrorCode::unauthorized);
  EXPECT_FALSE(verify_webhook(body + " ", sign("new", body), secrets));  // body changed
  EXPECT_FALSE(verify_webhook(body, "", secrets));
  EXPECT_FALSE(verify_webhook(body, sign("", body), std::vector<std::string>{""}));
  EXPECT_FALSE(verify_webhook(body, sign("new", body), {}));
}

// A known HMAC-SHA256 vector (RFC 4231 case 2) in Shopify's base64 form.
TEST(ShopifyWebhook, SignatureIsStandardBase64) {
  EXPECT_TRUE(verify_webhook(
      "what do ya want for nothing?",
      "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=", std::vector<std::string>{"Jefe"}));
}

TEST(ShopifyOrders, WebhookSampleParsesExactly) {
  auto o = parse_order(testing::shared_format_file("shopify/orders_create_webhook_sample.json"));
  ASSERT_TRUE(o) << o.error().message << " " << o.error().field;
  EXPECT_EQ(o->external_id, "820982911946154508");
  EXPECT_EQ(o->number, "#9999");
  EXPECT_EQ(o->currency, "USD");
  EXPECT_EQ(o->total_minor, 40300);
  EXPECT_EQ(o->shipping_minor, 1000);
  EXPECT_TRUE(o->cancelled);
  EXPECT_EQ(o->financial_status, channels::FinancialStatus::voided);
  EXPECT_EQ(o->updated_at_ms, *parse_rfc3339("2019-06-04T13:53:06-04:00"));
  EXPECT_EQ(o->email, "jon@doe.ca");
  ASSERT_EQ(o->lines.size(), 2u);
  EXPECT_EQ(o->lines[0].sku, "IPOD2008PINK");
  EXPECT_EQ(o->lines[0].external_id, "808950810");
  EXPECT_EQ(o->lines[0].line_id, "866550311766439020");
  EXPECT_EQ(o->lines[0].qty, 1);
  EXPECT_EQ(o->lines[0].unit_price_minor, 19900);
  ASSERT_TRUE(o->shipping_address);
  EXPECT_EQ(o->shipping_address->country, "US");
  EXPECT_EQ(o->shipping_address->name, "Steve Shipper");
  EXPECT_EQ(o->shipping_address->postal_code, "40003");
  EXPECT_EQ(o->locale, "en");
}

TEST(ShopifyOrders, RestEnvelopeParses) {
  auto o = parse_order(testing::shared_format_file("shopify/order_rest_fixture.json"));
  ASSERT_TRUE(o) << o.error().message << " " << o.error().field;
  EXPECT_EQ(o->lines.size(), 3u);
  EXPECT_FALSE(o->cancelled);
  std::int64_t lines = 0;
  for (const auto& l : o->lines) lines += l.qty * l.unit_price_minor - l.discount_minor;
  EXPECT_GT(lines, 0);
}

TEST(ShopifyOrders, MalformedMembersNameTheField) {
  const std::string base =
      R"({"id":5,"updated_at":"2024-01-01T00:00:00Z","currency":"EUR","line_items":[)";
  auto bad_price = parse_order(base + R"({"id":9,"quantity":1,"price":"1.2.3"}]})");
  ASSERT_FALSE(bad_price);
  EXPECT_EQ(bad_price.error().field, "line_items[0].price");
  auto sub_cent = parse_order(base + R"({"id":9,"quantity":1,"price":"1.005"}]})");
  ASSERT_FALSE(sub_cent);
  EXPECT_EQ(sub_cent.error().field, "line_items[0].price");
  auto float_price = parse_order(base + R"({"id":9,"quantity":1,"price":1.5}]})");
  ASSERT_FALSE(float_price);
  auto qty = parse_order(base + R"({"id":9,"quantity":0,"price":"1.00"}]})");
  ASSERT_FALSE(qty);
  EXPECT_EQ(qty.error().field, "line_items[0].quantity");
  auto no_lines = parse_order(base + "]}");
  ASSERT_FALSE(no_lines);
  EXPECT_EQ(no_lines.error().field, "line_items");
  auto ok = parse_order(base + R"({"id":9,"quantity":2,"price":"0.10","sku":"A-1"}]})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->lines[0].unit_price_minor, 10);
  EXPECT_FALSE(parse_order("[1,2]"));
  EXPECT_FALSE(parse_order("{"));
}

}  // namespace
}  // namespace fondaco::shopify
