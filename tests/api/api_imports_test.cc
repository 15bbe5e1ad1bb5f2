// Product CSV imports and the CSV exports over real HTTP, on both engines, with the sample
// files of ../shared/data/formats.
#include <fstream>
#include <sstream>

#include "api_fixture.h"

namespace fondaco::apitest {
namespace {

class ImportsApiTest : public ApiTest {
 protected:
  testing::HttpResult import(const std::string& format, const std::string& csv,
                             const std::string& token = {}) {
    return send("POST", "/api/v1/imports?type=products&format=" + format, csv, token,
                {{"Content-Type", "text/csv"}});
  }
};

TEST_P(ImportsApiTest, ShopifySampleImportsWithItsPricesAndReimportIsUnchanged) {
  auto r = import("shopify", testing::shared_format_file("shopify/product_template.csv"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_at(r.body, "products.created"), "3");
  EXPECT_EQ(json_at(r.body, "variants.created"), "16");
  EXPECT_EQ(json_at(r.body, "products.refused"), "0");
  EXPECT_EQ(json_at(r.body, "rows_read"), "17");

  auto pants = get("/api/v1/variants/PNT_DEN_285");
  ASSERT_EQ(pants.status, 200) << pants.body;
  EXPECT_NE(pants.body.find(R"("amount_minor":9500)"), std::string::npos) << pants.body;
  EXPECT_NE(pants.body.find(R"("weight_g":227)"), std::string::npos) << pants.body;
  auto hat = get("/api/v1/variants/HAT_GRY_275");
  EXPECT_NE(hat.body.find(R"("amount_minor":1799)"), std::string::npos) << hat.body;

  auto again = import("shopify", testing::shared_format_file("shopify/product_template.csv"));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json_at(again.body, "products.unchanged"), "3");
  EXPECT_EQ(json_at(again.body, "products.created"), "0");
  EXPECT_EQ(json_at(again.body, "products.updated"), "0");

  // Export -> import: unchanged again, in both formats.
  for (std::string format : {"shopify", "woocommerce"}) {
    auto exported = get("/api/v1/exports/products.csv?format=" + format);
    ASSERT_EQ(exported.status, 200) << exported.body;
    EXPECT_EQ(exported.header("Content-Type").rfind("text/csv", 0), 0u);
    EXPECT_NE(exported.body.find("SRT_COT_433"), std::string::npos);
    auto back = import(format, exported.body);
    ASSERT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(json_at(back.body, "products.unchanged"), "3") << format << back.body;
  }
}

TEST_P(ImportsApiTest, WooCommerceSampleImportsVariationsAndNotesWhatItSkips) {
  auto r = import("woocommerce", testing::shared_format_file("woocommerce/sample_products.csv"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_at(r.body, "products.created"), "16");
  EXPECT_EQ(json_at(r.body, "variants.created"), "21");
  EXPECT_EQ(json_at(r.body, "products.refused"), "0");
  EXPECT_NE(r.body.find("grouped products are not imported"), std::string::npos) << r.body;
  auto red = get("/api/v1/variants/woo-hoodie-red");
  ASSERT_EQ(red.status, 200);
  EXPECT_NE(red.body.find(R"("amount_minor":4200)"), std::string::npos) << red.body;
  auto pennant = get("/api/v1/variants/wp-pennant");
  EXPECT_EQ(pennant.status, 404);  // external product: not imported
}

TEST_P(ImportsApiTest, BrokenRowsAreReportedPreciselyAndOnlyGoodProductsAreApplied) {
  std::string csv =
      "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price\n"
      "good,Good,Size,S,GOOD-S,10.00\n"
      "good,,,M,GOOD-M,11.00\n"
      "half,Half,Size,S,HALF-S,5.00\n"
      "half,,,M,HALF-M,5.001\n"
      "dup,Dup,,,GOOD-S,3\n";
  auto r = import("shopify", csv);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_at(r.body, "products.created"), "1");
  EXPECT_EQ(json_at(r.body, "products.refused"), "2");
  EXPECT_EQ(json_at(r.body, "errors[0].line"), "5");
  EXPECT_EQ(json_at(r.body, "errors[0].column"), "Variant Price");
  EXPECT_EQ(json_at(r.body, "errors[1].line"), "6");
  EXPECT_EQ(get("/api/v1/variants/HALF-S").status, 404);  // nothing of a broken product
  EXPECT_EQ(get("/api/v1/variants/GOOD-M").status, 200);
}

TEST_P(ImportsApiTest, ValidatesTheRequestAndTheRoles) {
  auto wrong_type = send("POST", "/api/v1/imports?type=products&format=shopify", "{}", "",
                         {{"Content-Type", "application/json"}});
  EXPECT_EQ(wrong_type.status, 415);
  auto no_format =
      send("POST", "/api/v1/imports?type=products", "a\n", "", {{"Content-Type", "text/csv"}});
  EXPECT_EQ(no_format.status, 400);
  EXPECT_EQ(json_at(no_format.body, "field"), "format");
  auto not_shopify = import("shopify", "Title,Price\nx,1\n");
  EXPECT_EQ(not_shopify.status, 400);
  auto logistics = token_for(governance::Role::logistics);
  EXPECT_EQ(import("shopify", "Handle,Title,Variant Price\na,A,1\n", logistics).status, 403);
  auto marketing = token_for(governance::Role::marketing);
  EXPECT_EQ(import("shopify", "Handle,Title,Variant Price\na,A,1\n", marketing).status, 200);
}

TEST_P(ImportsApiTest, OrdersExportHasOneRowPerLine) {
  ASSERT_EQ(create_product("Olio", {"OIL-1", "OIL-2"}).status, 201);
  ASSERT_EQ(receive("OIL-1", 10, "WH").status, 201);
  ASSERT_EQ(receive("OIL-2", 10, "WH").status, 201);
  auto placed = post("/api/v1/orders", order_body(line("OIL-1", 2) + "," + line("OIL-2", 1)));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto csv = get("/api/v1/exports/orders.csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.rfind("number,channel,external_ref,status,", 0), 0u);
  std::size_t lines = 0;
  for (char ch : csv.body) lines += ch == '\n';
  EXPECT_EQ(lines, 3u) << csv.body;
  EXPECT_NE(csv.body.find(",OIL-1,2,10.00,"), std::string::npos) << csv.body;
  auto none = get("/api/v1/exports/orders.csv?status=cancelled");
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(std::count(none.body.begin(), none.body.end(), '\n'), 1);
  EXPECT_EQ(get("/api/v1/exports/orders.csv?from=yesterday").status, 400);
}

INSTANTIATE_TEST_SUITE_P(Engines, ImportsApiTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::apitest
