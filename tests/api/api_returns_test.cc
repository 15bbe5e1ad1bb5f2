// API tests of the returns resource over real HTTP (both engines).
//
// These tests cover validation, roles and the lifecycle; RMAs are seeded through the returns
// module on the server's own database (seed_rma). A return of a real shipped order, end to
// end through the chain (restock, refund, credit note), is in api_chain_test.cc.
#include "api_fixture.h"
#include "fondaco/returns/returns.h"

namespace fondaco::apitest {
namespace {

// An RMA for order 42 (SKU-A ×2 at 1500, SKU-B ×1 at 2500), as the returns workflow will
// create it; returns its id.
std::int64_t seed_rma(app::Runtime& rt) {
  returns::ReturnInput in;
  in.order_id = 42;
  in.order_number = "WEB-000042";
  in.customer_email = "anna@example.it";
  in.currency = "EUR";
  in.lines = {{"SKU-A", 2, returns::Reason::damaged, ""},
              {"SKU-B", 1, returns::Reason::changed_mind, ""}};
  in.returnable = {{"SKU-A", 2, 1500}, {"SKU-B", 1, 2500}};
  returns::Returns rets(rt.log);
  auto r = rt.db->write([&](storage::Tx& tx) { return rets.request(tx, in, rt.clock.now_ms()); });
  EXPECT_TRUE(r) << r.error().message;
  return r ? r->rma.id : 0;
}

TEST_P(ApiTest, ReturnRequestValidatesTheBodyThenNeedsTheOrder) {
  const std::string good =
      R"({"order_id":42,"lines":[{"sku":"SKU-A","qty":1,"reason":"damaged","note":"cracked"}]})";
  // No order 42: 404 naming order_id.
  auto r = post("/api/v1/returns", good);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(json_at(r.body, "field"), "order_id");

  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"lines":[{"sku":"SKU-A","qty":1,"reason":"damaged"}]})", "order_id"},
      {R"({"order_id":0,"lines":[{"sku":"SKU-A","qty":1,"reason":"damaged"}]})", "order_id"},
      {R"({"order_id":42})", "lines"},
      {R"({"order_id":42,"lines":[{"sku":"SKU-A","qty":0,"reason":"damaged"}]})", "lines[0].qty"},
      {R"({"order_id":42,"lines":[{"sku":"SKU-A","qty":1.5,"reason":"damaged"}]})",
       "lines[0].qty"},
      {R"({"order_id":42,"lines":[{"sku":"A","qty":1,"reason":"damaged"},)"
       R"({"sku":"B","qty":1,"reason":"bored"}]})",
       "lines[1].reason"},
      {R"({"order_id":42,"lines":[{"qty":1,"reason":"damaged"}]})", "lines[0].sku"},
      {R"({"order_id":42,"lines":[{"sku":"SKU-A","qty":1,"reason":"damaged","colour":"red"}]})",
       "lines[0].colour"},
      {R"({"order_id":42,"source":"robot","lines":[{"sku":"A","qty":1,"reason":"other"}]})",
       "source"},
      {R"({"order_id":42,"refund":1,"lines":[{"sku":"A","qty":1,"reason":"other"}]})", "refund"},
  };
  for (const auto& [body, field] : bad) {
    auto b = post("/api/v1/returns", body);
    EXPECT_EQ(b.status, 400) << body << " → " << b.body;
    EXPECT_EQ(json_at(b.body, "field"), field) << body << " → " << b.body;
  }
  EXPECT_EQ(json_at(get("/api/v1/returns").body, "items"), "[0]");
  // Roles: customer care requests; logistics may not.
  EXPECT_EQ(post("/api/v1/returns", good, token_for(governance::Role::logistics)).status, 403);
  EXPECT_EQ(post("/api/v1/returns", good, token_for(governance::Role::customer_care)).status, 404);
}

TEST_P(ApiTest, ReturnReadsListsAndRoles) {
  EXPECT_EQ(get("/api/v1/returns/1").status, 404);
  EXPECT_EQ(get("/api/v1/returns/abc").status, 404);
  const auto id = seed_rma(*rt_);
  const auto second = seed_rma(*rt_);
  auto one = get("/api/v1/returns/" + std::to_string(id));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json_at(one.body, "number").substr(0, 4), "RMA-");
  EXPECT_EQ(json_at(one.body, "status"), "requested");
  EXPECT_EQ(json_at(one.body, "order_id"), "42");
  EXPECT_EQ(json_at(one.body, "requested_minor"), "5500");
  EXPECT_EQ(json_at(one.body, "lines[1].sku"), "SKU-B");
  EXPECT_EQ(json_at(one.body, "timeline[0].to"), "requested");
  EXPECT_EQ(json_at(one.body, "return_by"), "null");

  auto page = get("/api/v1/returns?limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(json_at(page.body, "items"), "[1]");
  auto rest = get("/api/v1/returns?limit=1&cursor=" + json_at(page.body, "next_cursor"));
  EXPECT_EQ(json_at(rest.body, "items[0].id"), std::to_string(second));
  EXPECT_EQ(json_at(get("/api/v1/returns?order_id=42").body, "items"), "[2]");
  EXPECT_EQ(json_at(get("/api/v1/returns?order_id=43").body, "items"), "[0]");
  EXPECT_EQ(json_at(get("/api/v1/returns?status=authorized").body, "items"), "[0]");
  EXPECT_EQ(json_at(get("/api/v1/returns?status=lost").body, "field"), "status");
  EXPECT_EQ(json_at(get("/api/v1/returns?order_id=x").body, "field"), "order_id");
  EXPECT_EQ(get("/api/v1/returns?colour=red").status, 400);

  EXPECT_EQ(get("/api/v1/returns", token_for(governance::Role::accounting)).status, 200);
  EXPECT_EQ(get("/api/v1/returns", token_for(governance::Role::logistics)).status, 200);
  EXPECT_EQ(get("/api/v1/returns", token_for(governance::Role::marketing)).status, 403);
  EXPECT_EQ(get("/api/v1/returns").status, 200);  // admin
}

TEST_P(ApiTest, ReturnLifecycleOverHttpWithRolesAndRefusals) {
  const auto id = std::to_string(seed_rma(*rt_));
  const auto base = "/api/v1/returns/" + id;
  const auto care = token_for(governance::Role::customer_care);
  const auto dock = token_for(governance::Role::logistics);
  const auto books = token_for(governance::Role::accounting);

  EXPECT_EQ(post(base + "/authorize", "", dock).status, 403);
  EXPECT_EQ(post(base + "/receive", R"({"lines":[{"sku":"SKU-A","qty":1}]})", dock).status, 409);
  auto a = post(base + "/authorize", R"({"note":"ok"})", care);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(json_at(a.body, "status"), "authorized");
  EXPECT_NE(json_at(a.body, "return_by"), "null");
  EXPECT_EQ(post(base + "/reject", R"({"reason":"late"})", care).status, 409);

  EXPECT_EQ(post(base + "/receive", R"({"lines":[{"sku":"SKU-A","qty":1}]})", care).status, 403);
  auto over = post(base + "/receive", R"({"lines":[{"sku":"SKU-A","qty":3}]})", dock);
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(json_at(over.body, "field"), "lines[0].qty");
  EXPECT_EQ(json_at(post(base + "/receive", R"({"lines":[{"sku":"SKU-A"}]})", dock).body, "field"),
            "lines[0].qty");
  auto part = post(base + "/receive", R"({"lines":[{"sku":"SKU-A","qty":2}]})", dock);
  ASSERT_EQ(part.status, 200) << part.body;
  EXPECT_EQ(json_at(part.body, "lines[0].received_qty"), "2");
  ASSERT_EQ(post(base + "/receive", R"({"lines":[{"sku":"SKU-B","qty":1}]})", dock).status, 200);

  const std::string dispositions =
      R"("lines":[{"sku":"SKU-A","qty":2,"disposition":"restock","location":"WH"},)"
      R"({"sku":"SKU-B","qty":1,"disposition":"damaged","location":"DAMAGED"}])";
  auto bad_disp = post(base + "/inspect",
                       R"({"lines":[{"sku":"SKU-A","qty":2,"disposition":"burn","location":"WH"}]})",
                       dock);
  EXPECT_EQ(json_at(bad_disp.body, "field"), "lines[0].disposition");
  auto short_sum = post(base + "/inspect",
                        R"({"lines":[{"sku":"SKU-A","qty":1,"disposition":"restock","location":"WH"}]})",
                        dock);
  EXPECT_EQ(short_sum.status, 400);
  EXPECT_EQ(json_at(short_sum.body, "field"), "lines");
  // Destinations must be known locations that can take stock back (checked in the same
  // transaction, so the restocking step cannot fail later on a typo).
  auto unknown = post(base + "/inspect", "{" + dispositions + "}", dock);
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(json_at(unknown.body, "field"), "lines[1].location");
  auto to_customer = post(
      base + "/inspect",
      R"({"lines":[{"sku":"SKU-A","qty":2,"disposition":"restock","location":"CUSTOMER"},)"
      R"({"sku":"SKU-B","qty":1,"disposition":"damaged","location":"WH"}]})",
      dock);
  EXPECT_EQ(json_at(to_customer.body, "field"), "lines[0].location");
  ASSERT_EQ(post("/api/v1/locations", R"({"code":"DAMAGED","name":"Damaged","kind":"returns"})")
                .status,
            201);
  auto too_much = post(base + "/inspect", "{" + dispositions + R"(,"refund_minor":5501})", dock);
  EXPECT_EQ(too_much.status, 400);
  EXPECT_EQ(json_at(too_much.body, "field"), "refund_minor");
  auto ins = post(base + "/inspect", "{" + dispositions + R"(,"refund_minor":3000})", dock);
  ASSERT_EQ(ins.status, 200) << ins.body;
  EXPECT_EQ(json_at(ins.body, "refund_minor"), "3000");
  EXPECT_EQ(json_at(ins.body, "inspected[1].location"), "DAMAGED");
  // Refunds come from the payments workflow, so closing before it is refused.
  EXPECT_EQ(post(base + "/close", "", care).status, 409);
  EXPECT_EQ(post(base + "/cancel", "", care).status, 409);

  auto read = get(base, books);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(json_at(read.body, "timeline"), "[5]");
  EXPECT_EQ(json_at(read.body, "timeline[4].to"), "inspected");
  EXPECT_EQ(post("/api/v1/returns/999/authorize", "", care).status, 404);
  EXPECT_EQ(json_at(post(base + "/authorize", R"({"memo":"x"})", care).body, "field"), "memo");

  // Reject needs its reason; cancel works from requested.
  const auto other = "/api/v1/returns/" + std::to_string(seed_rma(*rt_));
  EXPECT_EQ(json_at(post(other + "/reject", "{}", care).body, "field"), "reason");
  auto cancelled = post(other + "/cancel", R"({"note":"customer changed mind"})", care);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(json_at(cancelled.body, "status"), "cancelled");
}

}  // namespace
}  // namespace fondaco::apitest
