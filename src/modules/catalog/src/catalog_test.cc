#include "fondaco/catalog/catalog.h"

#include <gtest/gtest.h>

#include "fondaco/testing/testing.h"

namespace fondaco::catalog {
namespace {

using testing::ProductBuilder;

class CatalogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  Result<Product> create(const ProductInput& in) {
    return db_->write([&](storage::Tx& tx) { return catalog_.create(tx, in, 1000); });
  }
  std::int64_t event_count() {
    return db_->read([](storage::Tx& tx) { return events::EventLog::last_seq(tx); }).value();
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Catalog catalog_{log_};
};

TEST_P(CatalogTest, CreatesProductWithVariantsPricesAndEvent) {
  auto p = create(ProductBuilder("Felpa Blu").variant("FB-S", 4990).gtin("4006381333931")
                      .variant("FB-M", 4990).category("Felpe").build());
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->handle, "felpa-blu");
  ASSERT_EQ(p->variants.size(), 2u);
  EXPECT_EQ(p->variants[0].gtin, "4006381333931");
  EXPECT_EQ(p->variants[0].vat_rate_bp, 2200);
  ASSERT_EQ(p->variants[1].prices.size(), 1u);
  EXPECT_EQ(p->variants[1].prices[0].amount_minor, 4990);
  EXPECT_EQ(p->variants[1].prices[0].currency, "EUR");
  EXPECT_EQ(event_count(), 1);
  auto again = create(ProductBuilder("Felpa Blu").variant("FB-L").build());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->handle, "felpa-blu-2");
}

TEST_P(CatalogTest, RejectsBadInputNamingTheFieldAndWritesNothing) {
  struct Case {
    ProductInput in;
    ErrorCode code;
    std::string field;
  };
  ASSERT_TRUE(create(ProductBuilder().variant("TAKEN").build()).has_value());
  const std::int64_t events_before = event_count();
  std::vector<Case> cases = {
      {ProductBuilder().variant("OK-1").variant("BAD SKU").build(), ErrorCode::invalid_argument,
       "variants[1].sku"},
      {ProductBuilder().variant("OK-1").gtin("4006381333932").build(), ErrorCode::invalid_argument,
       "variants[0].gtin"},
      {ProductBuilder().variant("OK-1").variant("OK-1").build(), ErrorCode::invalid_argument,
       "variants[1].sku"},
      {ProductBuilder().variant("OK-1").variant("TAKEN").build(), ErrorCode::conflict,
       "variants[1].sku"},
      {ProductBuilder().variant("OK-1").vat(0).build(), ErrorCode::invalid_argument,
       "variants[0].natura"},
      {ProductBuilder().variant("OK-1").vat(0, "N2").build(), ErrorCode::invalid_argument,
       "variants[0].natura"},
      {ProductBuilder().variant("OK-1").vat(2200, "N2.1").build(), ErrorCode::invalid_argument,
       "variants[0].natura"},
      {ProductBuilder().variant("OK-1", -1).build(), ErrorCode::invalid_argument,
       "variants[0].prices[0].amount_minor"},
      {ProductBuilder("").variant("OK-1").build(), ErrorCode::invalid_argument, "title"},
  };
  for (const auto& c : cases) {
    auto r = create(c.in);
    ASSERT_FALSE(r.has_value()) << c.field;
    EXPECT_EQ(r.error().code, c.code) << c.field << ": " << r.error().message;
    EXPECT_EQ(r.error().field, c.field) << r.error().message;
  }
  auto ok = db_->read([&](storage::Tx& tx) { return catalog_.sku_exists(tx, "OK-1"); });
  EXPECT_FALSE(ok.value());
  EXPECT_EQ(event_count(), events_before);
}

TEST_P(CatalogTest, ZeroRateNeedsNatura) {
  auto p = create(ProductBuilder("Libro").variant("BOOK-1").vat(0, "N2.1").build());
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->variants[0].natura, "N2.1");
}

TEST_P(CatalogTest, UpdatesFieldsUpsertsVariantsAndArchives) {
  auto p = create(ProductBuilder("Tazza").variant("MUG-1", 1200).build()).value();
  ProductPatch patch;
  patch.title = "Tazza grande";
  patch.status = ProductStatus::active;
  VariantInput changed;
  changed.sku = "MUG-1";
  changed.prices = std::vector<PriceInput>{{"default", 1500, 1}, {"default", 1300, 10}};
  VariantInput added;
  added.sku = "MUG-2";
  patch.variants = {changed, added};
  auto u = db_->write([&](storage::Tx& tx) { return catalog_.update(tx, p.id, patch, 2000); });
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->title, "Tazza grande");
  ASSERT_EQ(u->variants.size(), 2u);
  ASSERT_EQ(u->variants[0].prices.size(), 2u);
  EXPECT_EQ(u->variants[0].prices[1].min_qty, 10);
  auto a = db_->write([&](storage::Tx& tx) { return catalog_.archive(tx, p.id, 3000); });
  EXPECT_EQ(a->status, ProductStatus::archived);
  auto missing = db_->write([&](storage::Tx& tx) { return catalog_.archive(tx, 999, 3000); });
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_P(CatalogTest, ListsWithFiltersSearchAndCursor) {
  for (int i = 0; i < 7; ++i)
    ASSERT_TRUE(create(ProductBuilder("Item " + std::to_string(i))
                           .variant("IT-" + std::to_string(i))
                           .category(i % 2 ? "odd" : "even")
                           .build())
                    .has_value());
  ProductFilter f;
  f.limit = 3;
  auto page1 = db_->read([&](storage::Tx& tx) { return catalog_.list(tx, f); }).value();
  ASSERT_EQ(page1.items.size(), 3u);
  ASSERT_TRUE(page1.next_after.has_value());
  f.after_id = *page1.next_after;
  f.limit = 10;
  auto page2 = db_->read([&](storage::Tx& tx) { return catalog_.list(tx, f); }).value();
  EXPECT_EQ(page2.items.size(), 4u);
  EXPECT_FALSE(page2.next_after.has_value());
  ProductFilter by_cat;
  by_cat.category = "odd";
  EXPECT_EQ(db_->read([&](storage::Tx& tx) { return catalog_.list(tx, by_cat); })->items.size(), 3u);
  ProductFilter by_sku;
  by_sku.q = "it-5";
  auto found = db_->read([&](storage::Tx& tx) { return catalog_.list(tx, by_sku); }).value();
  ASSERT_EQ(found.items.size(), 1u);
  EXPECT_EQ(found.items[0].title, "Item 5");
  ProductFilter wildcard;
  wildcard.q = "%";
  EXPECT_TRUE(db_->read([&](storage::Tx& tx) { return catalog_.list(tx, wildcard); })->items.empty());
}

TEST_P(CatalogTest, PriceListsHaveACurrency) {
  auto l = db_->write([&](storage::Tx& tx) {
    return catalog_.create_price_list(tx, {"b2b", "Rivenditori", "EUR", "retailers"}, 1);
  });
  ASSERT_TRUE(l.has_value());
  auto bad = db_->write([&](storage::Tx& tx) {
    return catalog_.create_price_list(tx, {"x", "X", "ABC", std::nullopt}, 1);
  });
  EXPECT_EQ(bad.error().field, "currency");
  auto dup = db_->write([&](storage::Tx& tx) {
    return catalog_.create_price_list(tx, {"b2b", "Again", "EUR", std::nullopt}, 1);
  });
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
  auto in = ProductBuilder().variant("P-1").build();
  in.variants[0].prices->push_back({"b2b", 800, 1});
  in.variants[0].prices->push_back({"nope", 800, 1});
  auto r = create(in);
  EXPECT_EQ(r.error().field, "variants[0].prices[2].price_list");
}

INSTANTIATE_TEST_SUITE_P(Engines, CatalogTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::catalog
