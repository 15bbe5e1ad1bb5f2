#include "fondaco/workflows/place_order.h"

#include <gtest/gtest.h>

#include "fondaco/platform/json.h"
#include "fondaco/testing/testing.h"
#include "fondaco/workflows/carts.h"
#include "fondaco/workflows/channels.h"

namespace fondaco::workflows {
namespace {

using inventory::LocationKind;

class PlaceOrderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
    auto made = db_->write([&](storage::Tx& tx) -> Result<void> {
      for (auto [code, kind] : {std::pair{"WH1", LocationKind::warehouse},
                                {"WH2", LocationKind::warehouse}, {"SHOP", LocationKind::store}})
        FONDACO_TRY(inventory_.create_location(tx, {code, code, kind, std::nullopt, 0}, 1));
      auto p = testing::ProductBuilder("Olio").variant("OIL", 1000).variant("WINE", 1500).build();
      p.variants[0].prices->push_back({"default", 900, 6});  // 6+ bottles: 9.00
      p.variants[1].vat_rate_bp = 1000;
      FONDACO_TRY(catalog_.create(tx, p, 1));
      return ok();
    });
    ASSERT_TRUE(made) << made.error().message;
  }
  void receive(const std::string& sku, std::int64_t qty, const std::string& loc) {
    auto r = db_->write([&](storage::Tx& tx) {
      return inventory_.move(tx, {sku, qty, "SUPPLIER", loc, "receipt", ""}, 1);
    });
    ASSERT_TRUE(r) << r.error().message;
  }
  PlaceOrderInput input(std::vector<std::pair<std::string, std::int64_t>> lines) {
    PlaceOrderInput in;
    in.order.customer.email = "a@b.it";
    for (auto& [sku, qty] : lines) in.order.lines.push_back({sku, qty, std::nullopt, 0, std::nullopt});
    return in;
  }
  Result<PlacedOrder> place(const PlaceOrderInput& in) {
    return db_->write([&](storage::Tx& tx) { return place_order(tx, services_, in, 100); });
  }
  inventory::StockLevel stock(const std::string& sku) {
    return db_->read([&](storage::Tx& tx) { return inventory_.stock(tx, sku); }).value();
  }
  std::int64_t count(const std::string& table) {
    return db_->read([&](storage::Tx& tx) -> Result<std::int64_t> {
                return FONDACO_TRY(tx.query("SELECT COUNT(*) FROM " + table)).i64(0, 0);
              }).value();
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  catalog::Catalog catalog_{log_};
  channels::Channels channels_{log_};
  inventory::Inventory inventory_{log_};
  orders::Orders orders_{log_};
  OrderServices services_{catalog_, inventory_, orders_};
};

TEST_P(PlaceOrderTest, PricesFromCatalogAndPrefersOneLocation) {
  receive("OIL", 10, "WH1");
  receive("OIL", 10, "WH2");
  receive("WINE", 5, "WH2");
  auto placed = place(input({{"OIL", 6}, {"WINE", 2}}));
  ASSERT_TRUE(placed) << placed.error().message;
  EXPECT_TRUE(placed->created);
  const auto& o = placed->order;
  EXPECT_EQ(o.lines[0].unit_price_minor, 900);  // the 6+ tier
  EXPECT_EQ(o.lines[0].vat_rate_bp, 2200);
  EXPECT_EQ(o.lines[1].unit_price_minor, 1500);
  EXPECT_EQ(o.lines[1].vat_rate_bp, 1000);
  EXPECT_EQ(o.totals.total_minor, 5400 + 3000);
  // WH1 lacks WINE, WH2 has both: everything from WH2.
  ASSERT_EQ(placed->reservations.size(), 2u);
  for (const auto& r : placed->reservations) EXPECT_EQ(r.location, "WH2");
  EXPECT_EQ(placed->reservations[0].reference, reservation_reference(o.id, 1));
  EXPECT_EQ(stock("OIL").reserved, 6);
  EXPECT_EQ(stock("WINE").reserved, 2);
}

TEST_P(PlaceOrderTest, SplitsALineWhenNoLocationServesTheOrder) {
  receive("OIL", 4, "WH1");
  receive("OIL", 3, "SHOP");
  auto placed = place(input({{"OIL", 6}}));
  ASSERT_TRUE(placed) << placed.error().message;
  ASSERT_EQ(placed->reservations.size(), 2u);
  std::map<std::string, std::int64_t> by_loc;
  for (const auto& r : placed->reservations) by_loc[r.location] = r.qty;
  EXPECT_EQ(by_loc["WH1"], 4);
  EXPECT_EQ(by_loc["SHOP"], 2);
  // A given priority list is followed.
  receive("OIL", 10, "WH2");
  auto in = input({{"OIL", 1}});  // SHOP has 1 left, WH1 none, WH2 is not listed
  in.locations = {"SHOP", "WH1"};
  auto second = place(in);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->reservations.size(), 1u);
  EXPECT_EQ(second->reservations[0].location, "SHOP");
  in.locations = {"SUPPLIER"};
  EXPECT_EQ(place(in).error().field, "locations[0]");
}

TEST_P(PlaceOrderTest, ShortStockListsEveryShortLineAndWritesNothing) {
  receive("OIL", 2, "WH1");
  receive("WINE", 1, "WH2");
  const auto events_before = count("events");
  auto r = place(input({{"OIL", 3}, {"WINE", 1}, {"WINE", 4}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::insufficient_stock);
  EXPECT_EQ(r.error().field, "lines");
  auto details = json::parse(r.error().details_json).value();
  const auto& arr = details->root();
  ASSERT_EQ(arr.Size(), 2u);
  EXPECT_EQ(arr[0]["sku"].GetString(), std::string("OIL"));
  EXPECT_EQ(arr[0]["requested"].GetInt64(), 3);
  EXPECT_EQ(arr[0]["available"].GetInt64(), 2);
  EXPECT_EQ(arr[1]["line"].GetInt64(), 2);
  EXPECT_EQ(arr[1]["available"].GetInt64(), 0);
  EXPECT_EQ(count("orders"), 0);
  EXPECT_EQ(count("reservations"), 0);
  EXPECT_EQ(count("events"), events_before);
  EXPECT_EQ(stock("OIL").reserved, 0);
  // The refused order consumed no number.
  EXPECT_EQ(place(input({{"OIL", 2}}))->order.number, "WEB-000001");
}

TEST_P(PlaceOrderTest, UnknownSkuAndCurrencyMismatchNameTheField) {
  receive("OIL", 5, "WH1");
  EXPECT_EQ(place(input({{"OIL", 1}, {"NOPE", 1}})).error().field, "lines[1].sku");
  auto in = input({{"OIL", 1}});
  in.order.currency = "USD";
  EXPECT_EQ(place(in).error().field, "currency");
  in.order.lines[0].unit_price_minor = 100;  // a given price needs no price list
  EXPECT_TRUE(place(in));
  EXPECT_EQ(count("orders"), 1);
}

TEST_P(PlaceOrderTest, ExternalRefReturnsTheExistingOrderWithoutReservingAgain) {
  receive("OIL", 5, "WH1");
  auto in = input({{"OIL", 2}});
  in.order.channel = "shopify";
  in.order.external_ref = "#1001";
  auto first = place(in);
  ASSERT_TRUE(first);
  auto second = place(in);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->order.id, first->order.id);
  EXPECT_EQ(second->reservations.size(), 1u);
  EXPECT_EQ(stock("OIL").reserved, 2);
  EXPECT_EQ(count("orders"), 1);
}

TEST_P(PlaceOrderTest, CancelReleasesReservations) {
  receive("OIL", 4, "WH1");
  receive("OIL", 4, "WH2");
  auto placed = place(input({{"OIL", 6}}));
  ASSERT_TRUE(placed);
  EXPECT_EQ(stock("OIL").available, 2);
  auto cancelled = db_->write([&](storage::Tx& tx) {
    return cancel_order(tx, services_, placed->order.id, "customer asked", 200);
  });
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  EXPECT_EQ(cancelled->order.status, orders::Status::cancelled);
  ASSERT_EQ(cancelled->reservations.size(), 2u);
  for (const auto& r : cancelled->reservations)
    EXPECT_EQ(r.status, inventory::ReservationStatus::released);
  EXPECT_EQ(stock("OIL").available, 8);
  EXPECT_EQ(stock("OIL").reserved, 0);
  auto again = db_->write([&](storage::Tx& tx) {
    return cancel_order(tx, services_, placed->order.id, "", 300);
  });
  EXPECT_EQ(again.error().code, ErrorCode::invalid_transition);
}

TEST_P(PlaceOrderTest, UnknownOrInactiveChannelIsRefusedWithNothingWritten) {
  receive("OIL", 5, "WH1");
  const auto events_before = count("events");
  auto in = input({{"OIL", 1}});
  in.order.channel = "telegraph";
  auto unknown = place(in);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(unknown.error().field, "channel");
  channels::ChannelPatch off;
  off.active = false;
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) { return channels_.update(tx, "pos", off, 1); }));
  in.order.channel = "pos";
  auto inactive = place(in);
  ASSERT_FALSE(inactive);
  EXPECT_EQ(inactive.error().field, "channel");
  EXPECT_EQ(count("orders"), 0);
  EXPECT_EQ(count("reservations"), 0);
  EXPECT_EQ(count("events"), events_before + 1);  // only the channel.updated
  EXPECT_EQ(stock("OIL").reserved, 0);
  // A registered channel numbers with its own prefix.
  auto made = db_->write([&](storage::Tx& tx) {
    return create_channel(tx, channels_, inventory_,
                          {"shopify-it", channels::Kind::shopify, "Shopify IT", "SIT", {}, true}, 1);
  });
  ASSERT_TRUE(made) << made.error().message;
  in.order.channel = "shopify-it";
  EXPECT_EQ(place(in)->order.number, "SIT-000001");
}

TEST_P(PlaceOrderTest, TheChannelsLocationPriorityIsFollowed) {
  receive("OIL", 10, "WH1");
  receive("OIL", 10, "SHOP");
  // Default: location id order, WH1 first.
  EXPECT_EQ(place(input({{"OIL", 1}}))->reservations[0].location, "WH1");
  channels::ChannelPatch p;
  p.locations = std::vector<std::string>{"SHOP", "WH1"};
  auto set = db_->write([&](storage::Tx& tx) {
    return update_channel(tx, channels_, inventory_, "storefront", p, 1);
  });
  ASSERT_TRUE(set) << set.error().message;
  auto placed = place(input({{"OIL", 2}}));
  ASSERT_TRUE(placed);
  ASSERT_EQ(placed->reservations.size(), 1u);
  EXPECT_EQ(placed->reservations[0].location, "SHOP");
  // Only the channel's locations are used: WH2 is not listed.
  receive("OIL", 50, "WH2");
  auto short_ = place(input({{"OIL", 30}}));
  ASSERT_FALSE(short_);
  EXPECT_EQ(short_.error().code, ErrorCode::insufficient_stock);
  // A per-request list still wins.
  auto in = input({{"OIL", 30}});
  in.locations = {"WH2"};
  EXPECT_EQ(place(in)->reservations[0].location, "WH2");
  // Locations must be real selling locations.
  p.locations = std::vector<std::string>{"SHOP", "NOWHERE"};
  auto bad = db_->write([&](storage::Tx& tx) {
    return update_channel(tx, channels_, inventory_, "storefront", p, 1);
  });
  EXPECT_EQ(bad.error().field, "locations[1]");
  p.locations = std::vector<std::string>{"SUPPLIER"};
  bad = db_->write([&](storage::Tx& tx) {
    return update_channel(tx, channels_, inventory_, "storefront", p, 1);
  });
  EXPECT_EQ(bad.error().field, "locations[0]");
  auto kept = db_->read([&](storage::Tx& tx) { return channels::Channels::get(tx, "storefront"); });
  EXPECT_EQ(kept->locations, (std::vector<std::string>{"SHOP", "WH1"}));
}

// ---- carts ----

constexpr std::int64_t kTtl = 15 * 60 * 1000;

TEST_P(PlaceOrderTest, ACartHoldsStockThatNoOtherOrderCanTake) {
  receive("OIL", 3, "WH1");
  receive("WINE", 2, "WH2");
  auto cart = db_->write([&](storage::Tx& tx) {
    return create_cart(tx, services_, {"storefront", {{"OIL", 3}, {"WINE", 1}}, kTtl}, 100);
  });
  ASSERT_TRUE(cart) << cart.error().message;
  ASSERT_EQ(cart->holds.size(), 2u);
  EXPECT_EQ(cart->holds[0].reference, cart_reference(cart->cart.id, 1));
  EXPECT_EQ(cart->holds[0].expires_at, 100 + kTtl);
  EXPECT_EQ(stock("OIL").available, 0);
  auto other = place(input({{"OIL", 1}}));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::insufficient_stock);
  EXPECT_EQ(count("orders"), 0);
  // Short stock for a cart: nothing is held, no cart exists.
  auto too_many = db_->write([&](storage::Tx& tx) {
    return create_cart(tx, services_, {"storefront", {{"WINE", 5}}, kTtl}, 100);
  });
  EXPECT_EQ(too_many.error().code, ErrorCode::insufficient_stock);
  EXPECT_EQ(count("carts"), 1);
  auto unknown = db_->write([&](storage::Tx& tx) {
    return create_cart(tx, services_, {"storefront", {{"OIL", 1}, {"NOPE", 1}}, kTtl}, 100);
  });
  EXPECT_EQ(unknown.error().field, "lines[1].sku");
  auto no_channel = db_->write([&](storage::Tx& tx) {
    return create_cart(tx, services_, {"nowhere", {{"OIL", 1}}, kTtl}, 100);
  });
  EXPECT_EQ(no_channel.error().field, "channel");
  EXPECT_EQ(count("carts"), 1);
}

TEST_P(PlaceOrderTest, ExpiredCartHoldsAreReleasedAndTheCartCannotBecomeAnOrder) {
  receive("OIL", 2, "WH1");
  auto cart = db_->write([&](storage::Tx& tx) {
    return create_cart(tx, services_, {"storefront", {{"OIL", 2}}, kTtl}, 100);
  }).value();
  testing::FakeClock clock(100);
  clock.advance_ms(kTtl);  // the housekeeper runs at the expiry instant
  auto expired = db_->write([&](storage::Tx& tx) { return inventory_.expire(tx, clock.now_ms(), 500); });
  ASSERT_TRUE(expired);
  EXPECT_EQ(*expired, 1);
  EXPECT_EQ(stock("OIL").available, 2);
  auto read = db_->read([&](storage::Tx& tx) { return cart_with_holds(tx, services_, cart.cart.id, clock.now_ms()); });
  EXPECT_EQ(read->cart.status, orders::CartStatus::expired);
  EXPECT_EQ(read->holds[0].status, inventory::ReservationStatus::expired);
  auto in = input({});
  in.cart_id = cart.cart.id;
  in.order.channel = "";
  auto converted = db_->write([&](storage::Tx& tx) { return place_order(tx, services_, in, clock.now_ms()); });
  ASSERT_FALSE(converted);
  EXPECT_EQ(converted.error().code, ErrorCode::cart_expired);
  EXPECT_EQ(converted.error().field, "cart_id");
  auto update = db_->write([&](storage::Tx& tx) {
    return update_cart(tx, services_, cart.cart.id, {{"OIL", 1}}, std::nullopt, clock.now_ms());
  });
  EXPECT_EQ(update.error().code, ErrorCode::cart_expired);
  // Holds whose TTL passed but that the housekeeper has not expired yet are not used either.
  auto second = db_->write([&](storage::Tx& tx) {
    return create_cart(tx, services_, {"storefront", {{"OIL", 1}}, kTtl}, clock.now_ms());
  }).value();
  in.cart_id = second.cart.id;
  auto late = db_->write([&](storage::Tx& tx) {
    return place_order(tx, services_, in, clock.now_ms() + kTtl);
  });
  EXPECT_EQ(late.error().code, ErrorCode::cart_expired);
  EXPECT_EQ(count("orders"), 0);
}

TEST_P(PlaceOrderTest, ConvertingACartMovesItsHoldsToTheOrder) {
  receive("OIL", 4, "WH1");
  receive("OIL", 4, "WH2");
  receive("WINE", 3, "WH2");
  // 6 OIL: split 4 + 2; then change the lines: re-held atomically.
  auto cart = db_->write([&](storage::Tx& tx) {
    return create_cart(tx, services_, {"storefront", {{"OIL", 6}}, kTtl}, 100);
  }).value();
  ASSERT_EQ(cart.holds.size(), 2u);
  auto refused = db_->write([&](storage::Tx& tx) {
    return update_cart(tx, services_, cart.cart.id, {{"OIL", 2}, {"WINE", 4}}, std::nullopt, 200);
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::insufficient_stock);
  EXPECT_EQ(stock("OIL").reserved, 6);  // as before
  EXPECT_EQ(stock("WINE").reserved, 0);
  auto updated = db_->write([&](storage::Tx& tx) {
    return update_cart(tx, services_, cart.cart.id, {{"OIL", 2}, {"WINE", 3}}, std::nullopt, 200);
  });
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->cart.expires_at, 200 + kTtl);
  EXPECT_EQ(stock("OIL").reserved, 2);
  EXPECT_EQ(stock("WINE").reserved, 3);
  ASSERT_EQ(updated->holds.size(), 2u);
  for (const auto& h : updated->holds) EXPECT_EQ(h.location, "WH2");  // one location for all

  auto in = input({});
  in.order.channel = "";
  in.cart_id = cart.cart.id;
  auto placed = db_->write([&](storage::Tx& tx) { return place_order(tx, services_, in, 300); });
  ASSERT_TRUE(placed) << placed.error().message;
  EXPECT_EQ(placed->order.channel, "storefront");
  ASSERT_EQ(placed->order.lines.size(), 2u);
  EXPECT_EQ(placed->order.lines[1].sku, "WINE");
  EXPECT_EQ(placed->order.lines[1].unit_price_minor, 1500);
  ASSERT_EQ(placed->reservations.size(), 2u);
  for (const auto& r : placed->reservations) {
    EXPECT_EQ(r.location, "WH2");
    EXPECT_EQ(r.status, inventory::ReservationStatus::active);
    EXPECT_FALSE(r.expires_at);  // an order's holds do not expire
  }
  EXPECT_EQ(stock("OIL").reserved, 2);
  EXPECT_EQ(stock("WINE").reserved, 3);
  auto after = db_->read([&](storage::Tx& tx) { return cart_with_holds(tx, services_, cart.cart.id, 300); }).value();
  EXPECT_EQ(after.cart.status, orders::CartStatus::converted);
  EXPECT_EQ(after.cart.order_id, placed->order.id);
  for (const auto& h : after.holds) EXPECT_EQ(h.status, inventory::ReservationStatus::released);
  // Twice: refused, nothing more written.
  auto again = db_->write([&](storage::Tx& tx) { return place_order(tx, services_, in, 400); });
  EXPECT_EQ(again.error().code, ErrorCode::cart_converted);
  auto del = db_->write([&](storage::Tx& tx) { return release_cart(tx, services_, cart.cart.id, 400); });
  EXPECT_EQ(del.error().code, ErrorCode::cart_converted);
  EXPECT_EQ(count("orders"), 1);
  // Another channel than the cart's, lines or locations with a cart: 400s.
  auto other = db_->write([&](storage::Tx& tx) {
    return create_cart(tx, services_, {"storefront", {{"OIL", 1}}, kTtl}, 500);
  }).value();
  in.cart_id = other.cart.id;
  in.order.channel = "pos";
  EXPECT_EQ(db_->write([&](storage::Tx& tx) { return place_order(tx, services_, in, 600); }).error().field,
            "channel");
  in.order.channel = "";
  in.locations = {"WH1"};
  EXPECT_EQ(db_->write([&](storage::Tx& tx) { return place_order(tx, services_, in, 600); }).error().field,
            "locations");
  in.locations.clear();
  in.cart_id = 999;
  EXPECT_EQ(db_->write([&](storage::Tx& tx) { return place_order(tx, services_, in, 600); }).error().field,
            "cart_id");
  // Deleting releases.
  auto released = db_->write([&](storage::Tx& tx) { return release_cart(tx, services_, other.cart.id, 600); });
  ASSERT_TRUE(released);
  EXPECT_EQ(released->cart.status, orders::CartStatus::released);
  EXPECT_EQ(released->holds[0].status, inventory::ReservationStatus::released);
  EXPECT_EQ(stock("OIL").reserved, 2);
}

// ---- edits ----

TEST_P(PlaceOrderTest, EditReReservesAtomically) {
  receive("OIL", 5, "WH1");
  receive("WINE", 2, "WH1");
  auto placed = place(input({{"OIL", 2}, {"WINE", 1}}));
  ASSERT_TRUE(placed);
  const auto id = placed->order.id;
  auto edit = [&](orders::OrderEdit e) {
    return db_->write([&](storage::Tx& tx) { return edit_order(tx, services_, id, {e, {}}, 200); });
  };
  using L = std::vector<orders::EditLine>;
  const auto none = std::nullopt;
  // Too much WINE: refused, order and holds exactly as before.
  const auto events_before = count("events");
  orders::OrderEdit e;
  e.lines = L{{1, none, 4, none, none, none}, {2, none, 3, none, none, none}};
  auto refused = edit(e);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::insufficient_stock);
  auto details = json::parse(refused.error().details_json).value();
  ASSERT_EQ(details->root().Size(), 1u);
  EXPECT_EQ(details->root()[0]["sku"].GetString(), std::string("WINE"));
  EXPECT_EQ(count("events"), events_before);
  auto same = db_->read([&](storage::Tx& tx) { return order_with_reservations(tx, services_, id); }).value();
  EXPECT_EQ(same.order.lines[0].qty, 2);
  EXPECT_EQ(same.order.totals.total_minor, placed->order.totals.total_minor);
  ASSERT_EQ(same.reservations.size(), 2u);
  for (const auto& r : same.reservations) EXPECT_EQ(r.status, inventory::ReservationStatus::active);
  EXPECT_EQ(stock("OIL").reserved, 2);
  EXPECT_EQ(stock("WINE").reserved, 1);
  // OIL to 5, WINE removed, a new line priced from the catalog.
  receive("OIL", 1, "WH2");
  e.lines = L{{1, none, 5, none, none, none}, {none, "OIL", 1, none, none, none}};
  auto edited = edit(e);
  ASSERT_TRUE(edited) << edited.error().message;
  ASSERT_EQ(edited->order.lines.size(), 2u);
  EXPECT_EQ(edited->order.lines[1].line_no, 3);
  EXPECT_EQ(edited->order.lines[1].unit_price_minor, 1000);
  EXPECT_EQ(edited->order.totals.total_minor, 6 * 1000);
  EXPECT_EQ(stock("OIL").reserved, 6);
  EXPECT_EQ(stock("WINE").reserved, 0);
  std::int64_t active = 0;
  for (const auto& r : edited->reservations)
    if (r.status == inventory::ReservationStatus::active) active += r.qty;
  EXPECT_EQ(active, 6);
  e.lines = L{{1, none, 1, none, none, none}, {none, "NOPE", 1, none, none, none}};
  EXPECT_EQ(edit(e).error().field, "lines[1].sku");
  // After fulfilment starts: no edits.
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) { return orders_.transition(tx, id, orders::Status::paid, "", 300); }));
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) { return orders_.transition(tx, id, orders::Status::fulfilling, "", 300); }));
  e.lines = L{{1, none, 1, none, none, none}};
  auto late = edit(e);
  EXPECT_EQ(late.error().code, ErrorCode::invalid_transition);
  EXPECT_EQ(stock("OIL").reserved, 6);
}

INSTANTIATE_TEST_SUITE_P(Engines, PlaceOrderTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::workflows
