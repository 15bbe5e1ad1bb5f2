#include "fondaco/shopify/product_csv.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include "fondaco/testing/testing.h"

namespace fondaco::shopify {
namespace {

using product_file::ParsedProduct;

std::vector<ParsedProduct> read_all(const std::string& data) {
  auto view = std::make_shared<std::string>(data);
  auto offset = std::make_shared<std::size_t>(0);
  ProductCsvReader reader([view, offset](char* buf, std::size_t cap) {
    std::size_t n = std::min<std::size_t>({cap, 7, view->size() - *offset});  // odd chunks
    std::memcpy(buf, view->data() + *offset, n);
    *offset += n;
    return n;
  });
  std::vector<ParsedProduct> out;
  for (int guard = 0; guard < 100000; ++guard) {
    auto r = reader.next();
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    if (!r || !*r) break;
    out.push_back(std::move(**r));
  }
  return out;
}

TEST(ShopifyProductCsv, ReadsThe2024TemplateWithVariantsImagesAndMoney) {
  auto products = read_all(testing::shared_format_file("shopify/product_template.csv"));
  ASSERT_EQ(products.size(), 3u);
  for (const auto& p : products) EXPECT_TRUE(p.errors.empty()) << p.errors[0].reason;
  const auto& shirt = products[0].product;
  EXPECT_EQ(shirt.handle, "example-shirt");
  EXPECT_EQ(shirt.title, "Example T-Shirt");
  EXPECT_EQ(shirt.vendor, "Acme");
  EXPECT_EQ(shirt.category, "Shirts");
  EXPECT_EQ(shirt.status, "active");
  EXPECT_EQ(shirt.seo_title, "Example T-Shirt | Test Store");
  ASSERT_EQ(shirt.variants.size(), 12u);
  const auto& v0 = shirt.variants[0];
  EXPECT_EQ(v0.sku, "SRT_COT_111");
  EXPECT_EQ(v0.line, 2);
  EXPECT_EQ(v0.options,
            (std::vector<std::pair<std::string, std::string>>{{"Color", "Green"}, {"Size", "S"}}));
  EXPECT_EQ(v0.price_minor, 2500);
  EXPECT_EQ(v0.weight_g, 145);
  EXPECT_EQ(v0.barcode, "365275101829");
  EXPECT_EQ(shirt.variants[11].sku, "SRT_COT_433");
  EXPECT_EQ(shirt.variants[11].options[0].second, "Purple");

  const auto& pants = products[1].product;
  EXPECT_EQ(pants.status, "draft");
  ASSERT_EQ(pants.variants.size(), 3u);
  EXPECT_EQ(pants.images.size(), 4u);  // three variant rows and one image-only row
  EXPECT_EQ(pants.variants[0].compare_at_minor, 6495);
  EXPECT_EQ(pants.variants[0].weight_g, 227);  // 226.796185 g
  EXPECT_EQ(pants.variants[1].inventory_qty, 15);

  const auto& hat = products[2].product;
  EXPECT_EQ(hat.status, "archived");
  ASSERT_EQ(hat.variants.size(), 1u);
  EXPECT_TRUE(hat.variants[0].options.empty());  // Title / Default Title
  EXPECT_EQ(hat.variants[0].price_minor, 1799);
  EXPECT_EQ(hat.variants[0].compare_at_minor, 2299);
}

TEST(ShopifyProductCsv, ReadsTheOlderHeadersAndDerivesMissingSkus) {
  auto products = read_all(testing::shared_format_file("shopify/apparel.csv"));
  ASSERT_EQ(products.size(), 20u);
  const auto& varsity = products[1].product;
  EXPECT_EQ(varsity.handle, "classic-varsity-top");
  ASSERT_EQ(varsity.variants.size(), 3u);
  EXPECT_EQ(varsity.variants[0].sku, "classic-varsity-top-small");
  EXPECT_EQ(varsity.variants[2].sku, "classic-varsity-top-large");
  EXPECT_EQ(varsity.variants[2].price_minor, 6000);
  EXPECT_EQ(products[0].product.variants[0].sku, "ocean-blue-shirt");
  EXPECT_EQ(products[0].product.status, "active");
}

TEST(ShopifyProductCsv, BadCellsAreReportedWithLineAndColumnAndTheProductIsMarked) {
  std::string data =
      "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Grams\n"
      "good,Good,Size,S,G-S,10.5,\n"
      "bad,Bad,Size,S,B-S,12.345,\n"
      "bad,,,M,B-M,,abc\n"
      "nameless,,,,N-1,1,\n";
  auto products = read_all(data);
  ASSERT_EQ(products.size(), 3u);
  EXPECT_TRUE(products[0].errors.empty());
  EXPECT_EQ(products[0].product.variants[0].price_minor, 1050);
  const auto& e = products[1].errors;
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].line, 3);
  EXPECT_EQ(e[0].column, "Variant Price");
  EXPECT_NE(e[0].reason.find("two decimals"), std::string::npos);
  EXPECT_EQ(e[1].line, 4);
  EXPECT_EQ(e[1].column, "Variant Price");
  EXPECT_EQ(e[1].reason, "is required");
  EXPECT_EQ(e[2].column, "Variant Grams");
  ASSERT_EQ(products[2].errors.size(), 1u);
  EXPECT_EQ(products[2].errors[0].column, "Title");
}

csv::Reader::Source source_of(std::string data) {
  auto copy = std::make_shared<std::string>(std::move(data));
  auto offset = std::make_shared<std::size_t>(0);
  return [copy, offset](char* buf, std::size_t cap) {
    std::size_t n = std::min(cap, copy->size() - *offset);
    std::memcpy(buf, copy->data() + *offset, n);
    *offset += n;
    return n;
  };
}

TEST(ShopifyProductCsv, MissingHandleColumnOrBrokenCsvIsAHardError) {
  ProductCsvReader no_handle(source_of("Title,Price\nx,1\n"));
  auto r = no_handle.next();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "line 1");
  ProductCsvReader broken(source_of("Handle,Title,Variant Price\na,A,1\nb,\"B,2\n"));
  auto first = broken.next();
  ASSERT_TRUE(first.has_value());
  auto second = broken.next();
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().field, "line 3");
}

TEST(ShopifyProductCsv, ExportWritesThe2024HeadersAndReadsBackTheSameProducts) {
  auto products = read_all(testing::shared_format_file("shopify/product_template.csv"));
  ASSERT_EQ(products.size(), 3u);
  std::string out = product_csv_header();
  EXPECT_EQ(out.rfind("Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,", 0), 0u);
  for (const auto& p : products) append_product_csv(out, p.product);
  auto again = read_all(out);
  ASSERT_EQ(again.size(), products.size());
  for (std::size_t i = 0; i < again.size(); ++i) {
    EXPECT_TRUE(again[i].errors.empty());
    auto a = products[i].product;
    auto b = again[i].product;
    EXPECT_EQ(a.handle, b.handle);
    EXPECT_EQ(a.title, b.title);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.images, b.images);
    ASSERT_EQ(a.variants.size(), b.variants.size());
    for (std::size_t v = 0; v < a.variants.size(); ++v) {
      EXPECT_EQ(a.variants[v].sku, b.variants[v].sku);
      EXPECT_EQ(a.variants[v].options, b.variants[v].options);
      EXPECT_EQ(a.variants[v].price_minor, b.variants[v].price_minor);
      EXPECT_EQ(a.variants[v].compare_at_minor, b.variants[v].compare_at_minor);
      EXPECT_EQ(a.variants[v].weight_g, b.variants[v].weight_g);
      EXPECT_EQ(a.variants[v].inventory_qty, b.variants[v].inventory_qty);
      EXPECT_EQ(a.variants[v].barcode, b.variants[v].barcode);
    }
  }
}

}  // namespace
}  // namespace fondaco::shopify
