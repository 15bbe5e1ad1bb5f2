// The order-to-cash chain end to end over real HTTP, on both engines: an order, a signed
// gateway webhook (or a bank statement) and then — with no other call — an issued invoice
// whose XML the official schema accepts, the order on a pick list, a label whose barcode
// decodes to the tracking number, and the customer's e-mails received by a real SMTP
// server. Shipping the parcel (scan + ship, a person's work) then commits the stock and
// sends the shipped e-mail.
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "api_fixture.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/system.h"
#include "fondaco/testing/ledger_check.h"
#include "fondaco/testing/smtp_sink.h"

namespace fondaco::apitest {
namespace {

namespace fs = std::filesystem;

const std::string kShared = std::string(FONDACO_SOURCE_DIR) + "/../shared/data/fatturapa";
constexpr const char* kWebhookSecret = "whsec_chain_test";
constexpr const char* kGtin = "8001234567897";

// Runs a shell command; returns its exit status and fills `out` with its stdout.
// stderr goes with stdout unless `quiet_stderr` (zbarimg chatters about D-Bus there).
int run(const std::string& cmd, std::string* out = nullptr, bool quiet_stderr = false) {
  std::string full = cmd + (quiet_stderr ? " 2>/dev/null" : " 2>&1");
  FILE* p = ::popen(full.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::string text;
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  const int rc = ::pclose(p);
  if (out) *out = text;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string temp_file(const std::string& name, const std::string& content) {
  const fs::path dir = fs::temp_directory_path() / ("fondaco-chain-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

// Decodes standard base64, skipping line breaks (MIME body parts).
std::string base64_decode(std::string_view in) {
  static const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    const auto pos = chars.find(c);
    if (pos == std::string::npos) continue;
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// The decoded text of every base64 body part of a MIME message.
std::string decoded_parts(const std::string& raw) {
  std::string out;
  std::size_t at = 0;
  while ((at = raw.find("Content-Transfer-Encoding: base64", at)) != std::string::npos) {
    const auto start = raw.find("\r\n\r\n", at);
    const auto end = raw.find("\r\n--", start);
    if (start == std::string::npos || end == std::string::npos) break;
    out += base64_decode(raw.substr(start + 4, end - start - 4)) + "\n";
    at = end;
  }
  return out;
}

class ChainTest : public ApiTest {
 protected:
  app::SmtpConfig smtp_config() override {
    sink_ = std::make_unique<testing::SmtpSink>();
    app::SmtpConfig c;
    c.url = sink_->url();
    c.from = "ordini@bottega.example";
    c.from_name = "Bottega Fondaco";
    return c;
  }

  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    auto p = post("/api/v1/products",
                  R"({"title":"Tazza in ceramica","status":"active","variants":[{"sku":"MUG-1",)"
                  R"("gtin":")" + std::string(kGtin) +
                      R"(","weight_g":450,"prices":[{"amount_minor":1220}]}]})");
    ASSERT_EQ(p.status, 201) << p.body;
    ASSERT_EQ(receive("MUG-1", 10, "WH").status, 201);
    auto fiscal = send("PUT", "/api/v1/settings/fiscal",
                       R"({"company_name":"Bottega Fondaco S.r.l.","vat_number":"01234567897",)"
                       R"("regime_fiscale":"RF01","address":{"street":"Via Indipendenza 1",)"
                       R"("postcode":"40121","city":"Bologna","province":"BO","country":"IT"},)"
                       R"("iban":"IT60X0542811101000000123456"})",
                       "");
    ASSERT_EQ(fiscal.status, 200) << fiscal.body;
    auto pay = send("PUT", "/api/v1/payments/settings",
                    R"({"stripe_webhook_secret":")" + std::string(kWebhookSecret) +
                        R"(","bank_iban":"IT60X0542811101000000123456",)"
                        R"("bank_holder":"Bottega Fondaco S.r.l."})",
                    "");
    ASSERT_EQ(pay.status, 200) << pay.body;
    rt_->dispatcher->start();
    outbox_ = std::make_unique<app::OutboxWorker>(*rt_);
    outbox_->start();
  }

  void TearDown() override {
    if (outbox_) outbox_->stop();
    if (rt_) rt_->dispatcher->stop();
    ApiTest::TearDown();
    sink_.reset();
  }

  // Polls `done` until it holds or 20 s pass.
  bool eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 400; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  std::int64_t place(const std::string& method, const std::string& extra = "") {
    auto r = post("/api/v1/orders",
                  order_body(line("MUG-1", 2), R"(,"payment_method":")" + method + "\"" + extra));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::stoll(json_at(r.body, "id"));
  }

  testing::HttpResult stripe_webhook(const std::string& body, std::int64_t t_s,
                                     const std::string& secret = kWebhookSecret) {
    const std::string sig =
        hex_encode(platform::hmac_sha256(secret, std::to_string(t_s) + "." + body));
    return client_->request("POST", "/api/v1/payments/webhooks/stripe", body,
                            {{"Content-Type", "application/json"},
                             {"Stripe-Signature", "t=" + std::to_string(t_s) + ",v1=" + sig}});
  }

  std::string succeeded_event(std::int64_t order_id, std::int64_t amount) {
    return R"({"id":"evt_)" + std::to_string(order_id) +
           R"(","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_)" +
           std::to_string(order_id) + R"(","object":"payment_intent","amount":)" +
           std::to_string(amount) + R"(,"amount_received":)" + std::to_string(amount) +
           R"(,"currency":"eur","status":"succeeded","metadata":{"order_id":")" +
           std::to_string(order_id) + R"("}}}})";
  }

  std::string order_status(std::int64_t id) {
    return json_at(get("/api/v1/orders/" + std::to_string(id)).body, "status");
  }

  // Waits for the order's document, shipment on a pick list and label; checks each.
  void expect_invoice_pick_list_and_label(std::int64_t order_id) {
    const std::string oid = std::to_string(order_id);
    std::string doc;
    ASSERT_TRUE(eventually([&] {
      doc = get("/api/v1/invoices?order_id=" + oid).body;
      return json_at(doc, "items[0].kind") == "invoice";
    })) << doc << "\nfailures: " << get("/api/v1/automations/failures").body;
    const std::string doc_id = json_at(doc, "items[0].id");
    EXPECT_EQ(json_at(doc, "items[0].total_minor"),
              json_at(get("/api/v1/orders/" + oid).body, "totals.total_minor"));
    auto xml = get("/api/v1/invoices/" + doc_id + ".xml");
    ASSERT_EQ(xml.status, 200) << xml.body;
    const std::string xml_path = temp_file("invoice-" + oid + ".xml", xml.body);
    std::string lint;
    EXPECT_EQ(run("XML_CATALOG_FILES=" + kShared + "/catalog.xml xmllint --noout --nonet --schema " +
                      kShared + "/Schema_del_file_xml_FatturaPA_v1.2.2.xsd " + xml_path,
                  &lint),
              0)
        << lint;

    std::string ship;
    ASSERT_TRUE(eventually([&] {
      ship = get("/api/v1/shipments?order_id=" + oid).body;
      return json_at(ship, "items[0].has_label") == "true";
    })) << ship << "\nfailures: " << get("/api/v1/automations/failures").body;
    const std::string shipment_id = json_at(ship, "items[0].id");
    const std::string tracking = json_at(ship, "items[0].tracking_number");
    const std::string pick_list = json_at(ship, "items[0].pick_list_id");
    ASSERT_NE(pick_list, "null");
    auto list = get("/api/v1/pick-lists/" + pick_list);
    EXPECT_NE(list.body.find(shipment_id), std::string::npos) << list.body;
    EXPECT_EQ(json_at(list.body, "lines[0].sku"), "MUG-1");
    EXPECT_EQ(order_status(order_id), "fulfilling");

    auto pdf = get("/api/v1/shipments/" + shipment_id + "/label.pdf");
    ASSERT_EQ(pdf.status, 200);
    const std::string pdf_path = temp_file("label-" + oid + ".pdf", pdf.body);
    ASSERT_EQ(run("pdftoppm -r 300 -png -singlefile " + pdf_path + " " + pdf_path), 0);
    std::string decoded;
    EXPECT_EQ(run("zbarimg --quiet --raw " + pdf_path + ".png", &decoded, true), 0) << decoded;
    EXPECT_EQ(decoded.substr(0, decoded.find_last_not_of("\r\n") + 1), tracking);
    shipment_id_ = shipment_id;
    tracking_ = tracking;
  }

  // Scans the parcel and ships it; the chain commits the stock and marks the order shipped.
  void pack_and_ship(std::int64_t order_id) {
    for (int i = 0; i < 2; ++i) {
      auto s = post("/api/v1/shipments/" + shipment_id_ + "/scan",
                    R"({"code":")" + std::string(kGtin) + R"("})");
      ASSERT_EQ(s.status, 200) << s.body;
    }
    auto extra = post("/api/v1/shipments/" + shipment_id_ + "/scan",
                      R"({"code":")" + std::string(kGtin) + R"("})");
    EXPECT_EQ(extra.status, 409) << extra.body;  // a third mug is not in the parcel
    auto shipped = post("/api/v1/shipments/" + shipment_id_ + "/ship", "{}");
    ASSERT_EQ(shipped.status, 200) << shipped.body;
    ASSERT_TRUE(eventually([&] { return order_status(order_id) == "shipped"; }))
        << get("/api/v1/orders/" + std::to_string(order_id)).body;
    auto stock = get("/api/v1/stock/MUG-1");
    EXPECT_EQ(json_at(stock.body, "on_hand"), "8") << stock.body;
    EXPECT_EQ(json_at(stock.body, "reserved"), "0") << stock.body;
    auto ledger = testing::ledger_violations(*rt_->db);
    ASSERT_TRUE(ledger.has_value());
    EXPECT_TRUE(ledger->empty()) << (*ledger)[0];
  }

  // The e-mails received for this customer whose subject contains `needle`.
  std::vector<testing::ReceivedMail> mails_with(const std::string& needle) {
    std::vector<testing::ReceivedMail> out;
    for (auto& m : sink_->messages())
      if (m.raw.find(needle) != std::string::npos || decoded_parts(m.raw).find(needle) !=
                                                         std::string::npos)
        out.push_back(m);
    return out;
  }

  std::unique_ptr<testing::SmtpSink> sink_;
  std::unique_ptr<app::OutboxWorker> outbox_;
  std::string shipment_id_;
  std::string tracking_;
};

constexpr const char* kCompany =
    R"(,"customer":{"email":"anna@example.it","name":"Anna Bianchi","company":{"name":"Studio Bianchi",)"
    R"("vat_number":"12345678903","sdi_code":"M5UXCR1"}},)"
    R"("billing_address":{"name":"Studio Bianchi","line1":"Via Roma 1","city":"Firenze",)"
    R"("postal_code":"50123","province":"FI","country":"IT"})";

TEST_P(ChainTest, ACardPaymentFlowsToInvoicePickListLabelAndEmailsWithNoOtherCall) {
  // order_body puts its own customer first; a second "customer" member would be a
  // duplicate key, so this order is written out in full.
  auto placed = post("/api/v1/orders",
                     R"({"lines":[{"sku":"MUG-1","qty":2}],"payment_method":"card",)"
                     R"("shipping_address":{"name":"Anna Bianchi","line1":"Via Roma 1",)"
                     R"("city":"Firenze","postal_code":"50123","province":"FI","country":"IT"},)"
                     R"("shipping_minor":500)" + std::string(kCompany) + "}");
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::int64_t id = std::stoll(json_at(placed.body, "id"));
  const std::int64_t total = std::stoll(json_at(placed.body, "totals.total_minor"));
  const std::string number = json_at(placed.body, "number");

  // Forged and stale signatures change nothing.
  const std::string body = succeeded_event(id, total);
  const std::int64_t now_s = rt_->clock.now_ms() / 1000;
  EXPECT_EQ(stripe_webhook(body, now_s, "whsec_wrong").status, 401);
  EXPECT_EQ(stripe_webhook(body, now_s - 3600).status, 401);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(order_status(id), "pending_payment");

  auto paid = stripe_webhook(body, now_s);
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(stripe_webhook(body, now_s).status, 200);  // Stripe retries: nothing doubles
  expect_invoice_pick_list_and_label(id);
  EXPECT_EQ(json_at(get("/api/v1/invoices?order_id=" + std::to_string(id)).body, "items[1].id"),
            "<missing>");  // one document

  // The confirmation reached the SMTP server: UTF-8, text and HTML parts.
  ASSERT_FALSE(sink_->wait_for(1).empty());
  auto confirmed = mails_with(number);
  ASSERT_EQ(confirmed.size(), 1u);
  const std::string& raw = confirmed[0].raw;
  EXPECT_NE(raw.find("multipart/alternative"), std::string::npos) << raw;
  EXPECT_NE(raw.find("text/plain; charset=UTF-8"), std::string::npos) << raw;
  EXPECT_NE(raw.find("text/html; charset=UTF-8"), std::string::npos) << raw;
  EXPECT_NE(raw.find("To: "), std::string::npos);
  EXPECT_EQ(confirmed[0].rcpt_to, std::vector<std::string>{"anna@example.it"});
  EXPECT_NE(decoded_parts(raw).find("Tazza in ceramica"), std::string::npos);

  pack_and_ship(id);
  ASSERT_TRUE(eventually([&] { return mails_with(tracking_).size() == 1; }))
      << sink_->messages().size() << " messages";
  EXPECT_EQ(json_at(get("/api/v1/automations/failures").body, "items[0].id"), "<missing>");

  // The customer sends one mug back: customer care opens the return, logistics receives
  // and inspects it; the chain restocks it, refunds it and issues the credit note.
  auto rma = post("/api/v1/returns", R"({"order_id":)" + std::to_string(id) +
                                         R"(,"lines":[{"sku":"MUG-1","qty":1,"reason":"damaged"}]})");
  ASSERT_EQ(rma.status, 201) << rma.body;
  EXPECT_EQ(post("/api/v1/returns", R"({"order_id":)" + std::to_string(id) +
                                        R"(,"lines":[{"sku":"MUG-1","qty":2,"reason":"other"}]})")
                .status,
            400);  // only one more unit left to return
  const std::string rid = json_at(rma.body, "id");
  ASSERT_EQ(post("/api/v1/returns/" + rid + "/authorize", "{}").status, 200);
  ASSERT_EQ(post("/api/v1/returns/" + rid + "/receive", R"({"lines":[{"sku":"MUG-1","qty":1}]})")
                .status,
            200);
  auto inspected = post("/api/v1/returns/" + rid + "/inspect",
                        R"({"lines":[{"sku":"MUG-1","qty":1,"disposition":"restock","location":"WH"}]})");
  ASSERT_EQ(inspected.status, 200) << inspected.body;
  ASSERT_TRUE(eventually([&] {
    return json_at(get("/api/v1/returns/" + rid).body, "status") == "refunded";
  })) << get("/api/v1/returns/" + rid).body << get("/api/v1/automations/failures").body;
  EXPECT_EQ(json_at(get("/api/v1/stock/MUG-1").body, "on_hand"), "9");
  std::string docs;
  ASSERT_TRUE(eventually([&] {
    docs = get("/api/v1/invoices?order_id=" + std::to_string(id)).body;
    return json_at(docs, "items[1].kind") == "credit_note";
  })) << docs << get("/api/v1/automations/failures").body;
  auto credit_xml = get("/api/v1/invoices/" + json_at(docs, "items[1].id") + ".xml");
  ASSERT_EQ(credit_xml.status, 200);
  EXPECT_NE(credit_xml.body.find("<TipoDocumento>TD04</TipoDocumento>"), std::string::npos);
  std::string lint;
  EXPECT_EQ(run("XML_CATALOG_FILES=" + kShared + "/catalog.xml xmllint --noout --nonet --schema " +
                    kShared + "/Schema_del_file_xml_FatturaPA_v1.2.2.xsd " +
                    temp_file("credit-" + std::to_string(id) + ".xml", credit_xml.body),
                &lint),
            0)
      << lint;
  EXPECT_EQ(json_at(get("/api/v1/orders/" + std::to_string(id)).body, "payment_status"),
            "partially_refunded");
}

// The expected payment is written with the order, not later by the chain: a webhook that
// arrives right after the order's 201 — before any subscriber ran — captures it.
TEST_P(ChainTest, AWebhookRightAfterTheOrderFindsItsExpectedPayment) {
  rt_->dispatcher->stop();
  const std::int64_t id = place("card");
  const auto order = get("/api/v1/orders/" + std::to_string(id)).body;
  const std::int64_t total = std::stoll(json_at(order, "totals.total_minor"));
  auto r = stripe_webhook(succeeded_event(id, total), rt_->clock.now_ms() / 1000);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_at(r.body, "outcome"), "captured") << r.body;
  // Paid: its lines no longer change (refunds and returns do that).
  auto late_edit =
      patch("/api/v1/orders/" + std::to_string(id), R"({"lines":[{"line_no":1,"qty":3}]})");
  EXPECT_EQ(late_edit.status, 409) << late_edit.body;
  EXPECT_EQ(json_at(late_edit.body, "field"), "lines");
  // An edit before payment re-prices the expectation; a cancellation cancels it.
  const std::int64_t other = place("bank_transfer");
  auto edited = patch("/api/v1/orders/" + std::to_string(other),
                      R"({"lines":[{"line_no":1,"qty":3}]})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  auto payments = get("/api/v1/payments?order_id=" + std::to_string(other));
  EXPECT_EQ(json_at(payments.body, "items[0].amount_minor"),
            json_at(edited.body, "totals.total_minor"));
  ASSERT_EQ(post("/api/v1/orders/" + std::to_string(other) + "/cancel", "{}").status, 200);
  payments = get("/api/v1/payments?order_id=" + std::to_string(other));
  EXPECT_EQ(json_at(payments.body, "items[0].status"), "cancelled") << payments.body;
  rt_->dispatcher->start();
}

TEST_P(ChainTest, ABankTransferIsPaidByACamt053StatementAndFlowsOn) {
  const std::int64_t id = place("bank_transfer", R"(,"invoice_requested":false)");
  auto order = get("/api/v1/orders/" + std::to_string(id));
  const std::string number = json_at(order.body, "number");
  const std::int64_t total = std::stoll(json_at(order.body, "totals.total_minor"));
  // The instructions e-mail carries the IBAN and the amount.
  ASSERT_TRUE(eventually([&] { return mails_with("IT60 X054 2811 1010 0000 0123 456").size() == 1; }))
      << sink_->messages().size() << " messages: " << decoded_parts(sink_->messages().back().raw);
  char amount[32];
  std::snprintf(amount, sizeof amount, "%lld.%02lld", static_cast<long long>(total / 100),
                static_cast<long long>(total % 100));
  const std::string camt =
      R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-11-24T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>1</Id><CreDtTm>2026-11-24T08:00:00</CreDtTm>
<Acct><Id><IBAN>IT60X0542811101000000123456</IBAN></Id></Acct>
<Ntry><NtryRef>BANK-REF-1</NtryRef><Amt Ccy="EUR">)" +
      std::string(amount) + R"(</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-24</Dt></BookgDt><ValDt><Dt>2026-11-24</Dt></ValDt>
<NtryDtls><TxDtls><Refs><AcctSvcrRef>BANK-REF-1</AcctSvcrRef></Refs>
<RltdPties><Dbtr><Nm>Anna Rossi</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>Pagamento ordine )" +
      number + R"(</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>)";
  auto imported = send("POST", "/api/v1/payments/statements", camt, "",
                       {{"Content-Type", "application/xml"}});
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(json_at(imported.body, "matched"), "1") << imported.body;
  // A private customer without a VAT number gets a receipt, not an e-invoice.
  std::string doc;
  ASSERT_TRUE(eventually([&] {
    doc = get("/api/v1/invoices?order_id=" + std::to_string(id)).body;
    return json_at(doc, "items[0].kind") == "receipt";
  })) << doc << get("/api/v1/automations/failures").body;
  std::string ship;
  ASSERT_TRUE(eventually([&] {
    ship = get("/api/v1/shipments?order_id=" + std::to_string(id)).body;
    return json_at(ship, "items[0].has_label") == "true";
  })) << ship;
  EXPECT_NE(json_at(ship, "items[0].pick_list_id"), "null");
  // The same statement again captures nothing twice.
  auto again = send("POST", "/api/v1/payments/statements", camt, "",
                    {{"Content-Type", "application/xml"}});
  EXPECT_EQ(json_at(again.body, "duplicate"), "1") << again.body;
}

TEST_P(ChainTest, ACashOnDeliveryOrderShipsUnpaidAndTheRemittancePaysIt) {
  const std::int64_t id = place("cod");
  std::string ship;
  ASSERT_TRUE(eventually([&] {
    ship = get("/api/v1/shipments?order_id=" + std::to_string(id)).body;
    return json_at(ship, "items[0].has_label") == "true";
  })) << ship << get("/api/v1/automations/failures").body
         << get("/api/v1/orders/" + std::to_string(id)).body;
  const auto order = get("/api/v1/orders/" + std::to_string(id)).body;
  EXPECT_EQ(json_at(order, "payment_status"), "unpaid");
  EXPECT_EQ(json_at(ship, "items[0].cod_amount_minor"), json_at(order, "totals.total_minor"));
  // Nothing is invoiced before the money arrives.
  EXPECT_EQ(json_at(get("/api/v1/invoices?order_id=" + std::to_string(id)).body, "items[0].id"),
            "<missing>");
  // The courier delivers and collects; its remittance file names the parcel.
  const std::string shipment = json_at(ship, "items[0].id");
  ASSERT_EQ(post("/api/v1/shipments/" + shipment + "/ship", R"({"force":true})").status, 200);
  ASSERT_TRUE(eventually([&] { return order_status(id) == "shipped"; }));
  // The COD payment learns the parcel's tracking number in its own chain step, which may
  // run after the order is marked shipped: the remittance can only match once it has.
  const std::string tracking = json_at(ship, "items[0].tracking_number");
  ASSERT_TRUE(eventually([&] {
    return json_at(get("/api/v1/payments?order_id=" + std::to_string(id)).body,
                   "items[0].tracking_number") == tracking;
  }));
  const std::int64_t total = std::stoll(json_at(order, "totals.total_minor"));
  char amount[32];
  std::snprintf(amount, sizeof amount, "%lld.%02lld", static_cast<long long>(total / 100),
                static_cast<long long>(total % 100));
  const std::string csv = "tracking_number,amount,currency,date\r\n" +
                          json_at(ship, "items[0].tracking_number") + "," + amount +
                          ",EUR,2026-11-24\r\n";
  auto remitted =
      send("POST", "/api/v1/payments/cod-remittances", csv, "", {{"Content-Type", "text/csv"}});
  ASSERT_EQ(remitted.status, 200) << remitted.body;
  EXPECT_EQ(json_at(remitted.body, "matched"), "1") << remitted.body;
  ASSERT_TRUE(eventually([&] {
    return json_at(get("/api/v1/orders/" + std::to_string(id)).body, "payment_status") == "paid";
  }));
  EXPECT_EQ(order_status(id), "shipped");  // paid without moving back
  std::string doc;
  ASSERT_TRUE(eventually([&] {
    doc = get("/api/v1/invoices?order_id=" + std::to_string(id)).body;
    return json_at(doc, "items[0].kind") == "receipt";
  })) << doc << get("/api/v1/automations/failures").body;
}

INSTANTIATE_TEST_SUITE_P(Engines, ChainTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::apitest
