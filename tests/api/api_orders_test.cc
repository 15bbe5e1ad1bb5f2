// Orders over HTTP: place, read, list, filter, status, cancel, bad input, stock allocation,
// idempotency. Races for the last units: api_orders_race_test.cc.
#include "api_fixture.h"

namespace fondaco::apitest {
namespace {

TEST_P(ApiTest, ArchivedProductsCannotBeOrderedAndBankTransfersGoStraightToPaid) {
  ASSERT_EQ(create_product("Old", {"OLD-1"}).status, 201);
  ASSERT_EQ(create_product("New", {"NEW-1"}).status, 201);
  ASSERT_EQ(receive("OLD-1", 5, "WH").status, 201);
  ASSERT_EQ(receive("NEW-1", 5, "WH").status, 201);
  const std::string old_id = json_at(get("/api/v1/products?q=old-1").body, "items[0].id");
  ASSERT_EQ(del("/api/v1/products/" + old_id).status, 200);
  auto refused = post("/api/v1/orders", order_body(line("NEW-1", 1) + "," + line("OLD-1", 1)));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(json_at(refused.body, "field"), "lines[1].sku");
  EXPECT_EQ(json_at(get("/api/v1/stock/NEW-1").body, "reserved"), "0");
  auto placed = post("/api/v1/orders", order_body(line("NEW-1", 1)));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto paid = post("/api/v1/orders/" + json_at(placed.body, "id") + "/status", R"({"status":"paid"})");
  EXPECT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(json_at(paid.body, "payment_status"), "paid");
}

TEST_P(ApiTest, OrdersCreateGetListStatusCancel) {
  ASSERT_EQ(create_product("Olio", {"OIL-1", "OIL-2"}).status, 201);
  ASSERT_EQ(receive("OIL-1", 10, "WH").status, 201);
  ASSERT_EQ(receive("OIL-2", 10, "WH").status, 201);
  auto created = post("/api/v1/orders", order_body(line("OIL-1", 2) + "," + line("OIL-2", 1)));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json_at(created.body, "id");
  EXPECT_EQ(json_at(created.body, "number"), "WEB-000001");
  EXPECT_EQ(json_at(created.body, "status"), "pending_payment");
  EXPECT_EQ(json_at(created.body, "lines[0].unit_price_minor"), "1000");
  EXPECT_EQ(json_at(created.body, "totals.total_minor"), "3500");
  EXPECT_EQ(json_at(created.body, "totals.vat[0].vat_minor"), "631");  // 3500 − 2869
  EXPECT_EQ(json_at(created.body, "reservations"), "[2]");
  EXPECT_EQ(json_at(created.body, "reservations[0].location"), "WH");
  EXPECT_EQ(json_at(get("/api/v1/stock/OIL-1").body, "reserved"), "2");

  auto one = get("/api/v1/orders/" + id);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json_at(one.body, "customer.email"), "anna@example.it");
  EXPECT_EQ(json_at(one.body, "shipping_address.country"), "IT");
  EXPECT_EQ(json_at(one.body, "timeline[0].to"), "pending_payment");
  EXPECT_EQ(get("/api/v1/orders/99999").status, 404);

  auto second = post("/api/v1/orders", order_body(line("OIL-2", 1), R"(,"channel":"pos")"));
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(json_at(second.body, "number"), "POS-000001");

  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[2]");
  EXPECT_EQ(json_at(get("/api/v1/orders?channel=pos").body, "items"), "[1]");
  EXPECT_EQ(json_at(get("/api/v1/orders?sku=OIL-1").body, "items[0].id"), id);
  EXPECT_EQ(json_at(get("/api/v1/orders?email=ANNA@example.it").body, "items"), "[2]");
  EXPECT_EQ(json_at(get("/api/v1/orders?from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z").body,
                    "items"),
            "[0]");
  auto paged = get("/api/v1/orders?limit=1");
  EXPECT_EQ(json_at(get("/api/v1/orders?limit=1&cursor=" + json_at(paged.body, "next_cursor")).body,
                    "items[0].number"),
            "POS-000001");
  EXPECT_EQ(get("/api/v1/orders?status=lost").status, 400);
  EXPECT_EQ(json_at(get("/api/v1/orders?from=yesterday").body, "field"), "from");

  auto confirmed = post("/api/v1/orders/" + id + "/status", R"({"status":"confirmed","note":"ok"})");
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(json_at(confirmed.body, "timeline[1].note"), "ok");
  EXPECT_EQ(json_at(get("/api/v1/orders?status=confirmed").body, "items"), "[1]");
  auto backwards = post("/api/v1/orders/" + id + "/status", R"({"status":"pending_payment"})");
  EXPECT_EQ(backwards.status, 409);
  EXPECT_EQ(json_at(backwards.body, "code"), "invalid_transition");
  EXPECT_EQ(json_at(backwards.body, "field"), "status");
  auto shipped = post("/api/v1/orders/" + id + "/status", R"({"status":"shipped"})");
  EXPECT_EQ(json_at(shipped.body, "field"), "status");

  // Roles: logistics may read but not cancel; accounting may cancel.
  const auto logistics = token_for(governance::Role::logistics);
  EXPECT_EQ(get("/api/v1/orders/" + id, logistics).status, 200);
  EXPECT_EQ(post("/api/v1/orders/" + id + "/cancel", "", logistics).status, 403);
  EXPECT_EQ(post("/api/v1/orders", order_body(line("OIL-1", 1)), logistics).status, 403);
  auto cancelled = post("/api/v1/orders/" + id + "/cancel", R"({"note":"changed mind"})",
                        token_for(governance::Role::accounting));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(json_at(cancelled.body, "status"), "cancelled");
  EXPECT_EQ(json_at(cancelled.body, "reservations[0].status"), "released");
  EXPECT_EQ(json_at(get("/api/v1/stock/OIL-1").body, "reserved"), "0");
  EXPECT_EQ(post("/api/v1/orders/" + id + "/cancel", "").status, 409);
}

TEST_P(ApiTest, OrdersBadInputNamesTheFieldAndWritesNothing) {
  ASSERT_EQ(create_product("X", {"X-1"}).status, 201);
  ASSERT_EQ(receive("X-1", 5, "WH").status, 201);
  const std::string ok_line = line("X-1", 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {order_body(ok_line + "," + line("NOPE", 1)), "lines[1].sku"},
      {order_body(ok_line + "," + ok_line + "," + line("X-1", 0)), "lines[2].qty"},
      {order_body(R"({"sku":"X-1","qty":1,"colour":"red"})"), "lines[0].colour"},
      {order_body(R"({"sku":"X-1","qty":2,"unit_price_minor":100,"discount_minor":201})"),
       "lines[0].discount_minor"},
      {R"({"customer":{"email":"nope"},"lines":[)" + ok_line + "]}", "customer.email"},
      {R"({"lines":[)" + ok_line + "]}", "customer"},
      {R"({"customer":{"email":"a@b.it"},"shipping_address":{"name":"A","line1":"B","city":"C","country":"Italia"},"lines":[)" +
           ok_line + "]}",
       "shipping_address.country"},
      {order_body(ok_line, R"(,"currency":"XXX")"), "currency"},
      {order_body(ok_line, R"(,"channel":"Web Shop")"), "channel"},
      {order_body(""), "lines"},
      {order_body(ok_line, R"(,"gift":true)"), "gift"},
  };
  for (const auto& [body, field] : cases) {
    auto r = post("/api/v1/orders", body);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
    EXPECT_EQ(json_at(r.body, "field"), field) << body << " → " << r.body;
  }
  std::string too_many;
  for (int i = 0; i < 501; ++i) too_many += (i ? "," : "") + ok_line;
  EXPECT_EQ(json_at(post("/api/v1/orders", order_body(too_many)).body, "field"), "lines");
  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[0]");
  EXPECT_EQ(json_at(get("/api/v1/stock/X-1").body, "reserved"), "0");
}

TEST_P(ApiTest, OrdersShortStockListsEveryShortLine) {
  ASSERT_EQ(create_product("S", {"S-1", "S-2", "S-3"}).status, 201);
  ASSERT_EQ(receive("S-1", 1, "WH").status, 201);
  ASSERT_EQ(receive("S-2", 5, "WH").status, 201);
  auto r = post("/api/v1/orders", order_body(line("S-1", 2) + "," + line("S-2", 1) + "," + line("S-3", 4)));
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(json_at(r.body, "code"), "insufficient_stock");
  EXPECT_EQ(json_at(r.body, "field"), "lines");
  EXPECT_EQ(json_at(r.body, "errors"), "[2]");
  EXPECT_EQ(json_at(r.body, "errors[0].sku"), "S-1");
  EXPECT_EQ(json_at(r.body, "errors[0].requested"), "2");
  EXPECT_EQ(json_at(r.body, "errors[0].available"), "1");
  EXPECT_EQ(json_at(r.body, "errors[1].sku"), "S-3");
  EXPECT_EQ(json_at(r.body, "errors[1].available"), "0");
  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[0]");
  EXPECT_EQ(json_at(get("/api/v1/stock/S-2").body, "reserved"), "0");
}

TEST_P(ApiTest, OrdersPreferOneLocationElseSplit) {
  ASSERT_EQ(create_product("L", {"L-1", "L-2"}).status, 201);
  ASSERT_EQ(post("/api/v1/locations", R"({"code":"WH2","name":"Second","kind":"warehouse"})").status, 201);
  ASSERT_EQ(receive("L-1", 5, "WH").status, 201);
  ASSERT_EQ(receive("L-1", 5, "WH2").status, 201);
  ASSERT_EQ(receive("L-2", 5, "WH2").status, 201);
  // WH has no L-2: the whole order comes from WH2.
  auto single = post("/api/v1/orders", order_body(line("L-1", 2) + "," + line("L-2", 1)));
  ASSERT_EQ(single.status, 201) << single.body;
  EXPECT_EQ(json_at(single.body, "reservations"), "[2]");
  EXPECT_EQ(json_at(single.body, "reservations[0].location"), "WH2");
  EXPECT_EQ(json_at(single.body, "reservations[1].location"), "WH2");
  // 7 of L-1: WH has 5, WH2 3 → split 5 + 2 in priority (id) order.
  auto split = post("/api/v1/orders", order_body(line("L-1", 7)));
  ASSERT_EQ(split.status, 201) << split.body;
  EXPECT_EQ(json_at(split.body, "reservations"), "[2]");
  auto stock = get("/api/v1/stock/L-1");
  EXPECT_EQ(json_at(stock.body, "reserved"), "9");
  EXPECT_EQ(json_at(stock.body, "locations[0].reserved"), "5");
  EXPECT_EQ(json_at(stock.body, "locations[1].reserved"), "4");
}

TEST_P(ApiTest, OrdersIdempotencyKeyAndExternalRef) {
  ASSERT_EQ(create_product("I", {"I-1"}).status, 201);
  ASSERT_EQ(receive("I-1", 10, "WH").status, 201);
  const auto body = order_body(line("I-1", 1));
  auto first = send("POST", "/api/v1/orders", body, "", {{"Idempotency-Key", "o-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  auto replay = send("POST", "/api/v1/orders", body, "", {{"Idempotency-Key", "o-1"}});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[1]");
  EXPECT_EQ(json_at(get("/api/v1/stock/I-1").body, "reserved"), "1");

  const auto imported = order_body(line("I-1", 2), R"(,"channel":"shopify","external_ref":"#1001","channel_total_minor":2400)");
  auto a = post("/api/v1/orders", imported);
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(json_at(a.body, "number"), "SHP-000001");
  EXPECT_EQ(json_at(a.body, "totals_mismatch"), "true");  // ours is 2500
  auto b = post("/api/v1/orders", imported);
  EXPECT_EQ(b.status, 200);
  EXPECT_EQ(json_at(b.body, "id"), json_at(a.body, "id"));
  EXPECT_EQ(json_at(get("/api/v1/stock/I-1").body, "reserved"), "3");
}

}  // namespace
}  // namespace fondaco::apitest
