#include "fondaco/channels/credentials.h"

#include <gtest/gtest.h>

#include "fondaco/base/limits.h"
#include "fondaco/channels/channels.h"
#include "fondaco/testing/testing.h"

namespace fondaco::channels {
namespace {

class CredentialsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
    shop_ = db_->read([](storage::Tx& tx) { return Channels::get(tx, "shopify"); })->id;
  }
  Result<void> setting(std::string_view name, std::string_view value) {
    return db_->write([&](storage::Tx& tx) {
      return Credentials::set_setting(tx, shop_, name, value, clock_.now_ms());
    });
  }
  Result<void> secret(std::string_view name, std::string_view value) {
    return db_->write([&](storage::Tx& tx) {
      return Credentials::set_secret(tx, shop_, name, value, clock_.now_ms());
    });
  }
  std::vector<std::string> candidates(std::string_view name) {
    return db_
        ->read([&](storage::Tx& tx) {
          return Credentials::secret_candidates(tx, shop_, name, clock_.now_ms());
        })
        .value();
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  testing::FakeClock clock_;
  std::int64_t shop_ = 0;
};

TEST_P(CredentialsTest, SettingsAndSecretsLoadSeparately) {
  ASSERT_TRUE(setting("api_base_url", "https://shop.myshopify.com"));
  ASSERT_TRUE(setting("location_id", "655441491"));
  ASSERT_TRUE(secret("webhook_secret", "s3cret"));
  auto cfg = db_->read([&](storage::Tx& tx) { return Credentials::load(tx, shop_); }).value();
  EXPECT_EQ(cfg.settings.at("api_base_url"), "https://shop.myshopify.com");
  EXPECT_EQ(cfg.settings.at("location_id"), "655441491");
  EXPECT_EQ(cfg.settings.count("webhook_secret"), 0u);
  EXPECT_EQ(cfg.secrets.at("webhook_secret"), "s3cret");
  auto info = db_->read([&](storage::Tx& tx) {
                   return Credentials::describe_secrets(tx, shop_, clock_.now_ms());
                 })
                  .value();
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].name, "webhook_secret");
  EXPECT_EQ(info[0].set_at, clock_.now_ms());
  EXPECT_FALSE(info[0].previous_in_grace);
}

TEST_P(CredentialsTest, RotatedSecretStaysAcceptedForTheGracePeriodOnly) {
  ASSERT_TRUE(secret("webhook_secret", "old"));
  EXPECT_EQ(candidates("webhook_secret"), std::vector<std::string>{"old"});
  clock_.advance_ms(1000);
  ASSERT_TRUE(secret("webhook_secret", "new"));
  EXPECT_EQ(candidates("webhook_secret"), (std::vector<std::string>{"new", "old"}));
  // Writing the same value again does not restart the grace period nor lose "old".
  clock_.advance_ms(limits::kChannelSecretGraceMs - 1);
  ASSERT_TRUE(secret("webhook_secret", "new"));
  EXPECT_EQ(candidates("webhook_secret"), (std::vector<std::string>{"new", "old"}));
  clock_.advance_ms(1);
  EXPECT_EQ(candidates("webhook_secret"), std::vector<std::string>{"new"});
  EXPECT_TRUE(candidates("access_token").empty());
}

TEST_P(CredentialsTest, RemoveRevokesAtOnce) {
  ASSERT_TRUE(secret("webhook_secret", "a"));
  ASSERT_TRUE(secret("webhook_secret", "b"));
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
    return Credentials::remove(tx, shop_, "webhook_secret", clock_.now_ms());
  }));
  EXPECT_TRUE(candidates("webhook_secret").empty());
}

TEST_P(CredentialsTest, InvalidNamesAndValuesNameTheField) {
  auto bad_url = setting("api_base_url", "ftp://x");
  ASSERT_FALSE(bad_url);
  EXPECT_EQ(bad_url.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad_url.error().field, "api_base_url");
  EXPECT_FALSE(setting("endpoint_url", "https:///path"));
  EXPECT_FALSE(setting("Bad-Name", "x"));
  EXPECT_FALSE(secret("webhook_secret", ""));
  EXPECT_FALSE(secret("webhook_secret", std::string(limits::kMaxChannelSecretChars + 1, 'a')));
  EXPECT_FALSE(secret("webhook_secret", "line\nbreak"));
  ASSERT_TRUE(secret("access_token", "t"));
  auto clash = setting("access_token", "visible?");
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::conflict);
  EXPECT_EQ(candidates("access_token"), std::vector<std::string>{"t"});
}

INSTANTIATE_TEST_SUITE_P(Engines, CredentialsTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::channels
