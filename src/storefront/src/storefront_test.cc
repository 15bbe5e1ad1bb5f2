// The storefront over real HTTP (api::make_http_server with the storefront handler), on
// both engines: escaping, prices and stock in the first response, carts that hold stock,
// checkout, CSRF, and who may see which order.
#include "fondaco/storefront/storefront.h"

#include <gtest/gtest.h>

#include "fondaco/api/app.h"
#include "fondaco/base/limits.h"
#include "fondaco/fulfillment/fulfillment.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/invoicing/invoicing.h"
#include "fondaco/notifications/notifications.h"
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
  // Checks out one unit of sku as `email` (urlencoded) by bank transfer; the order number.
  std::string place(const std::string& handle, const std::string& sku, const std::string& email) {
    auto b = browser();
    add(b, handle, sku, 1);
    auto form = checkout_form(b, "&payment=bank_transfer");
    form.replace(form.find("email=ada%40example.com"), 23, "email=" + email);
    const auto location = b.post("/it/checkout", form).header("Location");
    if (!location.starts_with("/it/order/")) return "";
    return location.substr(10, location.find('?') - 10);
  }
  // A receipt for the order with this number; its document id.
  std::int64_t issue_receipt(const std::string& number) {
    auto id = db_->write([&](storage::Tx& tx) -> Result<std::int64_t> {
      invoicing::Invoicing inv(log_);
      if (!invoicing::Invoicing::settings(tx)) {
        invoicing::FiscalSettings f;
        f.company_name = "Bottega S.r.l.";
        f.vat_number = "01234567897";
        f.codice_fiscale = "01234567897";
        f.regime_fiscale = "RF01";
        f.address = {"Via Roma 1", "40121", "Bologna", "BO", "IT"};
        FONDACO_TRY(inv.put_settings(tx, f, clock_.now_ms()));
      }
      const auto o = FONDACO_TRY(find(tx, number));
      {
        invoicing::DocumentInput in;
        in.kind = invoicing::DocKind::receipt;
        in.source_key = "order:" + std::to_string(o.id) + ":receipt";
        in.order_id = o.id;
        in.order_number = o.number;
        in.issue_date_ms = clock_.now_ms();
        in.customer.name = "Ada Lovelace";
        invoicing::LineInput l;
        l.description = "Item";
        l.sku = o.lines[0].sku;
        l.qty = o.lines[0].qty;
        l.unit_price_minor = o.lines[0].amount_minor / o.lines[0].qty;
        l.vat_rate_bp = 2200;
        in.lines = {l};
        return FONDACO_TRY(inv.issue(tx, in, clock_.now_ms())).document.id;
      }
    });
    EXPECT_TRUE(id) << (id ? "" : id.error().message);
    return id ? *id : 0;
  }
  // A labelled shipment of the order's lines; its tracking number.
  std::string label_parcel(const std::string& number) {
    auto t = db_->write([&](storage::Tx& tx) -> Result<std::string> {
      const auto o = FONDACO_TRY(find(tx, number));
      fulfillment::Fulfillment f(log_);
      fulfillment::ShipmentInput in;
      in.source_key = "order:" + std::to_string(o.id) + ":WH";
      in.order_id = o.id;
      in.order_number = o.number;
      in.location = "WH";
      in.ship_to.name = "Ada Lovelace";
      in.ship_to.line1 = "Via Roma 1";
      in.ship_to.city = "Milano";
      in.ship_to.postal_code = "20100";
      in.ship_to.country = "IT";
      in.lines = {{o.lines[0].sku, std::nullopt, "Item", o.lines[0].qty, 500, std::nullopt, 0}};
      const auto sh = FONDACO_TRY(f.create_shipment(tx, in, clock_.now_ms()));
      FONDACO_TRY(f.label(tx, sh.id, clock_.now_ms()));
      const auto labelled = FONDACO_TRY(fulfillment::Fulfillment::get(tx, sh.id));
      if (!labelled.tracking_number) return fail(ErrorCode::internal, "no tracking", "label");
      return *labelled.tracking_number;
    });
    EXPECT_TRUE(t) << (t ? "" : t.error().message);
    return t ? *t : "";
  }
  Result<orders::Order> find(storage::Tx& tx, const std::string& number) {
    orders::OrderFilter all;
    all.limit = 100;
    const auto list = FONDACO_TRY(orders::Orders(log_).list(tx, all));
    for (const auto& o : list.items)
      if (o.number == number) return o;
    return fail(ErrorCode::not_found, "no order " + number, "number");
  }
  std::vector<notifications::Email> sign_in_mail(const std::string& to) {
    notifications::EmailFilter f;
    f.kind = notifications::Kind::customer_sign_in;
    f.to = to;
    f.limit = 100;
    auto page = db_->read([&](storage::Tx& tx) { return notifications::Notifications::list(tx, f); });
    EXPECT_TRUE(page);
    return page ? page->items : std::vector<notifications::Email>{};
  }
  std::size_t sign_in_emails(const std::string& to) { return sign_in_mail(to).size(); }
  // The link in the newest sign-in e-mail to this address.
  std::string sign_in_link(const std::string& to) {
    const auto mail = sign_in_mail(to);
    if (mail.empty()) return "";
    const auto& text = mail.back().body_text;
    const auto at = text.find("http://");
    if (at == std::string::npos) return "";
    return text.substr(at, text.find('\n', at) - at);
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

// The product page is rendered once and reused (ShopData's page cache); the CSRF token and
// the cart count are spliced in per request. Alice, with a cart, renders it first; Bob's
// copy must carry his own token and no count, and each token works only for its owner.
TEST_P(StorefrontTest, ACachedProductPageCarriesEachShoppersOwnTokenAndCartCount) {
  const auto handle = product("Vase", "VASE-1", 2000, 9);
  auto alice = browser();
  ASSERT_EQ(add(alice, handle, "VASE-1", 2).status, 303);
  const auto alice_page = alice.get("/it/p/" + handle);
  auto bob = browser();
  const auto bob_page = bob.get("/it/p/" + handle);
  const auto alice_again = alice.get("/it/p/" + handle);
  ASSERT_EQ(bob_page.status, 200);
  EXPECT_NE(alice_page.body.find(">Carrello (2)</a>"), std::string::npos);
  EXPECT_NE(alice_again.body.find(">Carrello (2)</a>"), std::string::npos);
  EXPECT_NE(bob_page.body.find(">Carrello</a>"), std::string::npos);
  EXPECT_EQ(bob_page.body.find("Carrello ("), std::string::npos);
  const auto alice_token = hidden(alice_again.body, "csrf");
  const auto bob_token = hidden(bob_page.body, "csrf");
  EXPECT_EQ(alice_token, hidden(alice_page.body, "csrf"));
  EXPECT_EQ(bob_token.size(), 32u);
  EXPECT_NE(alice_token, bob_token);
  EXPECT_EQ(bob.post("/it/cart/add", "csrf=" + alice_token + "&sku=VASE-1&qty=1").status, 403);
  EXPECT_EQ(alice.post("/it/cart/add", "csrf=" + bob_token + "&sku=VASE-1&qty=1").status, 403);
  EXPECT_EQ(bob.post("/it/cart/add", "csrf=" + bob_token + "&sku=VASE-1&qty=1").status, 303);
  EXPECT_EQ(reserved("VASE-1"), 3);
  EXPECT_NE(bob.get("/it/p/" + handle).body.find(">Carrello (1)</a>"), std::string::npos);
}

// What a cached page shows follows every commit at once: another shopper's hold, a price
// change, a new category in the menu. A ?m= notice belongs to one response only.
TEST_P(StorefrontTest, ACachedProductPageFollowsCommitsAndKeepsNoticesPerRequest) {
  const auto handle = product("Jug", "JUG-1", 1500, 4);
  auto alice = browser();
  EXPECT_NE(alice.get("/it/p/" + handle).body.find(">Disponibile<"), std::string::npos);
  auto bob = browser();
  ASSERT_EQ(add(bob, handle, "JUG-1", 2).status, 303);
  auto page = alice.get("/it/p/" + handle);
  EXPECT_NE(page.body.find(">Ultimi pezzi disponibili<"), std::string::npos);
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) -> Result<void> {
    auto v = FONDACO_TRY(catalog_.variant(tx, "JUG-1"));
    catalog::ProductPatch patch;
    patch.title = "Jug renamed";
    FONDACO_TRY(catalog_.update(tx, v.product_id, patch, clock_.now_ms()));
    return ok();
  }));
  page = alice.get("/it/p/" + handle);
  EXPECT_NE(page.body.find("<h1>Jug renamed</h1>"), std::string::npos);
  EXPECT_EQ(page.body.find("/it/c/piatti"), std::string::npos);
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
    return catalog_.create(tx,
                           testing::ProductBuilder("Plate")
                               .variant("PLATE-1", 800)
                               .status(catalog::ProductStatus::active)
                               .category("Piatti")
                               .build(),
                           clock_.now_ms());
  }));
  EXPECT_NE(alice.get("/it/p/" + handle).body.find("href=\"/it/c/piatti\""), std::string::npos);
  const auto noticed = alice.get("/it/p/" + handle + "?m=added");
  EXPECT_NE(noticed.body.find("Aggiunto al carrello."), std::string::npos);
  EXPECT_EQ(alice.get("/it/p/" + handle).body.find("Aggiunto al carrello."), std::string::npos);
}

// The account: a one-time link by e-mail signs the shopper in; the page lists the orders of
// that e-mail with their live status and nobody else's; another customer's order, and a
// document of another order, read as missing; the link works once; sign-out ends it.
TEST_P(StorefrontTest, AccountSignInLinkShowsOnlyTheCustomersOwnOrders) {
  const auto handle = product("Vase", "VAS-1", 3000, 5);
  const std::string ada_number = place(handle, "VAS-1", "ada%40example.com");
  const std::string bob_number = place(handle, "VAS-1", "bob%40example.com");
  ASSERT_FALSE(ada_number.empty());
  ASSERT_FALSE(bob_number.empty());
  const auto bob_doc = issue_receipt(bob_number);

  auto b = browser();
  auto page = b.get("/it/account");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Mandami il link"), std::string::npos);
  EXPECT_EQ(b.post("/it/account/sign-in", "csrf=" + hidden(page.body, "csrf") + "&email=nope")
                .status,
            422);
  auto sent = b.post("/it/account/sign-in",
                     "csrf=" + hidden(page.body, "csrf") + "&email=ADA%40example.com");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_NE(sent.body.find("Controlla la tua e-mail"), std::string::npos);
  const std::string link = sign_in_link("ada@example.com");
  ASSERT_TRUE(link.starts_with("http://127.0.0.1/it/account/sign-in?token=")) << link;
  const std::string target = link.substr(std::string("http://127.0.0.1").size());

  const std::string before = b.cookie;
  auto r = b.get(target);
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("Location"), "/it/account");
  EXPECT_NE(b.cookie, before) << "signing in moves the shopper to a new session id";
  page = b.get("/it/account");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("ada@example.com"), std::string::npos);
  EXPECT_NE(page.body.find(ada_number), std::string::npos);
  EXPECT_NE(page.body.find("In attesa di pagamento"), std::string::npos);
  EXPECT_EQ(page.body.find(bob_number), std::string::npos);
  EXPECT_EQ(b.get("/it/order/" + ada_number).status, 200);
  EXPECT_EQ(b.get("/it/order/" + bob_number).status, 404);
  EXPECT_EQ(b.get("/it/order/" + ada_number + "/documents/" + std::to_string(bob_doc) + ".pdf")
                .status,
            404)
      << "another order's document";

  auto thief = browser();
  EXPECT_EQ(thief.get(target).status, 400) << "the link works once";
  EXPECT_EQ(thief.get("/it/account").body.find(ada_number), std::string::npos);

  page = b.get("/it/account");
  EXPECT_EQ(b.post("/it/account/sign-out", "csrf=" + hidden(page.body, "csrf")).status, 303);
  EXPECT_EQ(b.get("/it/account").body.find(ada_number), std::string::npos);
  EXPECT_EQ(b.get("/it/order/" + ada_number).status, 404);
}

TEST_P(StorefrontTest, OrderPageShowsTrackingAndLinksItsDocumentOnlyToItsShopper) {
  const auto handle = product("Jar", "JAR-1", 1200, 5);
  auto b = browser();
  add(b, handle, "JAR-1", 1);
  const auto location =
      b.post("/it/checkout", checkout_form(b, "&payment=bank_transfer")).header("Location");
  ASSERT_TRUE(location.starts_with("/it/order/")) << location;
  const std::string number = location.substr(10, location.find('?') - 10);
  const auto doc = issue_receipt(number);
  ASSERT_GT(doc, 0);
  const auto tracking = label_parcel(number);
  ASSERT_FALSE(tracking.empty());
  const auto page = b.get("/en/order/" + number);
  EXPECT_NE(page.body.find(tracking), std::string::npos);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Awaiting payment"), std::string::npos);
  const std::string href = "/en/order/" + number + "/documents/" + std::to_string(doc) + ".pdf";
  EXPECT_NE(page.body.find("href=\"" + href + "\""), std::string::npos) << page.body;
  const auto pdf = b.get(href);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.header("Content-Type"), "application/pdf");
  EXPECT_TRUE(pdf.body.starts_with("%PDF-"));
  EXPECT_EQ(browser().get(href).status, 404) << "a stranger gets nothing";
  EXPECT_EQ(b.get("/en/order/" + number + "/documents/x.pdf").status, 404);
  EXPECT_EQ(page.header("X-Frame-Options"), "DENY");
  EXPECT_NE(page.header("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
}

// A public form must not flood a mailbox: a few valid links at a time per address, and the
// answer is the same whether or not one more was sent.
TEST_P(StorefrontTest, SignInLinksPerAddressAreBounded) {
  auto b = browser();
  const auto page = b.get("/en/account");
  for (int i = 0; i < limits::kSignInLinksLive + 2; ++i) {
    const auto r = b.post("/en/account/sign-in",
                          "csrf=" + hidden(page.body, "csrf") + "&email=eve%40example.com");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("Check your e-mail"), std::string::npos);
  }
  EXPECT_EQ(sign_in_emails("eve@example.com"),
            static_cast<std::size_t>(limits::kSignInLinksLive));
  clock_.advance_ms(limits::kSignInLinkTtlMs);
  b.post("/en/account/sign-in", "csrf=" + hidden(page.body, "csrf") + "&email=eve%40example.com");
  EXPECT_EQ(sign_in_emails("eve@example.com"),
            static_cast<std::size_t>(limits::kSignInLinksLive) + 1);
}

// Host header poisoning: without a configured shop address, a link is only built on a Host
// that names this machine; a forged one would send the victim's token to the forger's site.
TEST_P(StorefrontTest, SignInLinksAreNeverBuiltOnAForgedHost) {
  auto b = browser();
  const auto page = b.get("/en/account");
  std::vector<std::pair<std::string, std::string>> h = {
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Host", "evil.example"},
      {"Cookie", b.cookie}};
  const auto r = b.http.request(
      "POST", "/en/account/sign-in",
      "csrf=" + hidden(page.body, "csrf") + "&email=victim%40example.com", h);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(sign_in_emails("victim@example.com"), 0u);
}

// The shop's script posts the add-to-cart form asking for JSON: the same checks, the same
// hold, and an answer it can show without leaving the page.
TEST_P(StorefrontTest, AddToCartAnswersTheScriptInJson) {
  const auto handle = product("Pitcher", "PIT-1", 2500, 2);
  auto b = browser();
  const auto page = b.get("/it/p/" + handle);
  std::string csrf = hidden(page.body, "csrf");
  auto post = [&](const std::string& qty) {
    std::vector<std::pair<std::string, std::string>> h = {
        {"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    if (!b.cookie.empty()) h.emplace_back("Cookie", b.cookie);
    auto r = b.http.request("POST", "/it/cart/add", "csrf=" + csrf + "&sku=PIT-1&qty=" + qty, h);
    const auto set = r.header("Set-Cookie");
    if (!set.empty()) b.cookie = set.substr(0, set.find(';'));
    return r;
  };
  auto r = post("2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_NE(r.body.find("\"ok\":true"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"cart_count\":2"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"cart_label\":\"Carrello (2)\""), std::string::npos) << r.body;
  EXPECT_EQ(reserved("PIT-1"), 2);
  // The first change made the session: the answer carries its token for the next post.
  const auto at = r.body.find("\"csrf\":\"");
  ASSERT_NE(at, std::string::npos) << r.body;
  csrf = r.body.substr(at + 8, 32);
  EXPECT_EQ(csrf, hidden(b.get("/it/p/" + handle).body, "csrf"));
  r = post("1");  // only 2 exist
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"ok\":false"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"cart_count\":2"), std::string::npos) << r.body;
  EXPECT_EQ(reserved("PIT-1"), 2);
  EXPECT_NE(b.get("/it/cart").body.find("Pitcher"), std::string::npos);
}

// Guessing the e-mail of a known order number is bounded: after the limit the form
// answers 429 even for the right e-mail, until the window ends.
TEST_P(StorefrontTest, GuestLookupGuessesAreBoundedPerOrderNumber) {
  const auto handle = product("Cup", "GUESS-1", 800, 3);
  const std::string number = place(handle, "GUESS-1", "ada%40example.com");
  ASSERT_FALSE(number.empty());
  auto mallory = browser();
  const auto csrf = hidden(mallory.get("/it/orders/lookup").body, "csrf");
  auto guess = [&](const std::string& email) {
    return mallory.post("/it/orders/lookup", "csrf=" + csrf + "&number=" + number + "&email=" + email);
  };
  for (int i = 0; i < limits::kLookupFailuresPerNumber; ++i)
    ASSERT_EQ(guess("guess" + std::to_string(i) + "%40example.com").status, 404) << i;
  auto r = guess("ada%40example.com");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("Retry-After"), std::to_string(limits::kLookupWindowMs / 1000));
  EXPECT_NE(r.body.find("Troppi tentativi"), std::string::npos);
  EXPECT_EQ(mallory.get("/it/order/" + number).status, 404);
  clock_.advance_ms(limits::kLookupWindowMs);
  EXPECT_EQ(guess("ada%40example.com").status, 303) << "a new window";
}

INSTANTIATE_TEST_SUITE_P(Engines, StorefrontTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::storefront
