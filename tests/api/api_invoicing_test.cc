// API tests of the invoicing resource over real HTTP (both engines).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "api_fixture.h"
#include "fondaco/invoicing/fatturapa.h"

namespace fondaco::apitest {
namespace {

// The downloaded file against the official schema, offline (shared/data/fatturapa/SOURCE.md).
bool schema_valid(const std::string& xml, std::string* output) {
  const std::string dir = FONDACO_SOURCE_DIR "/../shared/data/fatturapa";
  const auto path = std::filesystem::temp_directory_path() /
                    ("fondaco_api_inv_" + std::to_string(::getpid()) + ".xml");
  std::ofstream(path, std::ios::binary) << xml;
  const std::string cmd = "XML_CATALOG_FILES=" + dir + "/catalog.xml xmllint --noout --nonet --schema " +
                          dir + "/Schema_del_file_xml_FatturaPA_v1.2.2.xsd " + path.string() + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return false;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) *output += buf;
  const int status = pclose(p);
  std::filesystem::remove(path);
  return status == 0;
}

const std::string kSettings =
    R"({"company_name":"Bottega Fondaco S.r.l.","vat_number":"01234567897",)"
    R"("address":{"street":"Via dei Calzaiuoli 7","postcode":"50122","city":"Firenze",)"
    R"("province":"FI","country":"IT"},"iban":"IT60 X054 2811 1010 0000 0123 456",)"
    R"("rea_office":"FI","rea_number":"123456","rea_liquidation":"LN"})";

std::string invoice_body(const std::string& key, const std::string& lines_json = "") {
  const std::string lines = lines_json.empty()
      ? R"([{"description":"Caffettiera moka","sku":"MOKA-6","qty":2,"unit_price_minor":2990,"vat_rate_bp":2200},)"
        R"({"description":"Libro","qty":1,"unit_price_minor":1800,"vat_rate_bp":400}])"
      : lines_json;
  return R"({"kind":"invoice","source_key":")" + key +
         R"(","order_id":12,"order_number":"WEB-000012","issue_date":"2026-11-24T10:00:00Z",)"
         R"("customer":{"name":"Anna Rossi","company_name":"Rossi Ferramenta S.n.c.",)"
         R"("vat_number":"12345678903","sdi_code":"ABC1234","address":{"street":"Corso Italia 12",)"
         R"("postcode":"20122","city":"Milano","province":"MI","country":"IT"}},)"
         R"("lines":)" + lines +
         R"(,"shipping":{"amount_minor":590,"vat_rate_bp":2200},)"
         R"("payment":{"method":"bank_transfer","paid_minor":8370}})";
}

std::string receipt(const std::string& root, const std::string& file, const std::string& inner = "") {
  return "<?xml version=\"1.0\"?><types:" + root +
         " xmlns:types=\"http://www.fatturapa.gov.it/sdi/messaggi/v1.0\" versione=\"1.0\">"
         "<IdentificativoSdI>991</IdentificativoSdI><NomeFile>" + file + "</NomeFile>" + inner +
         "</types:" + root + ">";
}

TEST_P(ApiTest, InvoicingSettingsIssueAndFiles) {
  EXPECT_EQ(get("/api/v1/settings/fiscal").status, 404);
  auto without = post("/api/v1/invoices", invoice_body("order:12:invoice"));
  EXPECT_EQ(without.status, 409) << without.body;
  EXPECT_EQ(json_at(without.body, "field"), "settings");

  auto bad = send("PUT", "/api/v1/settings/fiscal",
                  R"({"company_name":"X","vat_number":"01234567890","address":{"street":"V","city":"F","postcode":"50122","province":"FI"}})",
                  "");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(json_at(bad.body, "field"), "vat_number");
  auto put = send("PUT", "/api/v1/settings/fiscal", kSettings, "");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(json_at(put.body, "iban"), "IT60X0542811101000000123456");  // normalised
  EXPECT_EQ(json_at(get("/api/v1/settings/fiscal").body, "issue_on"), "paid");

  auto created = post("/api/v1/invoices", invoice_body("order:12:invoice"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json_at(created.body, "number"), "FT-2026-000001");
  EXPECT_EQ(json_at(created.body, "total_minor"), "8370");
  EXPECT_EQ(json_at(created.body, "sdi_status"), "to_send");
  EXPECT_EQ(json_at(created.body, "vat_summary"), "[2]");
  const std::string id = json_at(created.body, "id");
  auto again = post("/api/v1/invoices", invoice_body("order:12:invoice"));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json_at(again.body, "id"), id);

  auto xml = get("/api/v1/invoices/" + id + ".xml");
  ASSERT_EQ(xml.status, 200);
  EXPECT_EQ(xml.header("Content-Type"), "application/xml");
  std::string lint;
  EXPECT_TRUE(schema_valid(xml.body, &lint)) << lint;
  EXPECT_FALSE(schema_valid(xml.body.substr(0, xml.body.find("<FatturaElettronicaBody>")) +
                                "</p:FatturaElettronica>", &lint));  // the check can fail
  auto issues = invoicing::check_fatturapa(xml.body);
  ASSERT_TRUE(issues);
  EXPECT_TRUE(issues->empty());
  EXPECT_NE(xml.body.find("<ModalitaPagamento>MP05</ModalitaPagamento>"), std::string::npos);
  auto pdf = get("/api/v1/invoices/" + id + ".pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.header("Content-Type"), "application/pdf");
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
  EXPECT_EQ(json_at(get("/api/v1/invoices/" + id).body, "file_name"), "IT01234567897_00001.xml");
  EXPECT_EQ(get("/api/v1/invoices/999").status, 404);
  EXPECT_EQ(get("/api/v1/invoices/999.xml").status, 404);

  ASSERT_EQ(post("/api/v1/invoices", invoice_body("order:13:invoice")).status, 201);
  EXPECT_EQ(json_at(get("/api/v1/invoices?order_id=12&kind=invoice").body, "items"), "[2]");
  EXPECT_EQ(json_at(get("/api/v1/invoices?order_id=99").body, "items"), "[0]");
  auto first = get("/api/v1/invoices?limit=1");
  EXPECT_EQ(json_at(first.body, "items"), "[1]");
  auto second = get("/api/v1/invoices?limit=1&cursor=" + json_at(first.body, "next_cursor"));
  EXPECT_EQ(json_at(second.body, "items[0].number"), "FT-2026-000002");
  EXPECT_EQ(get("/api/v1/invoices?kind=bill").status, 400);
  EXPECT_EQ(get("/api/v1/invoices?colour=red").status, 400);

  // Accounting writes, managers read, others neither.
  const std::string manager = token_for(governance::Role::manager);
  const std::string logistics = token_for(governance::Role::logistics);
  const std::string accounting = token_for(governance::Role::accounting);
  EXPECT_EQ(get("/api/v1/invoices/" + id, manager).status, 200);
  EXPECT_EQ(post("/api/v1/invoices", invoice_body("order:14:invoice"), manager).status, 403);
  EXPECT_EQ(get("/api/v1/invoices", logistics).status, 403);
  EXPECT_EQ(post("/api/v1/invoices", invoice_body("order:14:invoice"), accounting).status, 201);
}

TEST_P(ApiTest, InvoicingValidationNamesTheField) {
  ASSERT_EQ(send("PUT", "/api/v1/settings/fiscal", kSettings, "").status, 200);
  const std::vector<std::tuple<std::string, int, std::string>> cases = {
      {invoice_body("k1", R"([{"description":"Esente","qty":1,"unit_price_minor":100,"vat_rate_bp":0,"natura":"N2"}])"),
       422, "lines[0].natura"},
      {invoice_body("k2", R"([{"description":"Zero","qty":1,"unit_price_minor":100,"vat_rate_bp":0}])"),
       422, "lines[0].natura"},
      {invoice_body("k3", R"([{"description":"X","qty":0,"unit_price_minor":100,"vat_rate_bp":2200}])"),
       400, "lines[0].qty"},
      {invoice_body("k4", R"([{"description":"X","qty":1,"unit_price_minor":100,"vat_rate_bp":2200,"colour":"red"}])"),
       400, "lines[0].colour"},
      {R"({"kind":"invoice","source_key":"k5","customer":{"name":"A","vat_number":"12345678901","address":{"street":"V","postcode":"20122","city":"M","province":"MI"}},"lines":[{"description":"X","qty":1,"unit_price_minor":100,"vat_rate_bp":2200}]})",
       422, "customer.vat_number"},
      {R"({"kind":"note","source_key":"k6"})", 400, "kind"},
  };
  for (const auto& [body, status, field] : cases) {
    auto r = post("/api/v1/invoices", body);
    EXPECT_EQ(r.status, status) << body << " → " << r.body;
    EXPECT_EQ(json_at(r.body, "field"), field) << r.body;
  }
  EXPECT_EQ(json_at(get("/api/v1/invoices").body, "items"), "[0]");
}

TEST_P(ApiTest, InvoicingSdiHandOverAndReceipts) {
  ASSERT_EQ(send("PUT", "/api/v1/settings/fiscal", kSettings, "").status, 200);
  auto a = post("/api/v1/invoices", invoice_body("order:20:invoice"));
  auto b = post("/api/v1/invoices", invoice_body("order:21:invoice"));
  ASSERT_EQ(a.status, 201);
  ASSERT_EQ(b.status, 201);
  const std::string id_a = json_at(a.body, "id"), id_b = json_at(b.body, "id");
  const std::string file_a = json_at(a.body, "file_name"), file_b = json_at(b.body, "file_name");
  auto sent = post("/api/v1/invoices/" + id_a + "/sent", "");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(json_at(sent.body, "sdi_status"), "sent");

  auto xml_post = [&](const std::string& body, const std::string& type = "application/xml") {
    return send("POST", "/api/v1/invoices/sdi-receipts", body, "", {{"Content-Type", type}});
  };
  auto rc = xml_post(receipt("RicevutaConsegna", file_a));
  ASSERT_EQ(rc.status, 200) << rc.body;
  EXPECT_EQ(json_at(rc.body, "sdi_status"), "delivered");
  EXPECT_EQ(json_at(rc.body, "sdi_identifier"), "991");

  // Hostile, malformed, oversize or mistyped receipts change nothing.
  EXPECT_EQ(xml_post("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                     "<NotificaScarto><NomeFile>&x;</NomeFile></NotificaScarto>").status, 400);
  EXPECT_EQ(xml_post("<NotificaScarto><NomeFile>" + file_b).status, 400);
  EXPECT_EQ(xml_post(std::string(300 * 1024, ' ')).status, 413);
  EXPECT_EQ(xml_post(receipt("RicevutaConsegna", file_b), "application/json").status, 415);
  EXPECT_EQ(xml_post(receipt("RicevutaConsegna", "IT01234567897_ZZZZZ.xml")).status, 404);
  EXPECT_EQ(json_at(get("/api/v1/invoices/" + id_b).body, "sdi_status"), "to_send");

  auto ns = xml_post(receipt("NotificaScarto", file_b,
                             "<ListaErrori><Errore><Codice>00404</Codice><Descrizione>Fattura duplicata"
                             "</Descrizione></Errore></ListaErrori>"));
  ASSERT_EQ(ns.status, 200) << ns.body;
  EXPECT_EQ(json_at(ns.body, "sdi_status"), "rejected");
  EXPECT_EQ(json_at(ns.body, "sdi_errors[0].code"), "00404");
  EXPECT_EQ(xml_post(receipt("RicevutaConsegna", file_b)).status, 409);
  EXPECT_EQ(json_at(get("/api/v1/invoices?sdi_status=rejected").body, "items"), "[1]");
  auto events = get("/api/v1/events?after=0&limit=100");
  EXPECT_NE(events.body.find("invoice.sdi_status_changed"), std::string::npos);
  EXPECT_NE(events.body.find("invoice.issued"), std::string::npos);
}

}  // namespace
}  // namespace fondaco::apitest
