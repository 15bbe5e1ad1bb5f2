// Channels, cart holds and order edits over HTTP, on both engines.
#include "api_fixture.h"

namespace fondaco::apitest {
namespace {

std::string cart_body(const std::string& lines, const std::string& extra = "") {
  return R"({"lines":[)" + lines + "]" + extra + "}";
}

std::string from_cart(const std::string& cart_id, const std::string& extra = "") {
  return R"({"cart_id":)" + cart_id +
         R"(,"customer":{"email":"anna@example.it","name":"Anna"},)"
         R"("shipping_address":{"name":"Anna","line1":"Via Roma 1","city":"Firenze","country":"IT"})" +
         extra + "}";
}

TEST_P(ApiTest, ChannelsRegistryCreateReadPatchAndValidation) {
  auto list = get("/api/v1/channels");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(json_at(list.body, "items"), "[7]");
  EXPECT_EQ(json_at(list.body, "items[0].code"), "storefront");
  EXPECT_EQ(json_at(list.body, "items[0].order_prefix"), "WEB");
  EXPECT_EQ(json_at(get("/api/v1/channels?limit=5&cursor=" +
                        json_at(get("/api/v1/channels?limit=5").body, "next_cursor")).body,
                    "items[1].code"),
            "ebay");

  auto created = post("/api/v1/channels",
                      R"({"code":"shopify-it","kind":"shopify","name":"Shopify Italia",)"
                      R"("order_prefix":"SIT","locations":["WH"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json_at(created.body, "locations[0]"), "WH");
  EXPECT_EQ(json_at(created.body, "active"), "true");
  auto one = get("/api/v1/channels/shopify-it");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(json_at(one.body, "kind"), "shopify");
  EXPECT_EQ(get("/api/v1/channels/nope").status, 404);

  const std::vector<std::tuple<std::string, int, std::string>> bad = {
      {R"({"code":"shopify-it","name":"Again"})", 409, "code"},
      {R"({"code":"web2","name":"W","order_prefix":"WEB"})", 409, "order_prefix"},
      {R"({"code":"Web Shop","name":"W"})", 400, "code"},
      {R"({"code":"web2","name":"W","kind":"telegraph"})", 400, "kind"},
      {R"({"code":"web2","name":"W","locations":["WH","NOPE"]})", 400, "locations[1]"},
      {R"({"code":"web2","name":"W","locations":["SUPPLIER"]})", 400, "locations[0]"},
      {R"({"code":"web2","name":"W","colour":"red"})", 400, "colour"},
      {R"({"code":"web2"})", 400, "name"},
  };
  for (const auto& [body, status, field] : bad) {
    auto r = post("/api/v1/channels", body);
    EXPECT_EQ(r.status, status) << body << " → " << r.body;
    EXPECT_EQ(json_at(r.body, "field"), field) << body << " → " << r.body;
  }
  EXPECT_EQ(json_at(get("/api/v1/channels").body, "items"), "[8]");

  auto patch_bad = patch("/api/v1/channels/storefront", R"({"locations":["WH","NOPE"]})");
  EXPECT_EQ(patch_bad.status, 400);
  EXPECT_EQ(json_at(patch_bad.body, "field"), "locations[1]");
  EXPECT_EQ(json_at(get("/api/v1/channels/storefront").body, "locations"), "[0]");
  EXPECT_EQ(json_at(patch("/api/v1/channels/storefront", R"({"active":"yes"})").body, "field"),
            "active");
  EXPECT_EQ(patch("/api/v1/channels/nope", R"({"name":"x"})").status, 404);
  auto patched = patch("/api/v1/channels/shopify-it", R"({"name":"Shopify IT","locations":[]})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(json_at(patched.body, "name"), "Shopify IT");
  EXPECT_EQ(json_at(patched.body, "locations"), "[0]");

  // Roles: anyone reads, only managers (and admin) change channels.
  const auto logistics = token_for(governance::Role::logistics);
  EXPECT_EQ(get("/api/v1/channels", logistics).status, 200);
  EXPECT_EQ(post("/api/v1/channels", R"({"code":"x","name":"X"})", logistics).status, 403);
  EXPECT_EQ(patch("/api/v1/channels/pos", R"({"active":false})", logistics).status, 403);
  const auto manager = token_for(governance::Role::manager);
  EXPECT_EQ(patch("/api/v1/channels/pos", R"({"name":"Cassa"})", manager).status, 200);

  // The channel's prefix numbers its orders.
  ASSERT_EQ(create_product("P", {"P-1"}).status, 201);
  ASSERT_EQ(receive("P-1", 5, "WH").status, 201);
  auto placed = post("/api/v1/orders", order_body(line("P-1", 1), R"(,"channel":"shopify-it")"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(json_at(placed.body, "number"), "SIT-000001");
}

TEST_P(ApiTest, OrdersForAnUnknownOrInactiveChannelAreRefusedWithNothingReserved) {
  ASSERT_EQ(create_product("U", {"U-1"}).status, 201);
  ASSERT_EQ(receive("U-1", 5, "WH").status, 201);
  auto unknown = post("/api/v1/orders", order_body(line("U-1", 1), R"(,"channel":"telegraph")"));
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(json_at(unknown.body, "field"), "channel");
  ASSERT_EQ(patch("/api/v1/channels/pos", R"({"active":false})").status, 200);
  auto inactive = post("/api/v1/orders", order_body(line("U-1", 1), R"(,"channel":"pos")"));
  EXPECT_EQ(inactive.status, 400) << inactive.body;
  EXPECT_EQ(json_at(inactive.body, "field"), "channel");
  auto cart = post("/api/v1/carts", cart_body(line("U-1", 1), R"(,"channel":"pos")"));
  EXPECT_EQ(cart.status, 400) << cart.body;
  EXPECT_EQ(json_at(cart.body, "field"), "channel");
  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[0]");
  EXPECT_EQ(json_at(get("/api/v1/stock/U-1").body, "reserved"), "0");
  // Active again: the same order goes through, numbered POS-000001 (no number was used).
  ASSERT_EQ(patch("/api/v1/channels/pos", R"({"active":true})").status, 200);
  auto ok = post("/api/v1/orders", order_body(line("U-1", 1), R"(,"channel":"pos")"));
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(json_at(ok.body, "number"), "POS-000001");
}

TEST_P(ApiTest, OrdersFollowTheChannelsLocationPriority) {
  ASSERT_EQ(create_product("Q", {"Q-1"}).status, 201);
  ASSERT_EQ(post("/api/v1/locations", R"({"code":"WH2","name":"Second","kind":"warehouse"})").status, 201);
  ASSERT_EQ(receive("Q-1", 5, "WH").status, 201);
  ASSERT_EQ(receive("Q-1", 5, "WH2").status, 201);
  auto first = post("/api/v1/orders", order_body(line("Q-1", 1)));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(json_at(first.body, "reservations[0].location"), "WH");  // id order by default
  ASSERT_EQ(patch("/api/v1/channels/storefront", R"({"locations":["WH2","WH"]})").status, 200);
  auto second = post("/api/v1/orders", order_body(line("Q-1", 2)));
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(json_at(second.body, "reservations"), "[1]");
  EXPECT_EQ(json_at(second.body, "reservations[0].location"), "WH2");
  // The request's own list still wins.
  auto third = post("/api/v1/orders", order_body(line("Q-1", 1), R"(,"locations":["WH"])"));
  EXPECT_EQ(json_at(third.body, "reservations[0].location"), "WH");
  // A cart on the channel is held in the channel's order too.
  auto cart = post("/api/v1/carts", cart_body(line("Q-1", 1)));
  ASSERT_EQ(cart.status, 201) << cart.body;
  EXPECT_EQ(json_at(cart.body, "holds[0].location"), "WH2");
}

TEST_P(ApiTest, CartsHoldStockUntilTheyBecomeAnOrder) {
  ASSERT_EQ(create_product("C", {"C-1", "C-2"}).status, 201);
  ASSERT_EQ(receive("C-1", 3, "WH").status, 201);
  ASSERT_EQ(receive("C-2", 1, "WH").status, 201);
  auto cart = post("/api/v1/carts", cart_body(line("C-1", 2)));
  ASSERT_EQ(cart.status, 201) << cart.body;
  const std::string id = json_at(cart.body, "id");
  EXPECT_EQ(json_at(cart.body, "status"), "active");
  EXPECT_EQ(json_at(cart.body, "channel"), "storefront");
  EXPECT_EQ(json_at(cart.body, "ttl_seconds"), "900");  // the server default
  EXPECT_EQ(json_at(cart.body, "holds[0].reference"), "cart:" + id + ":line:1");
  EXPECT_EQ(json_at(cart.body, "holds[0].expires_at"), json_at(cart.body, "expires_at"));
  EXPECT_EQ(json_at(get("/api/v1/stock/C-1").body, "available"), "1");

  // The held units cannot be sold to another order.
  auto other = post("/api/v1/orders", order_body(line("C-1", 2)));
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(json_at(other.body, "code"), "insufficient_stock");

  // Changing the lines re-holds all or nothing.
  auto too_many = patch("/api/v1/carts/" + id, cart_body(line("C-1", 3) + "," + line("C-2", 2)));
  EXPECT_EQ(too_many.status, 409) << too_many.body;
  EXPECT_EQ(json_at(too_many.body, "errors"), "[1]");
  EXPECT_EQ(json_at(too_many.body, "errors[0].sku"), "C-2");
  auto same = get("/api/v1/carts/" + id);
  EXPECT_EQ(json_at(same.body, "lines"), "[1]");
  EXPECT_EQ(json_at(same.body, "lines[0].qty"), "2");
  EXPECT_EQ(json_at(get("/api/v1/stock/C-1").body, "reserved"), "2");
  auto changed = patch("/api/v1/carts/" + id,
                       cart_body(line("C-1", 3) + "," + line("C-2", 1), R"(,"ttl_seconds":600)"));
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(json_at(changed.body, "ttl_seconds"), "600");
  EXPECT_EQ(json_at(changed.body, "lines[0].line_no"), "2");
  EXPECT_EQ(json_at(get("/api/v1/stock/C-1").body, "reserved"), "3");
  EXPECT_EQ(json_at(get("/api/v1/stock/C-2").body, "reserved"), "1");

  // Converting: the order takes the lines and the holds.
  auto order = post("/api/v1/orders", from_cart(id));
  ASSERT_EQ(order.status, 201) << order.body;
  EXPECT_EQ(json_at(order.body, "lines"), "[2]");
  EXPECT_EQ(json_at(order.body, "lines[0].qty"), "3");
  EXPECT_EQ(json_at(order.body, "totals.lines_minor"), "4000");
  EXPECT_EQ(json_at(order.body, "reservations"), "[2]");
  EXPECT_EQ(json_at(order.body, "reservations[0].status"), "active");
  EXPECT_EQ(json_at(get("/api/v1/stock/C-1").body, "reserved"), "3");
  auto converted = get("/api/v1/carts/" + id);
  EXPECT_EQ(json_at(converted.body, "status"), "converted");
  EXPECT_EQ(json_at(converted.body, "order_id"), json_at(order.body, "id"));
  EXPECT_EQ(json_at(converted.body, "holds[0].status"), "released");
  auto again = post("/api/v1/orders", from_cart(id));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(json_at(again.body, "code"), "cart_converted");
  EXPECT_EQ(json_at(again.body, "field"), "cart_id");
  EXPECT_EQ(json_at(del("/api/v1/carts/" + id).body, "code"), "cart_converted");
  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[1]");

  // Deleting a cart releases its holds.
  ASSERT_EQ(receive("C-1", 2, "WH").status, 201);
  auto second = post("/api/v1/carts", cart_body(line("C-1", 2)));
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(json_at(get("/api/v1/stock/C-1").body, "reserved"), "5");
  auto deleted = del("/api/v1/carts/" + json_at(second.body, "id"));
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(json_at(deleted.body, "status"), "released");
  EXPECT_EQ(json_at(get("/api/v1/stock/C-1").body, "reserved"), "3");
  auto gone = post("/api/v1/orders", from_cart(json_at(second.body, "id")));
  EXPECT_EQ(json_at(gone.body, "code"), "cart_expired");
  EXPECT_EQ(get("/api/v1/carts/999").status, 404);
}

TEST_P(ApiTest, ExpiredCartHoldsAreReleasedAndCannotBeOrdered) {
  ASSERT_EQ(create_product("E", {"E-1"}).status, 201);
  ASSERT_EQ(receive("E-1", 2, "WH").status, 201);
  auto cart = post("/api/v1/carts", cart_body(line("E-1", 2), R"(,"ttl_seconds":60)"));
  ASSERT_EQ(cart.status, 201) << cart.body;
  const std::string id = json_at(cart.body, "id");
  // The housekeeper's pass, as it would run once the minute is over.
  auto n = rt_->db->write([&](storage::Tx& tx) {
    return rt_->inventory->expire(tx, rt_->clock.now_ms() + 61'000, 500);
  });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(json_at(get("/api/v1/stock/E-1").body, "reserved"), "0");
  EXPECT_EQ(json_at(get("/api/v1/carts/" + id).body, "holds[0].status"), "expired");
  auto order = post("/api/v1/orders", from_cart(id));
  EXPECT_EQ(order.status, 409) << order.body;
  EXPECT_EQ(json_at(order.body, "code"), "cart_expired");
  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[0]");
  EXPECT_EQ(json_at(get("/api/v1/stock/E-1").body, "reserved"), "0");
  // The stock is free for everyone again.
  EXPECT_EQ(post("/api/v1/orders", order_body(line("E-1", 2))).status, 201);
}

TEST_P(ApiTest, CartBadInputNamesTheFieldAndHoldsNothing) {
  ASSERT_EQ(create_product("B", {"B-1"}).status, 201);
  ASSERT_EQ(receive("B-1", 5, "WH").status, 201);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {cart_body(line("B-1", 1), R"(,"ttl_seconds":10)"), "ttl_seconds"},
      {cart_body(line("B-1", 1), R"(,"ttl_seconds":86401)"), "ttl_seconds"},
      {cart_body(line("B-1", 1) + "," + line("NOPE", 1)), "lines[1].sku"},
      {cart_body(line("B-1", 0)), "lines[0].qty"},
      {cart_body(R"({"sku":"B-1","qty":1,"price":3})"), "lines[0].price"},
      {cart_body(""), "lines"},
      {cart_body(line("B-1", 1), R"(,"customer":{})"), "customer"},
  };
  for (const auto& [body, field] : cases) {
    auto r = post("/api/v1/carts", body);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
    EXPECT_EQ(json_at(r.body, "field"), field) << body << " → " << r.body;
  }
  EXPECT_EQ(json_at(get("/api/v1/stock/B-1").body, "reserved"), "0");
  EXPECT_EQ(post("/api/v1/carts", cart_body(line("B-1", 1)), token_for(governance::Role::logistics)).status,
            403);
  auto cart = post("/api/v1/carts", cart_body(line("B-1", 1)));
  ASSERT_EQ(cart.status, 201);
  // With a cart the lines and locations are the cart's.
  auto with_lines = post("/api/v1/orders", R"({"cart_id":)" + json_at(cart.body, "id") +
                                               R"(,"customer":{"email":"a@b.it"},"lines":[)" +
                                               line("B-1", 1) + "]}");
  EXPECT_EQ(json_at(with_lines.body, "field"), "lines");
  EXPECT_EQ(json_at(post("/api/v1/orders", from_cart("424242")).body, "field"), "cart_id");
  EXPECT_EQ(json_at(post("/api/v1/orders", from_cart(json_at(cart.body, "id"), R"(,"channel":"pos")")).body,
                    "field"),
            "channel");
  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[0]");
}

TEST_P(ApiTest, OrderEditsBeforeFulfilmentReReserveAtomically) {
  ASSERT_EQ(create_product("D", {"D-1", "D-2", "D-3"}).status, 201);
  ASSERT_EQ(receive("D-1", 5, "WH").status, 201);
  ASSERT_EQ(receive("D-2", 1, "WH").status, 201);
  ASSERT_EQ(receive("D-3", 2, "WH").status, 201);
  auto placed = post("/api/v1/orders", order_body(line("D-1", 2) + "," + line("D-2", 1)));
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = json_at(placed.body, "id");
  const std::string url = "/api/v1/orders/" + id;

  // Short stock: 409 listing the short line; order, totals and holds exactly as before.
  const auto before = get(url).body;
  auto refused = patch(url, R"({"lines":[{"line_no":1,"qty":2},{"line_no":2,"qty":2}],"notes":"x"})");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(json_at(refused.body, "code"), "insufficient_stock");
  EXPECT_EQ(json_at(refused.body, "errors[0].sku"), "D-2");
  EXPECT_EQ(get(url).body, before);
  EXPECT_EQ(json_at(get("/api/v1/stock/D-2").body, "reserved"), "1");

  // Line 1 to 4, line 2 removed, D-3 added (priced from the catalog), new address, notes.
  auto edited = patch(url, R"({"lines":[{"line_no":1,"qty":4},{"sku":"D-3","qty":2}],)"
                           R"("shipping_address":{"name":"Anna","line1":"Via Po 9","city":"Torino","country":"IT"},)"
                           R"("notes":"citofono 3","note":"customer called"})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(json_at(edited.body, "lines"), "[2]");
  EXPECT_EQ(json_at(edited.body, "lines[0].qty"), "4");
  EXPECT_EQ(json_at(edited.body, "lines[1].line_no"), "3");
  EXPECT_EQ(json_at(edited.body, "lines[1].sku"), "D-3");
  EXPECT_EQ(json_at(edited.body, "lines[1].unit_price_minor"), "1000");
  EXPECT_EQ(json_at(edited.body, "totals.total_minor"), "6500");  // 6000 + 500 shipping
  EXPECT_EQ(json_at(edited.body, "shipping_address.city"), "Torino");
  EXPECT_EQ(json_at(edited.body, "notes"), "citofono 3");
  EXPECT_EQ(json_at(edited.body, "timeline[1].note"), "customer called");
  EXPECT_EQ(json_at(edited.body, "status"), "pending_payment");
  EXPECT_EQ(json_at(get("/api/v1/stock/D-1").body, "reserved"), "4");
  EXPECT_EQ(json_at(get("/api/v1/stock/D-2").body, "reserved"), "0");
  EXPECT_EQ(json_at(get("/api/v1/stock/D-3").body, "reserved"), "2");
  // Only notes: no stock touched.
  auto notes = patch(url, R"({"notes":"ok"})");
  ASSERT_EQ(notes.status, 200) << notes.body;
  EXPECT_EQ(json_at(get("/api/v1/stock/D-1").body, "reserved"), "4");

  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"lines":[{"line_no":9,"qty":1}]})", "lines[0].line_no"},
      {R"({"lines":[{"line_no":1,"sku":"D-2"}]})", "lines[0].sku"},
      {R"({"lines":[{"sku":"NOPE","qty":1}]})", "lines[0].sku"},
      {R"({"lines":[{"sku":"D-1"}]})", "lines[0].qty"},
      {R"({"lines":[]})", "lines"},
      {R"({"shipping_address":{"name":"A","line1":"B","city":"C","country":"Italia"}})",
       "shipping_address.country"},
      {R"({"status":"paid"})", "status"},
  };
  for (const auto& [body, field] : bad) {
    auto r = patch(url, body);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
    EXPECT_EQ(json_at(r.body, "field"), field) << body << " → " << r.body;
  }
  EXPECT_EQ(patch(url, "{}").status, 400);
  EXPECT_EQ(patch("/api/v1/orders/99999", R"({"notes":"x"})").status, 404);
  EXPECT_EQ(patch(url, R"({"notes":"x"})", token_for(governance::Role::logistics)).status, 403);

  // Once fulfilment starts the order cannot be edited.
  ASSERT_EQ(post(url + "/status", R"({"status":"paid"})").status, 200);
  EXPECT_EQ(patch(url, R"({"notes":"paid orders can still change"})").status, 200);
  ASSERT_EQ(post(url + "/status", R"({"status":"fulfilling"})").status, 200);
  auto late = patch(url, R"({"lines":[{"line_no":1,"qty":1}]})");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(json_at(late.body, "code"), "invalid_transition");
  EXPECT_EQ(json_at(late.body, "field"), "status");
  EXPECT_EQ(json_at(get("/api/v1/stock/D-1").body, "reserved"), "4");
}

}  // namespace
}  // namespace fondaco::apitest
