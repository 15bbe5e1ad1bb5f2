// API tests of the fulfillment resource over real HTTP (both engines): shipments, scans,
// labels, ship, pick lists, carriers, manifests, the tracking webhook and roles. The
// shipments here belong to no order (no order_id), and their carrier is chosen at creation,
// so the order-to-cash chain's automatic label (shipment.created) cannot change what these
// tests see, whether or not the runtime delivers events while they run.
#include "api_fixture.h"

namespace fondaco::apitest {
namespace {

std::string shipment_body(const std::string& key, const std::string& lines,
                          const std::string& extra = "") {
  return R"({"source_key":")" + key +
         R"(","order_number":"WEB-000007","location":"WH",)"
         R"("ship_to":{"name":"Anna Rossi","line1":"Via Roma 1","city":"Firenze",)"
         R"("postal_code":"50123","province":"FI","country":"IT"},"lines":[)" +
         lines + "]" + extra + "}";
}

const std::string kTwoLines =
    R"({"sku":"A-1","gtin":"4006381333931","description":"Mug","qty":2,"weight_g":300,)"
    R"("bin":"A-01","pick_seq":10},{"sku":"B-2","qty":1,"weight_g":200,"bin":"B-01","pick_seq":5})";

TEST_P(ApiTest, FulfilShipmentScanLabelShipOverHttp) {
  auto created = post("/api/v1/shipments",
                      shipment_body("order:7:loc:WH", kTwoLines, R"(,"carrier":"POSTE")"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json_at(created.body, "id");
  EXPECT_EQ(json_at(created.body, "status"), "pending");
  EXPECT_EQ(json_at(created.body, "carrier"), "POSTE");
  EXPECT_EQ(json_at(created.body, "weight_g"), "800");
  auto again = post("/api/v1/shipments", shipment_body("order:7:loc:WH", kTwoLines));  // no carrier
  EXPECT_EQ(again.status, 200);  // the same source key: the existing shipment
  EXPECT_EQ(json_at(again.body, "id"), id);

  const std::vector<std::tuple<std::string, int, std::string>> bad = {
      {shipment_body("k1", R"({"sku":"A-1","qty":0})"), 400, "lines[0].qty"},
      {shipment_body("k2", R"({"sku":"A-1","qty":1,"gtin":"4006381333932"})"), 422, "lines[0].gtin"},
      {shipment_body("k3", R"({"sku":"A-1","qty":1,"colour":"red"})"), 400, "lines[0].colour"},
      {shipment_body("k4", R"({"sku":"A-1","qty":1})", R"(,"carrier":"DHL")"), 400, "carrier"},
  };
  for (const auto& [body, status, field] : bad) {
    auto r = post("/api/v1/shipments", body);
    EXPECT_EQ(r.status, status) << body << " → " << r.body;
    EXPECT_EQ(json_at(r.body, "field"), field) << r.body;
  }

  const std::string base = "/api/v1/shipments/" + id;
  auto wrong = post(base + "/scan", R"({"code":"Z-9"})");
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(json_at(wrong.body, "field"), "code");
  // A retried scan (same Idempotency-Key) counts once.
  auto first = send("POST", base + "/scan", R"({"code":"4006381333931"})", "",
                    {{"Idempotency-Key", "scan-1"}});
  ASSERT_EQ(first.status, 200) << first.body;
  auto replay = send("POST", base + "/scan", R"({"code":"4006381333931"})", "",
                     {{"Idempotency-Key", "scan-1"}});
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(json_at(get(base).body, "lines[0].scanned"), "1");
  EXPECT_EQ(json_at(post(base + "/scan", R"({"code":"A-1"})").body, "complete"), "false");
  auto extra = post(base + "/scan", R"({"code":"A-1"})");
  EXPECT_EQ(extra.status, 409);
  EXPECT_EQ(json_at(extra.body, "field"), "code");
  EXPECT_EQ(post(base + "/ship", "").status, 409);  // no label yet (and not packed)
  auto done = post(base + "/scan", R"({"code":"B-2"})");
  EXPECT_EQ(json_at(done.body, "complete"), "true");
  EXPECT_EQ(json_at(done.body, "shipment.status"), "packed");

  auto labelled = post(base + "/label", R"({"parcels":1})");
  ASSERT_EQ(labelled.status, 201) << labelled.body;
  const std::string tracking = json_at(labelled.body, "tracking_number");
  EXPECT_EQ(tracking.size(), 13u);
  EXPECT_EQ(json_at(labelled.body, "carrier"), "POSTE");
  EXPECT_NE(json_at(labelled.body, "tracking_url").find(tracking), std::string::npos);
  auto pdf = get(base + "/label.pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.header("Content-Type"), "application/pdf");
  EXPECT_TRUE(pdf.body.starts_with("%PDF-"));
  auto zpl = get(base + "/label.zpl");
  ASSERT_EQ(zpl.status, 200);
  EXPECT_NE(zpl.body.find("^BCN"), std::string::npos);
  EXPECT_NE(zpl.body.find("^FD" + tracking + "^FS"), std::string::npos);

  auto shipped = post(base + "/ship", "");
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_EQ(json_at(shipped.body, "status"), "shipped");
  EXPECT_EQ(json_at(shipped.body, "forced"), "false");
  EXPECT_EQ(post(base + "/cancel", "").status, 409);
  auto list = get("/api/v1/shipments?status=shipped&location=WH&carrier=POSTE");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(json_at(list.body, "items"), "[1]");
  EXPECT_EQ(json_at(get("/api/v1/shipments?status=pending").body, "items"), "[0]");
  EXPECT_EQ(json_at(get("/api/v1/shipments?order_id=7").body, "items"), "[0]");
  EXPECT_EQ(json_at(get("/api/v1/shipments?order_id=x").body, "field"), "order_id");
  EXPECT_EQ(json_at(get("/api/v1/shipments?status=lost").body, "field"), "status");
  EXPECT_EQ(get("/api/v1/shipments/999").status, 404);

  // The event carries what the order workflow needs to commit the reservations.
  auto events = get("/api/v1/events?after=0&limit=1000");
  EXPECT_NE(events.body.find("shipment.shipped"), std::string::npos);
}

TEST_P(ApiTest, FulfilPickListsCarriersAndRoles) {
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(post("/api/v1/shipments", shipment_body("pl" + std::to_string(i), kTwoLines)).status,
              201);
  auto list = post("/api/v1/pick-lists", R"({"location":"WH","max_shipments":2})");
  ASSERT_EQ(list.status, 201) << list.body;
  EXPECT_EQ(json_at(list.body, "shipment_ids"), "[2]");
  EXPECT_EQ(json_at(list.body, "lines[0].sku"), "B-2");  // pick_seq 5 before 10
  EXPECT_EQ(json_at(list.body, "lines[0].qty"), "2");
  EXPECT_EQ(json_at(list.body, "lines[1].qty"), "4");
  const std::string pl = "/api/v1/pick-lists/" + json_at(list.body, "id");
  EXPECT_EQ(json_at(get(pl).body, "location"), "WH");
  auto pdf = get(pl + ".pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_TRUE(pdf.body.starts_with("%PDF-"));
  auto rest = post("/api/v1/pick-lists", R"({"location":"WH"})");
  EXPECT_EQ(json_at(rest.body, "shipment_ids"), "[1]");
  EXPECT_EQ(post("/api/v1/pick-lists", R"({"location":"WH"})").status, 409);
  EXPECT_EQ(json_at(post("/api/v1/pick-lists", R"({"location":"WH","max_shipments":0})").body,
                    "field"),
            "max_shipments");
  EXPECT_EQ(json_at(get("/api/v1/pick-lists?location=WH").body, "items"), "[2]");

  auto carriers = get("/api/v1/carriers");
  ASSERT_EQ(carriers.status, 200);
  EXPECT_EQ(json_at(carriers.body, "items"), "[4]");
  const std::string sda =
      R"({"name":"SDA","services":["standard","express"],"tracking_format":"generic",)"
      R"("tracking_prefix":"SDA","tracking_url_template":"https://sda.example/t/{tracking}",)"
      R"("max_parcel_weight_g":30000})";
  auto put = send("PUT", "/api/v1/carriers/SDA", sda, "");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(json_at(put.body, "default"), "false");
  EXPECT_EQ(json_at(get("/api/v1/carriers").body, "items"), "[5]");
  auto bad = send("PUT", "/api/v1/carriers/SDA",
                  R"({"name":"SDA","services":["standard"],"tracking_format":"s10",)"
                  R"("tracking_prefix":"S1","max_parcel_weight_g":30000})", "");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json_at(bad.body, "field"), "tracking_prefix");

  const auto care = token_for(governance::Role::customer_care);
  const auto logistics = token_for(governance::Role::logistics);
  const auto marketing = token_for(governance::Role::marketing);
  EXPECT_EQ(get("/api/v1/shipments", care).status, 200);
  EXPECT_EQ(get(pl, token_for(governance::Role::manager)).status, 200);
  EXPECT_EQ(get("/api/v1/shipments", marketing).status, 403);
  EXPECT_EQ(post("/api/v1/shipments/1/scan", R"({"code":"A-1"})", care).status, 403);
  EXPECT_EQ(send("PUT", "/api/v1/carriers/SDA", sda, care).status, 403);
  EXPECT_EQ(post("/api/v1/shipments/1/scan", R"({"code":"A-1"})", logistics).status, 200);
}

TEST_P(ApiTest, FulfilTrackingWebhookAndManifest) {
  std::vector<std::string> tracking;
  std::string day;
  for (int i = 0; i < 2; ++i) {
    const std::string cod = i == 1 ? R"(,"cod_amount_minor":4990,"cod_currency":"EUR")" : "";
    auto s = post("/api/v1/shipments",
                  shipment_body("tw" + std::to_string(i), R"({"sku":"A-1","qty":1,"weight_g":900})",
                                R"(,"carrier":"GLS")" + cod));
    ASSERT_EQ(s.status, 201) << s.body;
    const std::string base = "/api/v1/shipments/" + json_at(s.body, "id");
    ASSERT_EQ(post(base + "/label", "").status, 201);
    auto shipped = post(base + "/ship", R"({"force":true})");
    ASSERT_EQ(shipped.status, 200) << shipped.body;
    EXPECT_EQ(json_at(shipped.body, "forced"), "true");
    tracking.push_back(json_at(shipped.body, "tracking_number"));
    day = json_at(shipped.body, "shipped_at").substr(0, 10);
  }
  auto m = get("/api/v1/manifests?carrier=GLS&date=" + day);
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(json_at(m.body, "items"), "[2]");
  EXPECT_EQ(json_at(m.body, "items[1].cod_amount_minor"), "4990");
  EXPECT_EQ(json_at(m.body, "items[0].tracking_number"), tracking[0]);
  auto csv = send("GET", "/api/v1/manifests?carrier=GLS&date=" + day, "", "",
                  {{"Accept", "text/csv"}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find(tracking[1] + ",WEB-000007,Anna Rossi,Firenze,50123,IT,1,900,4990,EUR"),
            std::string::npos)
      << csv.body;
  EXPECT_EQ(get("/api/v1/manifests/GLS/" + day + ".csv").body, csv.body);
  auto mpdf = get("/api/v1/manifests/GLS/" + day + ".pdf");
  EXPECT_EQ(mpdf.header("Content-Type"), "application/pdf");
  auto empty = get("/api/v1/manifests/BRT/" + day + ".csv");  // the header only
  EXPECT_TRUE(empty.body.starts_with("tracking_number,"));
  EXPECT_EQ(empty.body.find("\r\n"), empty.body.size() - 2);
  EXPECT_EQ(json_at(get("/api/v1/manifests?carrier=GLS&date=21-09-2026").body, "field"), "date");

  auto hook = post("/api/v1/shipments/tracking",
                   R"([{"tracking_number":")" + tracking[0] +
                       R"(","status":"delivered","at":"2030-01-02T10:00:00Z"},)"
                       R"({"tracking_number":"NOPE1","status":"delivered","at":"2030-01-02T10:00:00Z"}])");
  ASSERT_EQ(hook.status, 200) << hook.body;
  EXPECT_EQ(json_at(hook.body, "results[0].outcome"), "applied");
  EXPECT_EQ(json_at(hook.body, "results[0].status"), "delivered");
  EXPECT_EQ(json_at(hook.body, "results[1].outcome"), "unknown");
  EXPECT_EQ(json_at(hook.body, "unknown"), "1");
  auto late = send("POST", "/api/v1/shipments/tracking",
                   "tracking_number,status,date\n" + tracking[0] + ",in_transit,2030-01-03\n" +
                       tracking[1] + ",exception,2030-01-03\n",
                   token_for(governance::Role::integration), {{"Content-Type", "text/csv"}});
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(json_at(late.body, "results[0].outcome"), "ignored");  // delivered is final
  EXPECT_EQ(json_at(late.body, "results[1].status"), "exception");
  auto bad = post("/api/v1/shipments/tracking",
                  R"([{"tracking_number":"X1","status":"lost","at":"2030-01-02T10:00:00Z"}])");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json_at(bad.body, "field"), "[0].status");
  EXPECT_EQ(send("POST", "/api/v1/shipments/tracking", "x", "", {{"Content-Type", "text/plain"}})
                .status,
            415);
  auto list = get("/api/v1/shipments?status=delivered");
  EXPECT_EQ(json_at(list.body, "items[0].tracking_number"), tracking[0]);
}

}  // namespace
}  // namespace fondaco::apitest
