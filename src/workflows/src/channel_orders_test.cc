#include "fondaco/workflows/channel_orders.h"

#include <gtest/gtest.h>

#include "fondaco/channels/channels.h"
#include "fondaco/channels/listings.h"
#include "fondaco/testing/ledger_check.h"
#include "fondaco/testing/testing.h"

namespace fondaco::workflows {
namespace {

using channels::ExternalOrder;
using inventory::LocationKind;
using orders::Status;

class ChannelOrdersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
    auto made = db_->write([&](storage::Tx& tx) -> Result<void> {
      FONDACO_TRY(inventory_.create_location(
          tx, {"WH1", "WH1", LocationKind::warehouse, std::nullopt, 0}, 1));
      FONDACO_TRY(catalog_.create(
          tx, testing::ProductBuilder("Olio").variant("OIL", 1000).variant("WINE", 1500).build(),
          1));
      FONDACO_TRY(inventory_.move(tx, {"OIL", 3, "SUPPLIER", "WH1", "receipt", ""}, 1));
      FONDACO_TRY(inventory_.move(tx, {"WINE", 10, "SUPPLIER", "WH1", "receipt", ""}, 1));
      return ok();
    });
    ASSERT_TRUE(made) << made.error().message;
  }
  static ExternalOrder order(std::string id, std::int64_t updated, std::string sku,
                             std::int64_t qty) {
    ExternalOrder o;
    o.external_id = std::move(id);
    o.number = "#" + o.external_id;
    o.updated_at_ms = o.created_at_ms = updated;
    o.financial_status = channels::FinancialStatus::paid;
    o.email = "buyer@example.com";
    o.customer_name = "Buyer";
    o.currency = "EUR";
    o.prices_include_tax = true;
    channels::ExternalLine l;
    l.line_id = "L1";
    l.sku = std::move(sku);
    l.qty = qty;
    l.unit_price_minor = 1200;
    o.lines.push_back(l);
    o.total_minor = qty * 1200;
    return o;
  }
  Result<IngestResult> ingest(const ExternalOrder& o, std::string channel = "shopify") {
    return db_->write([&](storage::Tx& tx) {
      return ingest_channel_order(tx, services_, channel, o, clock_.now_ms());
    });
  }
  orders::Order get(std::int64_t id) {
    return db_->read([&](storage::Tx& tx) { return orders_.get(tx, id); }).value();
  }
  std::int64_t reserved(const std::string& sku) {
    return db_->read([&](storage::Tx& tx) { return inventory_.stock(tx, sku); })->reserved;
  }
  std::int64_t count_orders() {
    return db_
        ->read([](storage::Tx& tx) -> Result<std::int64_t> {
          return FONDACO_TRY(tx.query("SELECT COUNT(*) FROM orders")).i64(0, 0);
        })
        .value();
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  testing::FakeClock clock_;
  events::EventLog log_;
  catalog::Catalog catalog_{log_};
  inventory::Inventory inventory_{log_};
  orders::Orders orders_{log_};
  OrderServices services_{catalog_, inventory_, orders_};
};

TEST_P(ChannelOrdersTest, PaidOrderIsCreatedOnceReservedAndPaid) {
  auto first = ingest(order("1001", 1000, "OIL", 2));
  ASSERT_TRUE(first) << first.error().message << " " << first.error().field;
  EXPECT_EQ(first->outcome, IngestOutcome::created);
  EXPECT_EQ(first->status, Status::paid);
  EXPECT_EQ(first->number, "SHP-000001");
  const auto o = get(first->order_id);
  EXPECT_EQ(o.payment_method, orders::PaymentMethod::marketplace);
  EXPECT_EQ(o.lines[0].unit_price_minor, 1200);  // the channel's price, not the catalog's
  EXPECT_EQ(o.channel_total_minor, 2400);
  EXPECT_EQ(o.external_updated_at, 1000);
  EXPECT_EQ(reserved("OIL"), 2);
  auto again = ingest(order("1001", 1000, "OIL", 2));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, IngestOutcome::unchanged);
  EXPECT_EQ(again->order_id, first->order_id);
  EXPECT_EQ(count_orders(), 1);
  EXPECT_EQ(reserved("OIL"), 2);
}

TEST_P(ChannelOrdersTest, StaleUpdateIsIgnoredAndNewerCancelReleases) {
  auto newer = order("2002", 5000, "OIL", 1);
  newer.financial_status = channels::FinancialStatus::pending;
  auto created = ingest(newer);  // the update arrived first
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, Status::pending_payment);
  auto late_create = order("2002", 4000, "OIL", 1);  // paid, but older
  ASSERT_EQ(ingest(late_create)->outcome, IngestOutcome::unchanged);
  EXPECT_EQ(get(created->order_id).status, Status::pending_payment);
  auto paid = order("2002", 6000, "OIL", 1);
  ASSERT_EQ(ingest(paid)->status, Status::paid);
  auto cancelled = order("2002", 7000, "OIL", 1);
  cancelled.cancelled = true;
  auto r = ingest(cancelled);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, IngestOutcome::updated);
  EXPECT_EQ(r->status, Status::cancelled);
  EXPECT_EQ(reserved("OIL"), 0);
}

TEST_P(ChannelOrdersTest, UnknownSkuIsHeldWithReasonNeverDropped) {
  auto o = order("3003", 1000, "NOPE-1", 1);
  channels::ExternalLine known;
  known.line_id = "L2";
  known.sku = "WINE";
  known.qty = 2;
  known.unit_price_minor = 1500;
  o.lines.push_back(known);
  auto r = ingest(o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, Status::on_hold);
  ASSERT_TRUE(r->hold_reason);
  EXPECT_NE(r->hold_reason->find("NOPE-1"), std::string::npos);
  const auto stored = get(r->order_id);
  ASSERT_EQ(stored.lines.size(), 2u);
  EXPECT_EQ(stored.lines[0].sku, "NOPE-1");
  EXPECT_EQ(stored.payment_status, orders::PaymentStatus::paid);
  EXPECT_EQ(reserved("WINE"), 2);  // the known line holds its stock
}

TEST_P(ChannelOrdersTest, ShortStockIsHeldWithNothingReserved) {
  ASSERT_TRUE(ingest(order("4001", 1000, "OIL", 3)));
  auto r = ingest(order("4002", 1000, "OIL", 1));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, Status::on_hold);
  ASSERT_TRUE(r->hold_reason);
  EXPECT_NE(r->hold_reason->find("insufficient stock"), std::string::npos);
  EXPECT_EQ(reserved("OIL"), 3);
  EXPECT_TRUE(testing::ledger_violations(*db_)->empty());
}

TEST_P(ChannelOrdersTest, ListingMapsTheChannelSku) {
  auto listed = db_->write([&](storage::Tx& tx) -> Result<void> {
    const auto ch = FONDACO_TRY(channels::Channels::get(tx, "shopify"));
    channels::ListingInput in;
    in.sku = "WINE";
    in.external_sku = "SHOP-WINE";
    FONDACO_TRY(channels::Listings::upsert(tx, ch.id, in, 1));
    return ok();
  });
  ASSERT_TRUE(listed) << listed.error().message;
  auto r = ingest(order("5005", 1000, "SHOP-WINE", 1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, Status::paid);
  EXPECT_EQ(get(r->order_id).lines[0].sku, "WINE");
}

TEST_P(ChannelOrdersTest, SettlementFeesLandOnTheOrder) {
  auto created = ingest(order("6006", 1000, "OIL", 1), "amazon");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->number, "AMZ-000001");
  const std::vector<orders::ChannelFee> fees = {{"Commission", 180}, {"FBAFee", 250}};
  auto set = db_->write([&](storage::Tx& tx) {
    return set_channel_order_fees(tx, services_, "amazon", "6006", fees, clock_.now_ms());
  });
  ASSERT_TRUE(set);
  EXPECT_EQ(set->outcome, IngestOutcome::updated);
  EXPECT_EQ(get(created->order_id).fees_minor, 430);
  auto stored =
      db_->read([&](storage::Tx& tx) { return orders_.channel_fees(tx, created->order_id); });
  EXPECT_EQ(*stored, fees);
  auto missing = db_->write([&](storage::Tx& tx) {
    return set_channel_order_fees(tx, services_, "amazon", "nope", fees, clock_.now_ms());
  });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(Engines, ChannelOrdersTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::workflows
