// GenericClient against a local receiver: the documented JSON bodies, the Fondaco-Signature
// header (checked with OpenSSL's HMAC directly, not with the code under test) and how the
// receiver's answers are classified.
#include "fondaco/generic/client.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <deque>
#include <mutex>

#include "fondaco/platform/json.h"
#include "fondaco/testing/http_recorder.h"
#include "fondaco/testing/testing.h"

namespace fondaco::generic {
namespace {

using channels::PushResult;
using Outcome = PushResult::Outcome;

class Script {
 public:
  void push(api::Response r) {
    std::lock_guard lock(mu_);
    replies_.push_back(std::move(r));
  }
  void push(int status, std::string body) { push(testing::json_reply(status, std::move(body))); }
  testing::HttpRecorder::Responder responder() {
    return [this](const api::Request&) {
      std::lock_guard lock(mu_);
      if (replies_.empty()) return testing::json_reply(200, "{}");
      auto r = std::move(replies_.front());
      replies_.pop_front();
      return r;
    };
  }

 private:
  std::mutex mu_;
  std::deque<api::Response> replies_;
};

std::string openssl_hex_hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 0xf];
  }
  return hex;
}

class GenericClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.set_responder(script_.responder());
    endpoint_.channel_code = "erp";
    endpoint_.kind = "generic";
    endpoint_.config.settings = {{"api_base_url", server_.url() + "/hooks/fondaco"}};
    endpoint_.config.secrets = {{"signing_secret", "whsec_test"}};
  }
  std::unique_ptr<json::Document> body(std::size_t i) {
    auto doc = json::parse(server_.requests().at(i).body);
    EXPECT_TRUE(doc);
    return std::move(*doc);
  }
  static const json::Value& at(const json::Value& v, const char* key) {
    EXPECT_TRUE(v.IsObject() && v.HasMember(key)) << key;
    return v[key];
  }
  // The request is signed as documented: t is the clock's unix second.
  void expect_signed(std::size_t i, const char* type) {
    auto req = server_.requests().at(i);
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.target, "/hooks/fondaco");
    EXPECT_EQ(req.header("content-type"), "application/json");
    EXPECT_EQ(req.header("fondaco-type"), type);
    const std::string t = "1790000000";
    EXPECT_EQ(req.header("fondaco-signature"),
              "t=" + t + ",v1=" + openssl_hex_hmac("whsec_test", t + "." + req.body));
  }

  Script script_;
  testing::HttpRecorder server_;
  std::unique_ptr<http::Client> http_ = http::make_client();
  testing::FakeClock clock_{1'790'000'000'123};
  GenericClient client_{*http_, clock_};
  channels::Endpoint endpoint_;
};

TEST_F(GenericClientTest, StockLevelsAreASignedJsonPost) {
  std::vector<channels::StockLevel> levels(2);
  levels[0].sku = "SKU-A";
  levels[0].external_sku = "EXT-A";
  levels[0].external_id = "9";
  levels[0].quantity = 3;
  levels[0].last_published = 7;
  levels[1].sku = "SKU-B";
  levels[1].external_sku = "SKU-B";
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::ok) << r.detail;
  EXPECT_EQ(r.http_status, 200);
  ASSERT_EQ(server_.count(), 1u);
  expect_signed(0, "stock.levels");
  auto d = body(0);
  EXPECT_STREQ(at(d->root(), "type").GetString(), "stock.levels");
  EXPECT_STREQ(at(d->root(), "channel").GetString(), "erp");
  EXPECT_STREQ(at(d->root(), "sent_at").GetString(), "2026-09-21T14:13:20.123Z");
  const auto& l = at(d->root(), "levels");
  ASSERT_EQ(l.Size(), 2u);
  EXPECT_STREQ(at(l[0], "sku").GetString(), "SKU-A");
  EXPECT_STREQ(at(l[0], "external_sku").GetString(), "EXT-A");
  EXPECT_STREQ(at(l[0], "external_id").GetString(), "9");
  EXPECT_EQ(at(l[0], "quantity").GetInt64(), 3);
  EXPECT_EQ(at(l[1], "quantity").GetInt64(), 0);
  EXPECT_EQ(l[0].MemberCount(), 4u);
  EXPECT_EQ(client_.max_stock_batch(), 500u);
}

TEST_F(GenericClientTest, ListingAndFulfillmentBodies) {
  channels::Listing listing;
  listing.sku = "SKU-A";
  listing.external_sku = "EXT-A";
  listing.external_id = "9";
  listing.title = "Borsa";
  listing.description = "Pelle";
  listing.price_minor = 4990;
  listing.currency = "EUR";
  listing.active = false;
  EXPECT_EQ(client_.push_listing(endpoint_, listing).outcome, Outcome::ok);
  channels::Fulfillment f;
  f.external_order_id = "PO-77";
  f.tracking_number = "BRT1";
  f.carrier = "BRT";
  f.lines.resize(1);
  f.lines[0].external_line_id = "L1";
  f.lines[0].sku = "SKU-A";
  f.lines[0].quantity = 2;
  f.complete = true;
  EXPECT_EQ(client_.push_fulfillment(endpoint_, f).outcome, Outcome::ok);
  ASSERT_EQ(server_.count(), 2u);
  expect_signed(0, "listing.updated");
  expect_signed(1, "fulfillment.created");
  auto d = body(0);
  EXPECT_STREQ(at(d->root(), "type").GetString(), "listing.updated");
  const auto& li = at(d->root(), "listing");
  EXPECT_STREQ(at(li, "title").GetString(), "Borsa");
  EXPECT_EQ(at(li, "price_minor").GetInt64(), 4990);
  EXPECT_STREQ(at(li, "currency").GetString(), "EUR");
  EXPECT_FALSE(at(li, "active").GetBool());
  auto e = body(1);
  EXPECT_STREQ(at(e->root(), "type").GetString(), "fulfillment.created");
  const auto& fu = at(e->root(), "fulfillment");
  EXPECT_STREQ(at(fu, "external_order_id").GetString(), "PO-77");
  EXPECT_STREQ(at(fu, "tracking_number").GetString(), "BRT1");
  EXPECT_STREQ(at(fu, "carrier").GetString(), "BRT");
  EXPECT_STREQ(at(fu, "tracking_url").GetString(), "");
  EXPECT_TRUE(at(fu, "complete").GetBool());
  ASSERT_EQ(at(fu, "lines").Size(), 1u);
  EXPECT_STREQ(at(at(fu, "lines")[0], "external_line_id").GetString(), "L1");
  EXPECT_EQ(at(at(fu, "lines")[0], "quantity").GetInt64(), 2);
}

TEST_F(GenericClientTest, AnswersAreClassified) {
  script_.push(204, "");
  auto too_many = testing::json_reply(429, "{}");
  too_many.set_header("Retry-After", "5");
  script_.push(std::move(too_many));
  script_.push(503, "down");
  script_.push(410, "gone");
  script_.push(400, "bad");
  std::vector<channels::StockLevel> levels(1);
  levels[0].sku = "SKU-A";
  levels[0].quantity = 1;
  EXPECT_EQ(client_.push_stock(endpoint_, levels).outcome, Outcome::ok);
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.retry_after_ms, 5000);
  r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.http_status, 503);
  r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_EQ(r.http_status, 410);
  EXPECT_EQ(client_.push_stock(endpoint_, levels).outcome, Outcome::rejected);
}

TEST_F(GenericClientTest, NoAnswerRetriesAndMissingSettingsAreRejectedWithoutACall) {
  std::vector<channels::StockLevel> levels(1);
  levels[0].sku = "SKU-A";
  levels[0].quantity = 1;
  auto no_secret = endpoint_;
  no_secret.config.secrets.clear();
  EXPECT_EQ(client_.push_stock(no_secret, levels).outcome, Outcome::rejected);
  auto no_url = endpoint_;
  no_url.config.settings.clear();
  EXPECT_EQ(client_.push_stock(no_url, levels).outcome, Outcome::rejected);
  std::vector<channels::StockLevel> too_many(501, levels[0]);
  EXPECT_EQ(client_.push_stock(endpoint_, too_many).outcome, Outcome::rejected);
  EXPECT_EQ(server_.count(), 0u);
  std::uint16_t closed_port = 0;
  {
    testing::HttpRecorder gone;
    closed_port = gone.port();
  }
  endpoint_.config.settings["api_base_url"] = "http://127.0.0.1:" + std::to_string(closed_port);
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.http_status, 0);
}

TEST(GenericSignature, MatchesTheDocumentedFormula) {
  EXPECT_EQ(GenericClient::signature("k", 1, "{}"), "t=1,v1=" + openssl_hex_hmac("k", "1.{}"));
}

}  // namespace
}  // namespace fondaco::generic
