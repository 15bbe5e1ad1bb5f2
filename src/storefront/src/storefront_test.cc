// The storefront over real HTTP (api::make_http_server with the storefront handler), on
// both engines: escaping, prices and stock in the first response, carts that hold stock,
// checkout, CSRF, and who may see which order.
#include "fondaco/storefront/storefront.h"

#include <gtest/gtest.h>

#include "fondaco/api/app.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/orders/orders.h"
#include "fondaco/payments/payments.h"
#include "fondaco/testing/testing.h"

namespace fondaco::storefront {
namespace {

// The shop as `serve --demo` runs it: card payments in test mode.
StorefrontOptions test_options() {
  StorefrontOptions o;
  o.card_test_mode = true;
  return o;
}

using testing::HttpResult;

// One browser: keeps the shop cookie between requests.
struct Browser {
  explicit Browser(std::uint16_t port) : http(port) {}
  HttpResult get(const std::string& target) { return send("GET", target, ""); }
  HttpResult post(const std::string& target, const std::string& form) {
    return send("POST", target, form);
  }
  HttpResult send(const std::string& method, const std::string& target, const std::string& body) {
    std::vector<std::pair<std::string, std::string>> h;
    if (!cookie.empty()) h.emplace_back("Cookie", cookie);
    if (method == "POST") h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    auto r = http.request(method, target, body, h);
    const auto set = r.header("Set-Cookie");
    if (!set.empty()) cookie = set.substr(0, set.find(';'));
    return r;
  }
  testing::HttpClient http;
  std::string cookie;
};

// The value of the first hidden input `name` in a page.
std::string hidden(const std::string& body, const std::string& name) {
  const std::string key = "name=\"" + name + "\" value=\"";
  const auto at = body.find(key);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  return body.substr(start, body.find('"', start) - start);
}

class StorefrontTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
    writes_ = std::make_unique<storage::GroupCommit>(*db_);
    // The optional members (hooks of other subsystems) keep their defaults.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
    services_ = std::make_unique<api::Services>(api::Services{.db = *db_,
                                                              .writes = *writes_,
                                                              .log = log_,
                                                              .dispatcher = nullptr,
                                                              .catalog = catalog_,
                                                              .inventory = inventory_,
                                                              .tokens = tokens_,
                                                              .clock = clock_,
                                                              .random = random_});
#pragma GCC diagnostic pop
    ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
      inventory::LocationInput wh;
      wh.code = "WH";
      wh.name = "Warehouse";
      return inventory_.create_location(tx, wh, clock_.now_ms());
    }));
    auto next = [](const api::Request&) { return api::Response{404, {}, "api"}; };
    server_ = api::make_http_server({"127.0.0.1", 0, 4},
                                    make_storefront_handler(*services_, test_options(), next));
    ASSERT_TRUE(server_->start());
  }
  void TearDown() override { server_->stop(); }

  // An active product; returns its handle.
  std::string product(const std::string& title, const std::string& sku, std::int64_t price,
                      std::int64_t stock, const std::string& description = "A fine thing") {
    auto in = testing::ProductBuilder(title)
                  .variant(sku, price)
                  .status(catalog::ProductStatus::active)
                  .category("Tazze")
                  .build();
    in.description = description;
    auto p = db_->write([&](storage::Tx& tx) { return catalog_.create(tx, in, clock_.now_ms()); });
    EXPECT_TRUE(p) << (p ? "" : p.error().message);
    if (stock > 0) {
      EXPECT_TRUE(db_->write([&](storage::Tx& tx) {
        return inventory_.move(tx, {sku, stock, "SUPPLIER", "WH", "receipt", "test"},
                               clock_.now_ms());
      }));
    }
    return p ? p->handle : "";
  }
  Browser browser() { return Browser(server_->port()); }
  // Adds qty of sku through the product page's form; returns the POST's response.
  HttpResult add(Browser& b, const std::string& handle, const std::string& sku, int qty) {
    const auto page = b.get("/it/p/" + handle);
    return b.post("/it/cart/add", "csrf=" + hidden(page.body, "csrf") + "&sku=" + sku +
                                      "&qty=" + std::to_string(qty));
  }
  std::string checkout_form(Browser& b, const std::string& extra) {
    const auto page = b.get("/it/checkout");
    EXPECT_EQ(page.status, 200);
    return "csrf=" + hidden(page.body, "csrf") + "&form_token=" + hidden(page.body, "form_token") +
           "&email=ada%40example.com&name=Ada+Lovelace&line1=Via+Roma+1&city=Milano"
           "&postal_code=20100&province=MI&country=it&shipping=standard" +
           extra;
  }
  std::int64_t reserved(const std::string& sku) {
    return db_->read([&](storage::Tx& tx) { return inventory_.stock(tx, sku); })->reserved;
  }

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::GroupCommit> writes_;
  events::EventLog log_;
  catalog::Catalog catalog_{log_};
  inventory::Inventory inventory_{log_};
  governance::Tokens tokens_{log_};
  testing::FakeClock clock_;
  testing::FakeRandom random_;
  std::unique_ptr<api::Services> services_;
  std::unique_ptr<api::HttpServer> server_;
};

TEST_P(StorefrontTest, ProductPageEscapesHostileTextAndShowsPriceAndStock) {
  const auto handle = product("Mug </script><script>alert(1)</script> \"q\"", "MUG-1", 1250, 5,
                              "<img src=x onerror=alert(2)>");
  auto b = browser();
  const auto r = b.get("/it/p/" + handle);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_EQ(r.body.find("<img src=x"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_NE(r.body.find("\\u003c/script\\u003e"), std::string::npos) << "JSON-LD escaped";
  EXPECT_NE(r.body.find("\"price\":\"12.50\""), std::string::npos);
  EXPECT_NE(r.body.find("https://schema.org/InStock"), std::string::npos);
  EXPECT_NE(r.body.find("12,50 €"), std::string::npos);
  EXPECT_NE(r.body.find("Disponibile"), std::string::npos);
  EXPECT_NE(r.body.find("<html lang=\"it\">"), std::string::npos);
  EXPECT_NE(r.body.find("rel=\"canonical\" href=\"http://127.0.0.1/it/p/" + handle + "\""),
            std::string::npos);
  const auto en = b.get("/en/p/" + handle);
  EXPECT_NE(en.body.find("€12.50"), std::string::npos);
  EXPECT_NE(en.body.find("<html lang=\"en\">"), std::string::npos);
}

TEST_P(StorefrontTest, AvailabilityFollowsStockAtOnce) {
  const auto handle = product("Teapot", "POT-1", 3000, 0);
  auto b = browser();
  auto r = b.get("/it/p/" + handle);
  EXPECT_NE(r.body.find("https://schema.org/OutOfStock"), std::string::npos);
  EXPECT_NE(r.body.find("Esaurito"), std::string::npos);
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
    return inventory_.move(tx, {"POT-1", 9, "SUPPLIER", "WH", "receipt", "t"}, clock_.now_ms());
  }));
  r = b.get("/it/p/" + handle);  // the commit invalidated the cached product
  EXPECT_NE(r.body.find("https://schema.org/InStock"), std::string::npos);
}

TEST_P(StorefrontTest, ListingsSearchSitemapRobotsAndNotFound) {
  const auto handle = product("Blue mug", "BLU-7", 900, 1, "Stoneware from Deruta");
  auto b = browser();
  EXPECT_EQ(b.get("/").status, 303);
  EXPECT_NE(b.get("/it/").body.find("Blue mug"), std::string::npos);
  EXPECT_NE(b.get("/it/c/tazze").body.find("Blue mug"), std::string::npos);
  auto coffee = testing::ProductBuilder("Moka").variant("MOK-1", 100).category("Caffè Tè");
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
    return catalog_.create(tx, coffee.status(catalog::ProductStatus::active).build(), 1);
  }));
  EXPECT_NE(b.get("/it/c/caffe-te").body.find("Moka"), std::string::npos);
  EXPECT_NE(b.get("/it/search?q=deruta").body.find("Blue mug"), std::string::npos);
  EXPECT_NE(b.get("/it/search?q=blu-7").body.find("Blue mug"), std::string::npos);
  EXPECT_EQ(b.get("/it/search?q=nothing").body.find("Blue mug"), std::string::npos);
  EXPECT_EQ(b.get("/it/search?q=" + std::string(101, 'a')).status, 422);
  const auto map = b.get("/sitemap.xml");
  EXPECT_NE(map.body.find("/it/p/" + handle + "</loc>"), std::string::npos);
  EXPECT_NE(b.get("/robots.txt").body.find("Sitemap: http://127.0.0.1/sitemap.xml"),
            std::string::npos);
  EXPECT_EQ(b.get("/it/p/no-such-thing").status, 404);
  EXPECT_EQ(b.get("/xx/whatever").status, 404);
  EXPECT_EQ(b.get("/api/v1/products").body, "api");
  EXPECT_EQ(b.get("/assets/shop.css").status, 200);
}

TEST_P(StorefrontTest, CartHoldsStockAgainstAnotherShopper) {
  const auto handle = product("Last mug", "ONE-1", 1000, 1);
  auto alice = browser();
  auto r = add(alice, handle, "ONE-1", 1);
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location"), "/it/cart?m=added");
  EXPECT_EQ(reserved("ONE-1"), 1);
  EXPECT_NE(alice.get("/it/cart").body.find("Last mug"), std::string::npos);
  auto bob = browser();
  r = add(bob, handle, "ONE-1", 1);
  EXPECT_EQ(r.header("Location"), "/it/cart?m=short_stock");
  EXPECT_EQ(bob.get("/it/cart").body.find("Last mug"), std::string::npos);
  EXPECT_NE(bob.get("/it/p/" + handle).body.find("Esaurito"), std::string::npos);
  // Alice removes it: the hold goes and Bob can take it.
  const auto cart = alice.get("/it/cart");
  r = alice.post("/it/cart/update", "csrf=" + hidden(cart.body, "csrf") + "&sku=ONE-1&qty=0");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(reserved("ONE-1"), 0);
  EXPECT_EQ(add(bob, handle, "ONE-1", 1).header("Location"), "/it/cart?m=added");
}

// Session fixation: a well-formed cookie the server never issued (planted by someone who
// wants to read the victim's cart and orders) is not adopted when the shopper starts a
// cart; the response replaces it with a fresh id, and the planted one opens nothing.
TEST_P(StorefrontTest, APlantedSessionCookieIsReplacedNotAdopted) {
  const auto handle = product("Mug", "FIX-1", 1000, 3);
  const std::string planted = "fondaco_shop=" + std::string(64, 'a');
  auto victim = browser();
  victim.cookie = planted;
  const auto page = victim.get("/it/p/" + handle);
  ASSERT_EQ(victim.cookie, planted);  // a GET alone writes nothing
  auto r = victim.post("/it/cart/add", "csrf=" + hidden(page.body, "csrf") + "&sku=FIX-1&qty=1");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(reserved("FIX-1"), 1);
  EXPECT_NE(victim.cookie, planted);
  EXPECT_NE(victim.get("/it/cart").body.find("Mug"), std::string::npos);
  auto attacker = browser();
  attacker.cookie = planted;
  EXPECT_EQ(attacker.get("/it/cart").body.find("Mug"), std::string::npos);
}

TEST_P(StorefrontTest, PostsWithoutTheSessionsCsrfTokenAreRefused) {
  const auto handle = product("Mug", "CSRF-1", 1000, 3);
  auto b = browser();
  b.get("/it/p/" + handle);
  EXPECT_EQ(b.post("/it/cart/add", "sku=CSRF-1&qty=1").status, 403);
  auto other = browser();
  const auto page = other.get("/it/p/" + handle);
  EXPECT_EQ(
      b.post("/it/cart/add", "csrf=" + hidden(page.body, "csrf") + "&sku=CSRF-1&qty=1").status,
      403);
  Browser fresh = browser();  // no cookie at all
  EXPECT_EQ(
      fresh.post("/it/cart/add", "csrf=" + hidden(page.body, "csrf") + "&sku=CSRF-1&qty=1").status,
      403);
  EXPECT_EQ(reserved("CSRF-1"), 0);
}

TEST_P(StorefrontTest, CheckoutByBankTransferPlacesOneOrder) {
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) -> Result<void> {
    payments::SettingsPatch p;
    p.bank_iban = "IT60X0542811101000000123456";
    p.bank_holder = "Fondaco Srl";
    FONDACO_TRY(payments::Payments::update_settings(tx, p));
    return ok();
  }));
  const auto handle = product("Jug", "JUG-1", 2000, 4);
  auto b = browser();
  add(b, handle, "JUG-1", 2);
  const auto form = checkout_form(b, "&payment=bank_transfer");
  auto r = b.post("/it/checkout", form);
  ASSERT_EQ(r.status, 303) << r.body;
  const auto location = r.header("Location");
  EXPECT_TRUE(location.starts_with("/it/order/WEB-")) << location;
  const auto page = b.get(location);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("IT60X0542811101000000123456"), std::string::npos);
  EXPECT_NE(page.body.find("46,90 €"), std::string::npos) << "2 × 20,00 + 6,90 shipping";
  EXPECT_EQ(b.post("/it/checkout", form).header("Location"), location) << "double submit";
  auto orders = db_->read(
      [&](storage::Tx& tx) { return orders::Orders(log_).list(tx, orders::OrderFilter{}); });
  ASSERT_TRUE(orders);
  ASSERT_EQ(orders->items.size(), 1u);
  EXPECT_EQ(orders->items[0].payment_method, orders::PaymentMethod::bank_transfer);
  EXPECT_EQ(orders->items[0].channel, "storefront");
  EXPECT_EQ(reserved("JUG-1"), 2) << "the cart's holds became the order's";
}

TEST_P(StorefrontTest, CheckoutShowsFieldErrorsAndEscapesAddresses) {
  const auto handle = product("Cup", "CUP-1", 500, 4);
  auto b = browser();
  add(b, handle, "CUP-1", 1);
  auto form = checkout_form(b, "&payment=cod");
  auto bad = form;
  bad.replace(bad.find("postal_code=20100"), 17, "postal_code=2O1");
  auto r = b.post("/it/checkout", bad + "&x=%3Cscript%3Ealert(3)%3C%2Fscript%3E");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("CAP non valido"), std::string::npos);
  form.replace(form.find("line1=Via+Roma+1"), 16, "line1=%3Cscript%3Ealert(4)%3C%2Fscript%3E");
  r = b.post("/it/checkout", form);
  ASSERT_EQ(r.status, 303) << r.body;
  const auto page = b.get(r.header("Location"));
  EXPECT_EQ(page.body.find("<script>alert(4)"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert(4)"), std::string::npos);
}

TEST_P(StorefrontTest, CardTestModeCapturesOrDeclines) {
  const auto handle = product("Plate", "PLT-1", 1500, 4);
  auto b = browser();
  add(b, handle, "PLT-1", 1);
  auto r =
      b.post("/it/checkout", checkout_form(b, "&payment=card&card_number=4000+0000+0000+0002"));
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("Carta rifiutata"), std::string::npos);
  r = b.post("/it/checkout", checkout_form(b, "&payment=card&card_number=4242424242424242"));
  ASSERT_EQ(r.status, 303) << r.body;
  auto pays = db_->read([&](storage::Tx& tx) {
    return payments::Payments::list(tx, payments::PaymentFilter{}, 0, 10);
  });
  ASSERT_TRUE(pays);
  ASSERT_EQ(pays->items.size(), 1u);
  EXPECT_EQ(pays->items[0].status, "captured");
  EXPECT_EQ(pays->items[0].method, payments::Method::card);
}

TEST_P(StorefrontTest, OrdersAreVisibleOnlyToTheirShopperOrByNumberAndEmail) {
  const auto handle = product("Bowl", "BWL-1", 1000, 4);
  auto alice = browser();
  add(alice, handle, "BWL-1", 1);
  const auto location =
      alice.post("/it/checkout", checkout_form(alice, "&payment=bank_transfer")).header("Location");
  ASSERT_TRUE(location.starts_with("/it/order/")) << location;
  const std::string number = location.substr(10, location.find('?') - 10);
  auto mallory = browser();
  EXPECT_EQ(mallory.get("/it/order/" + number).status, 404);
  const auto lookup = mallory.get("/it/orders/lookup");
  const auto csrf = hidden(lookup.body, "csrf");
  auto r = mallory.post("/it/orders/lookup",
                        "csrf=" + csrf + "&number=" + number + "&email=mallory%40example.com");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("Via Roma"), std::string::npos);
  EXPECT_EQ(mallory.get("/it/order/" + number).status, 404);
  r = mallory.post("/it/orders/lookup",
                   "csrf=" + csrf + "&number=" + number + "&email=ADA%40example.com");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(mallory.get("/it/order/" + number).status, 200) << "number + e-mail is the key";
}

INSTANTIATE_TEST_SUITE_P(Engines, StorefrontTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::storefront
