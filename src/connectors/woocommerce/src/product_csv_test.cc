#include "fondaco/woocommerce/product_csv.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include "fondaco/testing/testing.h"

namespace fondaco::woocommerce {
namespace {

using product_file::ParsedProduct;

struct Read {
  std::vector<ParsedProduct> products;
  std::vector<product_file::RowError> skipped;
};

Read read_all(const std::string& data) {
  auto view = std::make_shared<std::string>(data);
  auto offset = std::make_shared<std::size_t>(0);
  ProductCsvReader reader([view, offset](char* buf, std::size_t cap) {
    std::size_t n = std::min<std::size_t>({cap, 5, view->size() - *offset});
    std::memcpy(buf, view->data() + *offset, n);
    *offset += n;
    return n;
  });
  Read out;
  for (int guard = 0; guard < 100000; ++guard) {
    auto r = reader.next();
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    if (!r || !*r) break;
    out.products.push_back(std::move(**r));
  }
  out.skipped = reader.take_skipped();
  return out;
}

const ParsedProduct* find(const Read& r, std::string_view title) {
  for (const auto& p : r.products)
    if (p.product.title == title) return &p;
  return nullptr;
}

TEST(WooProductCsv, ReadsTheSampleWithBomVariationsAndSalePrices) {
  auto r = read_all(testing::shared_format_file("woocommerce/sample_products.csv"));
  // 25 rows: 14 simple (incl. downloadable), 2 variable with 7 variations, 1 grouped,
  // 1 external (the last two are noted, not imported).
  ASSERT_EQ(r.products.size(), 16u);
  ASSERT_EQ(r.skipped.size(), 2u);
  EXPECT_NE(r.skipped[0].reason.find("grouped"), std::string::npos);
  EXPECT_NE(r.skipped[1].reason.find("external"), std::string::npos);
  for (const auto& p : r.products) EXPECT_TRUE(p.errors.empty()) << p.product.title;

  const auto* vneck = find(r, "V-Neck T-Shirt");
  ASSERT_NE(vneck, nullptr);
  EXPECT_EQ(vneck->product.line, 2);  // "ID" header on line 1, despite the BOM
  EXPECT_EQ(vneck->product.category, "Clothing > Tshirts");
  EXPECT_EQ(vneck->product.status, "active");
  EXPECT_EQ(vneck->product.images.size(), 3u);
  ASSERT_EQ(vneck->product.variants.size(), 3u);
  EXPECT_EQ(vneck->product.variants[0].sku, "woo-vneck-tee-red");
  EXPECT_EQ(vneck->product.variants[0].options,
            (std::vector<std::pair<std::string, std::string>>{{"Color", "Red"}}));  // Size: any
  EXPECT_EQ(vneck->product.variants[2].price_minor, 1500);

  const auto* hoodie = find(r, "Hoodie");
  ASSERT_NE(hoodie, nullptr);
  ASSERT_EQ(hoodie->product.variants.size(), 4u);            // the last one is the file's last row
  EXPECT_EQ(hoodie->product.variants[0].price_minor, 4200);  // on sale
  EXPECT_EQ(hoodie->product.variants[0].compare_at_minor, 4500);
  EXPECT_EQ(hoodie->product.variants[3].sku, "woo-hoodie-blue-logo");

  const auto* beanie = find(r, "Beanie");
  ASSERT_NE(beanie, nullptr);
  ASSERT_EQ(beanie->product.variants.size(), 1u);
  EXPECT_EQ(beanie->product.variants[0].sku, "woo-beanie");
  EXPECT_EQ(beanie->product.variants[0].price_minor, 1800);
  EXPECT_EQ(beanie->product.variants[0].compare_at_minor, 2000);
  EXPECT_EQ(beanie->product.variants[0].weight_g, 91);  // 0.2 lbs
  EXPECT_EQ(find(r, "Album")->product.variants[0].price_minor, 1500);
}

TEST(WooProductCsv, BadValuesAndLostVariationsAreReportedWithLineAndColumn) {
  std::string data =
      "\xEF\xBB\xBFID,Type,SKU,Name,Published,Regular price,Sale price,Parent,Weight (kg),"
      "Attribute 1 name,Attribute 1 value(s)\n"
      "1,simple,A,Good,1,10,,,1.2345,,\n"
      "2,simple,B,Bad price,1,ten,,,,,\n"
      "3,variation,C-1,Lost,1,5,,nope,,Size,S\n"
      "4,variable,V,Var,1,,,,,Size,\"S, M\"\n"
      "5,variation,V-S,Var - S,1,7,,id:4,,Size,S\n";
  auto r = read_all(data);
  ASSERT_EQ(r.products.size(), 4u);
  EXPECT_TRUE(r.products[0].errors.empty());
  EXPECT_EQ(r.products[0].product.variants[0].weight_g, 1235);
  ASSERT_EQ(r.products[1].errors.size(), 1u);
  EXPECT_EQ(r.products[1].errors[0].line, 3);
  EXPECT_EQ(r.products[1].errors[0].column, "Regular price");
  EXPECT_EQ(r.products[2].product.title, "Var");
  ASSERT_EQ(r.products[2].product.variants.size(), 1u);
  EXPECT_EQ(r.products[2].product.variants[0].price_minor, 700);
  ASSERT_EQ(r.products[3].errors.size(), 1u);
  EXPECT_EQ(r.products[3].errors[0].line, 4);
  EXPECT_EQ(r.products[3].errors[0].column, "Parent");
}

TEST(WooProductCsv, ExportHasTheBomAndReadsBackTheSameProducts) {
  auto in = read_all(testing::shared_format_file("woocommerce/sample_products.csv"));
  std::string out = product_csv_header();
  EXPECT_EQ(out.rfind("\xEF\xBB\xBFID,Type,SKU,Name,", 0), 0u);
  for (const auto& p : in.products) append_product_csv(out, p.product);
  auto back = read_all(out);
  ASSERT_EQ(back.products.size(), in.products.size());
  for (const auto& p : in.products) {
    const auto* q = find(back, p.product.title);
    ASSERT_NE(q, nullptr) << p.product.title;
    EXPECT_TRUE(q->errors.empty());
    ASSERT_EQ(q->product.variants.size(), p.product.variants.size());
    for (std::size_t i = 0; i < p.product.variants.size(); ++i) {
      EXPECT_EQ(q->product.variants[i].sku, p.product.variants[i].sku);
      EXPECT_EQ(q->product.variants[i].options, p.product.variants[i].options);
      EXPECT_EQ(q->product.variants[i].price_minor, p.product.variants[i].price_minor);
      EXPECT_EQ(q->product.variants[i].compare_at_minor, p.product.variants[i].compare_at_minor);
      EXPECT_EQ(q->product.variants[i].weight_g, p.product.variants[i].weight_g);
    }
    EXPECT_EQ(q->product.images, p.product.images);
    EXPECT_EQ(q->product.category, p.product.category);
  }
}

}  // namespace
}  // namespace fondaco::woocommerce
