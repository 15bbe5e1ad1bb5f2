#include "fondaco/customers/customers.h"

#include <gtest/gtest.h>

#include "fondaco/base/limits.h"
#include "fondaco/testing/testing.h"

namespace fondaco::customers {
namespace {

using storage::Tx;

class CustomersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  Customer customer(const std::string& email) {
    return db_
        ->write([&](Tx& tx) { return customers_.find_or_create(tx, email, "Ada", "it", now()); })
        .value();
  }
  std::int64_t now() const { return clock_.now_ms(); }

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Customers customers_{log_};
  testing::FakeClock clock_;
  testing::FakeRandom random_;
};

TEST_P(CustomersTest, EmailIsUniqueCaseInsensitively) {
  const auto a = customer("Ada@Example.com");
  const auto b = customer("ada@example.COM");
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.email, "ada@example.com");
  auto bad =
      db_->write([&](Tx& tx) { return customers_.find_or_create(tx, "no-at", "", "it", 1); });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "email");
}

TEST_P(CustomersTest, SignInTokenIsSingleUseAndExpires) {
  const auto c = customer("ada@example.com");
  auto token =
      db_->write([&](Tx& tx) { return Customers::issue_sign_in_token(tx, c.id, random_, now()); })
          .value();
  EXPECT_EQ(token.size(), 64u);
  auto first =
      db_->write([&](Tx& tx) { return Customers::redeem_sign_in_token(tx, token, now()); });
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, c.id);
  auto again =
      db_->write([&](Tx& tx) { return Customers::redeem_sign_in_token(tx, token, now()); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::unauthorized);

  auto late =
      db_->write([&](Tx& tx) { return Customers::issue_sign_in_token(tx, c.id, random_, now()); })
          .value();
  clock_.advance_ms(limits::kSignInLinkTtlMs);
  auto expired =
      db_->write([&](Tx& tx) { return Customers::redeem_sign_in_token(tx, late, now()); });
  EXPECT_FALSE(expired);
}

TEST_P(CustomersTest, SessionsAreLazyAndSignInRotatesTheSecret) {
  const std::string secret = new_secret(random_);
  auto none = db_->read([&](Tx& tx) { return Customers::find_session(tx, secret, now()); });
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto s = db_->write([&](Tx& tx) { return Customers::ensure_session(tx, secret, now()); }).value();
  ASSERT_TRUE(db_->write([&](Tx& tx) { return Customers::set_cart(tx, s.id, 77); }));
  ASSERT_TRUE(
      db_->write([&](Tx& tx) { return Customers::remember_order(tx, s.id, 5, "WEB-1", now()); }));
  const auto c = customer("ada@example.com");
  auto issued =
      db_->write([&](Tx& tx) { return Customers::sign_in(tx, s.id, c.id, random_, now()); })
          .value();
  EXPECT_NE(issued.secret, secret);
  auto old = db_->read([&](Tx& tx) { return Customers::find_session(tx, secret, now()); }).value();
  EXPECT_FALSE(old.has_value()) << "the pre-sign-in id must stop working (fixation)";
  auto now_s =
      db_->read([&](Tx& tx) { return Customers::find_session(tx, issued.secret, now()); }).value();
  ASSERT_TRUE(now_s.has_value());
  EXPECT_EQ(now_s->customer_id, c.id);
  EXPECT_EQ(now_s->cart_id, 77);
  auto order =
      db_->read([&](Tx& tx) { return Customers::remembered_order(tx, now_s->id, "WEB-1"); })
          .value();
  EXPECT_EQ(order, 5);
}

TEST_P(CustomersTest, RememberedOrdersBelongToOneSession) {
  auto a =
      db_->write([&](Tx& tx) { return Customers::ensure_session(tx, new_secret(random_), now()); })
          .value();
  auto b =
      db_->write([&](Tx& tx) { return Customers::ensure_session(tx, new_secret(random_), now()); })
          .value();
  ASSERT_TRUE(
      db_->write([&](Tx& tx) { return Customers::remember_order(tx, a.id, 9, "WEB-9", now()); }));
  auto other = db_->read([&](Tx& tx) { return Customers::remembered_order(tx, b.id, "WEB-9"); });
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_value());
}

TEST_P(CustomersTest, IdleSessionsExpire) {
  const std::string secret = new_secret(random_);
  ASSERT_TRUE(db_->write([&](Tx& tx) { return Customers::ensure_session(tx, secret, now()); }));
  clock_.advance_ms(limits::kShopSessionIdleMs);
  auto s = db_->read([&](Tx& tx) { return Customers::find_session(tx, secret, now()); }).value();
  EXPECT_FALSE(s.has_value());
}

INSTANTIATE_TEST_SUITE_P(Engines, CustomersTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::customers
