#include "fondaco/workflows/product_import.h"

#include <gtest/gtest.h>

#include "fondaco/testing/testing.h"

namespace fondaco::workflows {
namespace {

using product_file::ParsedProduct;
using product_file::ProductRecord;
using product_file::VariantRecord;

// A source over records already in memory; the formats' own readers are tested with
// their connectors, the sample files end to end in tests/api/api_imports_test.cc.
class VectorSource final : public product_file::ProductSource {
 public:
  explicit VectorSource(std::vector<ParsedProduct> items) : items_(std::move(items)) {}
  Result<std::optional<ParsedProduct>> next() override {
    if (next_ == items_.size()) return std::optional<ParsedProduct>{};
    rows_ += static_cast<std::int64_t>(items_[next_].product.variants.size());
    return std::optional<ParsedProduct>(items_[next_++]);
  }
  std::string column(std::string_view field) const override { return "col:" + std::string(field); }
  std::int64_t bytes_read() const override { return 0; }
  std::int64_t rows_read() const override { return rows_; }

 private:
  std::vector<ParsedProduct> items_;
  std::size_t next_ = 0;
  std::int64_t rows_ = 0;
};

VariantRecord variant(std::int64_t line, std::string sku, std::int64_t price,
                      std::string size = "") {
  VariantRecord v;
  v.line = line;
  v.sku = std::move(sku);
  v.price_minor = price;
  if (!size.empty()) v.options = {{"Size", size}};
  return v;
}

ParsedProduct product(std::int64_t line, std::string handle, std::vector<VariantRecord> vs) {
  ParsedProduct p;
  p.product.line = line;
  p.product.handle = handle;
  p.product.title = "Product " + handle;
  p.product.status = "active";
  p.product.vendor = "Acme";
  p.product.variants = std::move(vs);
  return p;
}

class ProductImportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  ImportReport run(std::vector<ParsedProduct> items, ImportOptions o = {}) {
    VectorSource src(std::move(items));
    o.now_ms = 1000;
    auto r = import_products(*db_, catalog_, src, o);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r.value_or(ImportReport{});
  }
  std::vector<ParsedProduct> good_file() {
    return {product(2, "tee", {variant(2, "TEE-S", 1990, "S"), variant(3, "TEE-M", 2190, "M")}),
            product(4, "mug", {variant(4, "MUG", 800)})};
  }
  std::int64_t count(const std::string& table) {
    return db_
        ->read([&](storage::Tx& tx) -> Result<std::int64_t> {
          return FONDACO_TRY(tx.query("SELECT COUNT(*) FROM " + table)).i64(0, 0);
        })
        .value();
  }
  catalog::Variant sku(const std::string& s) {
    return db_->read([&](storage::Tx& tx) { return catalog_.variant(tx, s); }).value();
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  catalog::Catalog catalog_{log_};
};

TEST_P(ProductImportTest, CreatesProductsWithVariantsAndPricesThenReimportIsUnchanged) {
  auto r = run(good_file());
  EXPECT_EQ(r.products_created, 2);
  EXPECT_EQ(r.variants_created, 3);
  EXPECT_EQ(r.products_refused, 0);
  EXPECT_EQ(r.rows_read, 3);
  auto m = sku("TEE-M");
  ASSERT_EQ(m.prices.size(), 1u);
  EXPECT_EQ(m.prices[0].amount_minor, 2190);
  EXPECT_EQ(m.prices[0].price_list, "default");
  EXPECT_EQ(m.options[0].second, "M");

  auto again = run(good_file());
  EXPECT_EQ(again.products_unchanged, 2);
  EXPECT_EQ(again.variants_unchanged, 3);
  EXPECT_EQ(again.products_created + again.products_updated, 0);
  EXPECT_EQ(count("products"), 2);

  auto changed = good_file();
  changed[0].product.variants[1].price_minor = 2290;
  changed[0].product.variants.push_back(variant(4, "TEE-L", 2390, "L"));
  auto third = run(changed);
  EXPECT_EQ(third.products_updated, 1);
  EXPECT_EQ(third.products_unchanged, 1);
  EXPECT_EQ(third.variants_updated, 1);
  EXPECT_EQ(third.variants_created, 1);
  EXPECT_EQ(sku("TEE-M").prices[0].amount_minor, 2290);
  EXPECT_EQ(sku("TEE-L").product_id, sku("TEE-S").product_id);
}

TEST_P(ProductImportTest, ABrokenProductIsRefusedWholeWithLineAndColumnAndOthersApply) {
  auto items = good_file();
  // Refused by the reader: nothing of it reaches the database.
  auto bad_row = product(5, "cap", {variant(5, "CAP", 500)});
  bad_row.errors.push_back({6, "Variant Price", "is not an amount"});
  items.push_back(bad_row);
  // Refused by the catalog on its second variant: its first variant must not stay.
  items.push_back(product(7, "hat", {variant(7, "HAT-1", 900), variant(8, "bad sku!", 900)}));
  auto r = run(items);
  EXPECT_EQ(r.products_created, 2);
  EXPECT_EQ(r.products_refused, 2);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].line, 6);
  EXPECT_EQ(r.errors[0].column, "Variant Price");
  EXPECT_EQ(r.errors[1].line, 8);
  EXPECT_EQ(r.errors[1].column, "col:sku");
  EXPECT_EQ(count("products"), 2);
  auto hat = db_->read([&](storage::Tx& tx) { return catalog_.sku_exists(tx, "HAT-1"); });
  ASSERT_TRUE(hat.has_value());
  EXPECT_FALSE(*hat);
  auto json = report_json(r);
  EXPECT_NE(json.find(R"("refused":2)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"({"line":8,"column":"col:sku")"), std::string::npos) << json;
}

TEST_P(ProductImportTest, ManyBatchesAndCompareAtPricesExportAsTheyWereImported) {
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
    return catalog_.create_price_list(tx, {"compare-at", "Compare at", "EUR", std::nullopt}, 1);
  }));
  std::vector<ParsedProduct> items;
  for (int i = 0; i < 450; ++i) {  // three transactions
    auto p = product(i + 2, "p" + std::to_string(i),
                     {variant(i + 2, "SKU-" + std::to_string(i), 100 + i)});
    p.product.variants[0].compare_at_minor = 1000 + i;
    items.push_back(p);
  }
  ImportOptions o;
  o.compare_at_price_list = "compare-at";
  int progress_calls = 0;
  o.progress = [&](std::int64_t, std::int64_t) { ++progress_calls; };
  auto r = run(items, o);
  EXPECT_EQ(r.products_created, 450);
  EXPECT_EQ(progress_calls, 3);
  std::vector<ProductRecord> out;
  auto e =
      for_each_product_record(*db_, catalog_, o, [&](const ProductRecord& rec) -> Result<void> {
        out.push_back(rec);
        return ok();
      });
  ASSERT_TRUE(e.has_value());
  ASSERT_EQ(out.size(), 450u);
  EXPECT_EQ(out[449].handle, "p449");
  EXPECT_EQ(out[449].variants[0].price_minor, 549);
  EXPECT_EQ(out[449].variants[0].compare_at_minor, 1449);
  EXPECT_EQ(out[449].vendor, "Acme");
  // Export -> import: everything unchanged.
  std::vector<ParsedProduct> back;
  for (auto& rec : out) back.push_back(ParsedProduct{rec, {}});
  auto again = run(back, o);
  EXPECT_EQ(again.products_unchanged, 450);
}

INSTANTIATE_TEST_SUITE_P(Engines, ProductImportTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::workflows
