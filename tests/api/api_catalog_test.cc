// Catalog over HTTP: create, read, update, archive, filters, variants with stock.
#include "api_fixture.h"

namespace fondaco::apitest {
namespace {

TEST_P(ApiTest, ProductLifecycle) {
  auto created = post("/api/v1/products", R"({
    "title": "Felpa con cappuccio", "brand": "Fondaco", "category": "Felpe",
    "status": "active", "description": "Cotone\nbio",
    "variants": [
      {"sku": "FC-S", "gtin": "4006381333931", "options": {"size": "S"}, "weight_g": 450,
       "cost_minor": 2100, "prices": [{"amount_minor": 4990}, {"amount_minor": 4490, "min_qty": 5}]},
      {"sku": "FC-M", "options": {"size": "M"}, "vat_rate_bp": 0, "natura": "N3.1"}
    ]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json_at(created.body, "id");
  EXPECT_EQ(created.header("Location"), "/api/v1/products/" + id);
  EXPECT_EQ(json_at(created.body, "handle"), "felpa-con-cappuccio");
  EXPECT_EQ(json_at(created.body, "variants[0].prices[1].min_qty"), "5");
  EXPECT_EQ(json_at(created.body, "variants[1].natura"), "N3.1");

  auto fetched = get("/api/v1/products/" + id);
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(json_at(fetched.body, "description"), "Cotone\nbio");

  auto patched = patch("/api/v1/products/" + id,
                       R"({"title":"Felpa hoodie","variants":[{"sku":"FC-L","gtin":"96385074"}]})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(json_at(patched.body, "title"), "Felpa hoodie");
  EXPECT_EQ(json_at(patched.body, "variants"), "[3]");

  auto dup_gtin = patch("/api/v1/products/" + id,
                        R"({"variants":[{"sku":"FC-XL","gtin":"96385074"}]})");
  EXPECT_EQ(dup_gtin.status, 409);
  EXPECT_EQ(json_at(dup_gtin.body, "field"), "variants[0].gtin");

  auto archived = del("/api/v1/products/" + id);
  ASSERT_EQ(archived.status, 200);
  EXPECT_EQ(json_at(archived.body, "status"), "archived");
  EXPECT_EQ(json_at(get("/api/v1/products?status=archived").body, "items"), "[1]");
  EXPECT_EQ(json_at(get("/api/v1/products?status=active").body, "items"), "[0]");

  EXPECT_EQ(get("/api/v1/products/999999").status, 404);
  EXPECT_EQ(get("/api/v1/products/abc").status, 404);
}

TEST_P(ApiTest, DuplicateSkuIsAConflict) {
  ASSERT_EQ(create_product("A", {"DUP-1"}).status, 201);
  auto again = create_product("B", {"DUP-1"});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(json_at(again.body, "code"), "conflict");
  EXPECT_EQ(json_at(again.body, "field"), "variants[0].sku");
}

TEST_P(ApiTest, SearchFindsTitleSkuAndGtin) {
  ASSERT_EQ(post("/api/v1/products", R"({"title":"Caffè Arabica","category":"Caffè",
      "variants":[{"sku":"CAF-250","gtin":"4006381333931"}]})").status, 201);
  ASSERT_EQ(create_product("Olio EVO", {"OLIO-1"}).status, 201);
  EXPECT_EQ(json_at(get("/api/v1/products?q=arabica").body, "items[0].title"), "Caffè Arabica");
  EXPECT_EQ(json_at(get("/api/v1/products?q=olio-1").body, "items[0].title"), "Olio EVO");
  EXPECT_EQ(json_at(get("/api/v1/products?q=4006381").body, "items"), "[1]");
  EXPECT_EQ(json_at(get("/api/v1/products?q=Caff%C3%A8").body, "items"), "[1]");
  EXPECT_EQ(json_at(get("/api/v1/products?category=Caff%C3%A8").body, "items"), "[1]");
  EXPECT_EQ(json_at(get("/api/v1/products?q=nothing").body, "items"), "[0]");
}

TEST_P(ApiTest, VariantBySkuIncludesProductAndStock) {
  ASSERT_EQ(create_product("Tazza", {"MUG-1"}).status, 201);
  ASSERT_EQ(receive("MUG-1", 7, "WH").status, 201);
  auto v = get("/api/v1/variants/MUG-1");
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(json_at(v.body, "product.title"), "Tazza");
  EXPECT_EQ(json_at(v.body, "stock.available"), "7");
  EXPECT_EQ(json_at(v.body, "stock.locations[0].location"), "WH");
  EXPECT_EQ(get("/api/v1/variants/NOPE").status, 404);
}

// The variant view is cached on SQLite: every change must show on the very next read.
TEST_P(ApiTest, VariantViewReflectsEveryCommittedChangeAtOnce) {
  ASSERT_EQ(create_product("Vaso", {"VASE-1"}).status, 201);
  const std::string id = json_at(get("/api/v1/products?q=vase-1").body, "items[0].id");
  EXPECT_EQ(json_at(get("/api/v1/variants/VASE-1").body, "stock.on_hand"), "0");
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(receive("VASE-1", 1, "WH").status, 201);
    EXPECT_EQ(json_at(get("/api/v1/variants/VASE-1").body, "stock.on_hand"), std::to_string(i));
  }
  auto hold = post("/api/v1/reservations", R"({"sku":"VASE-1","location":"WH","qty":2,"reference":"c"})");
  ASSERT_EQ(hold.status, 201);
  EXPECT_EQ(json_at(get("/api/v1/variants/VASE-1").body, "stock.available"), "1");
  ASSERT_EQ(patch("/api/v1/products/" + id, R"({"title":"Vaso grande"})").status, 200);
  EXPECT_EQ(json_at(get("/api/v1/variants/VASE-1").body, "product.title"), "Vaso grande");
  ASSERT_EQ(patch("/api/v1/products/" + id,
                  R"({"variants":[{"sku":"VASE-1","prices":[{"amount_minor":777}]}]})").status, 200);
  EXPECT_EQ(json_at(get("/api/v1/variants/VASE-1").body, "prices[0].amount_minor"), "777");
  // Refused writes change nothing and the view says so.
  EXPECT_EQ(post("/api/v1/stock/moves",
                 R"({"sku":"VASE-1","qty":9,"from":"WH","to":"CUSTOMER","reason":"sale"})").status, 409);
  EXPECT_EQ(json_at(get("/api/v1/variants/VASE-1").body, "stock.on_hand"), "3");
}

TEST_P(ApiTest, PriceLists) {
  auto created = post("/api/v1/price-lists", R"({"code":"b2b","name":"Rivenditori","customer_group":"retail"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json_at(created.body, "currency"), "EUR");
  EXPECT_EQ(json_at(get("/api/v1/price-lists").body, "items"), "[2]");
  EXPECT_EQ(post("/api/v1/price-lists", R"({"code":"b2b","name":"Again"})").status, 409);
  auto p = post("/api/v1/products", R"({"title":"Tier","variants":[{"sku":"T-1","prices":[
      {"price_list":"b2b","amount_minor":700,"min_qty":10},{"price_list":"default","amount_minor":1000}]}]})");
  ASSERT_EQ(p.status, 201) << p.body;
  EXPECT_EQ(json_at(p.body, "variants[0].prices[0].price_list"), "b2b");
}

}  // namespace
}  // namespace fondaco::apitest
