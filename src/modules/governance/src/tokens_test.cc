#include "fondaco/governance/tokens.h"

#include <gtest/gtest.h>

#include "fondaco/testing/testing.h"

namespace fondaco::governance {
namespace {

class TokensTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Tokens tokens_{log_};
  testing::FakeRandom random_;
};

TEST_P(TokensTest, CreateAuthenticateListRevoke) {
  auto created = db_->write([&](storage::Tx& tx) {
    return tokens_.create(tx, "warehouse scanner", Role::logistics, random_, 10);
  });
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_TRUE(created->secret.starts_with("fdc_"));
  EXPECT_EQ(created->secret.size(), 47u);
  auto stored = db_->read([](storage::Tx& tx) {
    return tx.query("SELECT secret_sha256 FROM api_tokens");
  });
  EXPECT_EQ(stored->text(0, 0).find(created->secret), std::string::npos);
  auto who = db_->read([&](storage::Tx& tx) { return tokens_.authenticate(tx, created->secret); });
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->role, Role::logistics);
  auto wrong = db_->read([&](storage::Tx& tx) {
    return tokens_.authenticate(tx, created->secret.substr(0, 46) + "x");
  });
  EXPECT_EQ(wrong.error().code, ErrorCode::unauthorized);
  auto page = db_->read([&](storage::Tx& tx) { return tokens_.list(tx, 0, 10); });
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].prefix, created->secret.substr(0, 10));
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) { return tokens_.revoke(tx, created->token.id, 20); }));
  auto revoked = db_->read([&](storage::Tx& tx) { return tokens_.authenticate(tx, created->secret); });
  EXPECT_EQ(revoked.error().code, ErrorCode::unauthorized);
  auto missing = db_->write([&](storage::Tx& tx) { return tokens_.revoke(tx, 999, 20); });
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_P(TokensTest, RolesRoundTripAndNamesAreValidated) {
  for (int i = 0; i < kRoleCount; ++i) {
    const Role r = static_cast<Role>(i);
    EXPECT_EQ(parse_role(to_string(r)), r);
  }
  EXPECT_FALSE(parse_role("root").has_value());
  auto bad = db_->write([&](storage::Tx& tx) {
    return tokens_.create(tx, "", Role::admin, random_, 1);
  });
  EXPECT_EQ(bad.error().field, "name");
}

INSTANTIATE_TEST_SUITE_P(Engines, TokensTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::governance
