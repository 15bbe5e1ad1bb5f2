#include "fondaco/channels/channels.h"

#include <gtest/gtest.h>

#include "fondaco/testing/testing.h"

namespace fondaco::channels {
namespace {

class ChannelsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  Result<Channel> create(const ChannelInput& in) {
    return db_->write([&](storage::Tx& tx) { return channels_.create(tx, in, clock_.now_ms()); });
  }
  Result<Channel> update(std::string_view code, const ChannelPatch& p) {
    return db_->write(
        [&](storage::Tx& tx) { return channels_.update(tx, code, p, clock_.now_ms()); });
  }
  Result<Channel> get(std::string_view code) {
    return db_->read([&](storage::Tx& tx) { return channels_.get(tx, code); });
  }
  std::vector<std::string> event_types() {
    auto events = db_->read([](storage::Tx& tx) {
                     return events::EventLog::read_after(tx, 0, 1000);
                   }).value();
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type);
    return out;
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Channels channels_{log_};
  testing::FakeClock clock_;
};

TEST_P(ChannelsTest, BuiltInChannelsKeepTheirOrderPrefixes) {
  const std::vector<std::pair<std::string, std::string>> seeded = {
      {"storefront", "WEB"}, {"pos", "POS"},    {"phone", "TEL"}, {"shopify", "SHP"},
      {"woocommerce", "WOO"}, {"amazon", "AMZ"}, {"ebay", "EBY"}};
  for (const auto& [code, prefix] : seeded) {
    auto c = get(code);
    ASSERT_TRUE(c) << code;
    EXPECT_EQ(c->order_prefix, prefix);
    EXPECT_TRUE(c->active);
    EXPECT_TRUE(c->locations.empty());
  }
  EXPECT_EQ(get("storefront")->kind, Kind::storefront);
  auto page = db_->read([&](storage::Tx& tx) { return channels_.list(tx, 0, 5); }).value();
  ASSERT_EQ(page.items.size(), 5u);
  ASSERT_TRUE(page.next_after);
  auto rest = db_->read([&](storage::Tx& tx) { return channels_.list(tx, *page.next_after, 5); }).value();
  EXPECT_EQ(rest.items.size(), 2u);
  EXPECT_FALSE(rest.next_after);
  EXPECT_EQ(get("nope").error().code, ErrorCode::not_found);
}

TEST_P(ChannelsTest, CreateUpdateAndEvents) {
  ChannelInput in{"shopify-it", Kind::shopify, "Shopify Italia", "SIT", {"WH1", "SHOP"}, true};
  auto c = create(in);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->locations, (std::vector<std::string>{"WH1", "SHOP"}));
  EXPECT_EQ(c->created_at, clock_.now_ms());
  // Without a prefix the code in upper case is used, as orders did before channels.
  auto b2b = create({"b2b-portal", Kind::generic, "B2B", std::nullopt, {}, true});
  ASSERT_TRUE(b2b);
  EXPECT_EQ(b2b->order_prefix, "B2B-PORTAL");

  clock_.advance_ms(1000);
  ChannelPatch p;
  p.locations = std::vector<std::string>{"SHOP"};
  p.active = false;
  p.name = "Shopify IT";
  auto u = update("shopify-it", p);
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->locations, std::vector<std::string>{"SHOP"});
  EXPECT_FALSE(u->active);
  EXPECT_EQ(u->updated_at, clock_.now_ms());
  auto again = get("shopify-it").value();
  EXPECT_EQ(again.name, "Shopify IT");
  EXPECT_EQ(again.order_prefix, "SIT");
  EXPECT_EQ(again.locations, std::vector<std::string>{"SHOP"});
  EXPECT_FALSE(again.active);
  p = {};
  p.locations = std::vector<std::string>{};
  EXPECT_TRUE(update("shopify-it", p)->locations.empty());
  EXPECT_EQ(event_types(), (std::vector<std::string>{"channel.created", "channel.created",
                                                     "channel.updated", "channel.updated"}));
  EXPECT_EQ(update("missing", p).error().code, ErrorCode::not_found);
}

TEST_P(ChannelsTest, BadInputNamesTheFieldAndWritesNothing) {
  auto expect = [&](ChannelInput in, ErrorCode code, const std::string& field) {
    auto r = create(in);
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().code, code) << field;
    EXPECT_EQ(r.error().field, field);
  };
  expect({"Web Shop", Kind::generic, "x", "X1", {}, true}, ErrorCode::invalid_argument, "code");
  expect({"web2", Kind::generic, "", "X1", {}, true}, ErrorCode::invalid_argument, "name");
  expect({"web2", Kind::generic, "x", "web", {}, true}, ErrorCode::invalid_argument, "order_prefix");
  expect({"web2", Kind::generic, "x", "X1", {"WH1", "bad code"}, true}, ErrorCode::invalid_argument,
         "locations[1]");
  expect({"web2", Kind::generic, "x", "X1", {"WH1", "WH1"}, true}, ErrorCode::invalid_argument,
         "locations[1]");
  expect({"pos", Kind::pos, "x", "X1", {}, true}, ErrorCode::conflict, "code");
  expect({"web2", Kind::generic, "x", "WEB", {}, true}, ErrorCode::conflict, "order_prefix");
  ChannelPatch p;
  p.order_prefix = "POS";
  auto taken = update("storefront", p);
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().field, "order_prefix");
  EXPECT_EQ(get("storefront")->order_prefix, "WEB");
  p.order_prefix = "WEB";  // its own prefix is not a conflict
  EXPECT_TRUE(update("storefront", p));
  EXPECT_EQ(event_types(), std::vector<std::string>{"channel.updated"});
}

INSTANTIATE_TEST_SUITE_P(Engines, ChannelsTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::channels
