// Issuing, numbering, files and SdI status on both engines.
#include "fondaco/invoicing/invoicing.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "fondaco/invoicing/fatturapa.h"
#include "fondaco/testing/testing.h"
#include "test_support.h"

namespace fondaco::invoicing {
namespace {

// 2026-11-24 10:00 UTC.
constexpr std::int64_t kIssueMs = 1795514400000;

FiscalSettings seller() {
  FiscalSettings s;
  s.company_name = "Bottega Fondaco S.r.l.";
  s.vat_number = "01234567897";
  s.codice_fiscale = "01234567897";
  s.address = {"Via dei Calzaiuoli 7", "50122", "Firenze", "FI", "IT"};
  s.rea_office = "FI";
  s.rea_number = "123456";
  s.rea_liquidation = "LN";
  s.iban = "IT60X0542811101000000123456";
  s.email = "fatture@fondaco.example";
  return s;
}

LineInput line(std::string desc, std::int64_t qty, std::int64_t price, int rate,
               std::optional<std::string> natura = {}) {
  LineInput l;
  l.description = std::move(desc);
  l.sku = "SKU-" + std::to_string(price);
  l.qty = qty;
  l.unit_price_minor = price;
  l.vat_rate_bp = rate;
  l.natura = std::move(natura);
  return l;
}

Customer italian_business() {
  Customer c;
  c.name = "Anna Rossi";
  c.company_name = "Rossi & Figli S.n.c. — Ferramenta “Centrale”";  // non-Latin-1 punctuation
  c.vat_number = "12345678903";
  c.sdi_code = "ABC1234";
  c.address = {"Corso Vittorio Emanuele II 12", "20122", "Milano", "MI", "IT"};
  return c;
}

DocumentInput invoice_input(const std::string& key) {
  DocumentInput in;
  in.kind = DocKind::invoice;
  in.source_key = key;
  in.order_id = 12;
  in.order_number = "WEB-000012";
  in.issue_date_ms = kIssueMs;
  in.customer = italian_business();
  in.lines = {line("Caffettiera moka 6 tazze", 2, 2990, 2200),
              line("Libro: La cucina italiana", 1, 1800, 400),
              line("Pasta di Gragnano 500 g", 3, 250, 1000)};
  in.shipping = ShippingInput{590, 2200, std::nullopt};
  in.payment = PaymentInput{PaymentMethod::card, 0};
  in.causale = "Vendita online, ordine WEB-000012";
  return in;
}

class InvoicingTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  void save_settings() {
    auto r = db_->write([&](storage::Tx& tx) { return inv_.put_settings(tx, seller(), 1); });
    ASSERT_TRUE(r) << r.error().message;
  }
  Result<Issued> issue(DocumentInput in) {
    if (in.payment && in.payment->paid_minor == 0) {
      auto a = compute_amounts(in);
      if (a) in.payment->paid_minor = a->total_minor;
    }
    return db_->write([&](storage::Tx& tx) { return inv_.issue(tx, in, clock_.now_ms()); });
  }
  std::string xml(std::int64_t id) {
    return db_->read([&](storage::Tx& tx) { return Invoicing::xml(tx, id); }).value();
  }
  // Every generated e-invoice: the official schema and SdI's arithmetic.
  void expect_valid_xml(const Document& d, const std::string& name) {
    const std::string x = xml(d.id);
    EXPECT_TRUE(test::xmllint(x, name + "_" + GetParam())) << x;
    auto issues = check_fatturapa(x);
    ASSERT_TRUE(issues);
    EXPECT_TRUE(issues->empty());
  }
  std::vector<events::Event> events() {
    return db_->read([](storage::Tx& tx) { return events::EventLog::read_after(tx, 0, 1000); }).value();
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Invoicing inv_{log_};
  testing::FakeClock clock_;
};

TEST_P(InvoicingTest, SettingsAreValidatedAndRequiredToIssue) {
  auto none = issue(invoice_input("order:1:invoice"));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::conflict);
  EXPECT_EQ(none.error().field, "settings");
  EXPECT_EQ(db_->read([](storage::Tx& tx) { return Invoicing::settings(tx); }).error().code,
            ErrorCode::not_found);
  const std::vector<std::pair<std::function<void(FiscalSettings&)>, std::string>> bad = {
      {[](FiscalSettings& s) { s.vat_number = "01234567890"; }, "vat_number"},
      {[](FiscalSettings& s) { s.codice_fiscale = "RSSMRA85T10A562T"; }, "codice_fiscale"},
      {[](FiscalSettings& s) { s.regime_fiscale = "RF03"; }, "regime_fiscale"},
      {[](FiscalSettings& s) { s.address.postcode = "5012"; }, "address.postcode"},
      {[](FiscalSettings& s) { s.address.province = "Fi"; }, "address.province"},
      {[](FiscalSettings& s) { s.rea_liquidation = "XX"; }, "rea_liquidation"},
      {[](FiscalSettings& s) { s.iban = "IT60X0542811101000000123457"; }, "iban"},
  };
  for (const auto& [mutate, field] : bad) {
    FiscalSettings s = seller();
    mutate(s);
    auto r = db_->write([&](storage::Tx& tx) { return inv_.put_settings(tx, s, 1); });
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().code, ErrorCode::unprocessable) << field;
    EXPECT_EQ(r.error().field, field);
  }
  save_settings();
  FiscalSettings changed = seller();
  changed.issue_on = IssueOn::shipped;
  changed.default_series = "FE";
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) { return inv_.put_settings(tx, changed, 2); }));
  auto got = db_->read([](storage::Tx& tx) { return Invoicing::settings(tx); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->issue_on, IssueOn::shipped);
  EXPECT_EQ(got->default_series, "FE");
  EXPECT_EQ(got->rea_number, "123456");
  EXPECT_EQ(got->updated_at, 2);
}

TEST_P(InvoicingTest, InvoiceWithMixedRatesIsNumberedValidAndIdempotent) {
  save_settings();
  auto r = issue(invoice_input("order:12:invoice"));
  ASSERT_TRUE(r) << r.error().message;
  const Document& d = r->document;
  EXPECT_TRUE(r->created);
  EXPECT_EQ(d.number, "FT-2026-000001");
  EXPECT_EQ(d.issue_date, "2026-11-24");
  EXPECT_EQ(d.format, "FPR12");
  EXPECT_EQ(d.file_name, "IT01234567897_00001.xml");
  EXPECT_EQ(d.sdi_status, SdiStatus::to_send);
  // VAT included: 59.80 + 5.90 at 22%, 18.00 at 4%, 7.50 at 10%.
  ASSERT_EQ(d.summary.size(), 3u);
  EXPECT_EQ(d.summary[0].rate_bp, 2200);
  EXPECT_EQ(d.summary[0].taxable_minor + d.summary[0].vat_minor, 6570);
  EXPECT_EQ(d.summary[0].vat_minor, 1185);  // 65.70 × 22 / 122 = 11.847
  EXPECT_EQ(d.summary[1].vat_minor, 68);    // 7.50 × 10 / 110 = 0.682
  EXPECT_EQ(d.summary[2].vat_minor, 69);    // 18.00 × 4 / 104 = 0.692
  EXPECT_EQ(d.total_minor, 6570 + 750 + 1800);
  expect_valid_xml(d, "mixed");
  const std::string x = xml(d.id);
  EXPECT_NE(x.find("<Denominazione>Rossi &amp; Figli S.n.c. - Ferramenta &quot;Centrale&quot;</Denominazione>"),
            std::string::npos) << x;
  EXPECT_NE(x.find("<ModalitaPagamento>MP08</ModalitaPagamento>"), std::string::npos);
  EXPECT_NE(x.find("<IscrizioneREA>"), std::string::npos);

  // The same source key: the same document, no new number, no second event.
  auto again = issue(invoice_input("order:12:invoice"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->document.id, d.id);
  auto next = issue(invoice_input("order:13:invoice"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->document.number, "FT-2026-000002");
  EXPECT_EQ(next->document.file_name, "IT01234567897_00002.xml");
  auto evs = events();
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0].type, "invoice.issued");
  EXPECT_EQ(evs[0].aggregate, "invoice");
  EXPECT_EQ(testing::json_at(evs[0].payload, "number"), "FT-2026-000001");
  EXPECT_EQ(testing::json_at(evs[0].payload, "order_id"), "12");
  EXPECT_EQ(testing::json_at(evs[0].payload, "total_minor"), "9120");
  EXPECT_EQ(testing::json_at(evs[0].payload, "currency"), "EUR");
}

TEST_P(InvoicingTest, ZeroRateWithNaturaCarriesStampDuty) {
  save_settings();
  DocumentInput in = invoice_input("order:20:invoice");
  in.lines = {line("Corso di formazione (esente art. 10)", 1, 15000, 0, "N4"),
              line("Dispensa", 1, 1220, 2200)};
  in.shipping.reset();
  in.payment = PaymentInput{PaymentMethod::bank_transfer, 0};
  auto r = issue(in);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->document.stamp_duty);
  expect_valid_xml(r->document, "natura");
  const std::string x = xml(r->document.id);
  EXPECT_NE(x.find("<BolloVirtuale>SI</BolloVirtuale><ImportoBollo>2.00</ImportoBollo>"),
            std::string::npos) << x;
  EXPECT_NE(x.find("<Natura>N4</Natura>"), std::string::npos);
  EXPECT_NE(x.find("<IBAN>IT60X0542811101000000123456</IBAN>"), std::string::npos);

  DocumentInput retired = invoice_input("order:21:invoice");
  retired.lines[1].vat_rate_bp = 0;
  retired.lines[1].natura = "N2";
  auto bad = issue(retired);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::unprocessable);
  EXPECT_EQ(bad.error().field, "lines[1].natura");
}

TEST_P(InvoicingTest, PublicAdministrationForeignCustomerAndCustomerRules) {
  save_settings();
  DocumentInput pa = invoice_input("order:30:invoice");
  pa.customer = Customer{};
  pa.customer.name = "Comune di Prato";
  pa.customer.company_name = "Comune di Prato";
  pa.customer.codice_fiscale = "00987654324";
  pa.customer.public_administration = true;
  pa.customer.sdi_code = "UFY9MH";
  pa.customer.address = {"Piazza del Comune 2", "59100", "Prato", "PO", "IT"};
  pa.prices_include_vat = false;
  auto p = issue(pa);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->document.format, "FPA12");
  expect_valid_xml(p->document, "pa");
  EXPECT_NE(xml(p->document.id).find("versione=\"FPA12\""), std::string::npos);

  DocumentInput foreign = invoice_input("order:31:invoice");
  foreign.customer = Customer{};
  foreign.customer.name = "Jürgen Müller";
  foreign.customer.vat_number = "DE123456789";
  foreign.customer.address = {"Hauptstraße 5", "10115", "Berlin", "", "DE"};
  auto f = issue(foreign);
  ASSERT_TRUE(f) << f.error().message;
  expect_valid_xml(f->document, "foreign");
  const std::string fx = xml(f->document.id);
  EXPECT_NE(fx.find("<CodiceDestinatario>XXXXXXX</CodiceDestinatario>"), std::string::npos);
  EXPECT_NE(fx.find("<Nome>Jürgen</Nome>"), std::string::npos) << fx;

  DocumentInput private_it = invoice_input("order:32:invoice");
  private_it.customer = Customer{};
  private_it.customer.name = "Mario Rossi";
  private_it.customer.codice_fiscale = "RSSMRA85T10A562S";
  private_it.customer.pec = "mario.rossi@pec.example.it";
  private_it.customer.address = {"Via Roma 1", "00184", "Roma", "RM", "IT"};
  auto pv = issue(private_it);
  ASSERT_TRUE(pv) << pv.error().message;
  expect_valid_xml(pv->document, "private");
  EXPECT_NE(xml(pv->document.id).find("<PECDestinatario>mario.rossi@pec.example.it</PECDestinatario>"),
            std::string::npos);

  struct Bad {
    std::function<void(DocumentInput&)> mutate;
    std::string field;
    ErrorCode code;
  };
  const std::vector<Bad> bad = {
      {[](DocumentInput& d) { d.customer.vat_number = "12345678901"; }, "customer.vat_number", ErrorCode::unprocessable},
      {[](DocumentInput& d) { d.customer.vat_number.reset(); }, "customer.codice_fiscale", ErrorCode::unprocessable},
      {[](DocumentInput& d) { d.customer.sdi_code = "ABC12"; }, "customer.sdi_code", ErrorCode::unprocessable},
      {[](DocumentInput& d) { d.customer.public_administration = true; }, "customer.sdi_code", ErrorCode::unprocessable},
      {[](DocumentInput& d) { d.currency = "USD"; }, "currency", ErrorCode::unprocessable},
      {[](DocumentInput& d) { d.customer.address.postcode = "2012"; }, "customer.address.postcode", ErrorCode::unprocessable},
      {[](DocumentInput& d) { d.lines[2].qty = 0; }, "lines[2].qty", ErrorCode::invalid_argument},
      {[](DocumentInput& d) { d.lines.clear(); }, "lines", ErrorCode::invalid_argument},
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    DocumentInput in = invoice_input("bad:" + std::to_string(i));
    bad[i].mutate(in);
    auto r = issue(in);
    ASSERT_FALSE(r) << bad[i].field;
    EXPECT_EQ(r.error().field, bad[i].field);
    EXPECT_EQ(r.error().code, bad[i].code) << bad[i].field;
  }
  // Nothing of the refused documents remains, and no number was used.
  EXPECT_EQ(issue(invoice_input("order:33:invoice"))->document.number, "FT-2026-000004");
}

TEST_P(InvoicingTest, ReceiptsAndCreditNotes) {
  save_settings();
  DocumentInput rc = invoice_input("order:40:receipt");
  rc.kind = DocKind::receipt;
  rc.customer = Customer{};
  rc.customer.name = "Cliente al banco";
  rc.currency = "CHF";  // a receipt is no e-invoice: any currency
  auto receipt = issue(rc);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->document.number, "R-2026-000001");
  EXPECT_EQ(receipt->document.sdi_status, SdiStatus::not_applicable);
  EXPECT_FALSE(receipt->document.file_name);
  EXPECT_EQ(db_->read([&](storage::Tx& tx) { return Invoicing::xml(tx, receipt->document.id); })
                .error().field, "xml");
  EXPECT_EQ(db_->write([&](storage::Tx& tx) { return inv_.mark_sent(tx, receipt->document.id, 1); })
                .error().code, ErrorCode::invalid_transition);

  auto inv = issue(invoice_input("order:41:invoice"));
  ASSERT_TRUE(inv);
  DocumentInput cn = invoice_input("refund:7");
  cn.kind = DocKind::credit_note;
  cn.related_document_id = inv->document.id;
  cn.lines = {line("Reso: caffettiera moka 6 tazze", 1, 2990, 2200)};
  cn.shipping.reset();
  cn.causale = "Reso merce";
  auto note = issue(cn);
  ASSERT_TRUE(note) << note.error().message;
  EXPECT_EQ(note->document.number, "NC-2026-000001");
  EXPECT_EQ(note->document.total_minor, 2990);  // positive, as SdI wants
  EXPECT_EQ(note->document.related_document_id, inv->document.id);
  expect_valid_xml(note->document, "credit_note");
  const std::string x = xml(note->document.id);
  EXPECT_NE(x.find("<TipoDocumento>TD04</TipoDocumento>"), std::string::npos);
  EXPECT_NE(x.find("<DatiFattureCollegate><IdDocumento>FT-2026-000001</IdDocumento>"
                   "<Data>2026-11-24</Data></DatiFattureCollegate>"),
            std::string::npos) << x;
  DocumentInput orphan = cn;
  orphan.source_key = "refund:8";
  orphan.related_document_id = 999;
  EXPECT_EQ(issue(orphan).error().code, ErrorCode::not_found);
  orphan.related_document_id.reset();
  EXPECT_EQ(issue(orphan).error().field, "related_document_id");

  auto list = db_->read([](storage::Tx& tx) {
    return Invoicing::list(tx, ListFilter{std::nullopt, DocKind::credit_note, std::nullopt}, 0, 10);
  });
  ASSERT_TRUE(list);
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].number, "NC-2026-000001");
  auto page = db_->read([](storage::Tx& tx) { return Invoicing::list(tx, {}, 0, 2); });
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 2u);
  ASSERT_TRUE(page->next_after);
  auto rest = db_->read([&](storage::Tx& tx) { return Invoicing::list(tx, {}, *page->next_after, 2); });
  EXPECT_EQ(rest->items.size(), 1u);
  EXPECT_FALSE(rest->next_after);
}

TEST_P(InvoicingTest, PdfCourtesyCopy) {
  save_settings();
  auto r = issue(invoice_input("order:50:invoice"));
  ASSERT_TRUE(r);
  auto pdf = db_->read([&](storage::Tx& tx) { return Invoicing::pdf(tx, r->document.id); });
  ASSERT_TRUE(pdf);
  ASSERT_GT(pdf->size(), 500u);
  EXPECT_EQ(pdf->substr(0, 5), "%PDF-");
  const std::string path = "/tmp/fondaco_inv_" + std::to_string(::getpid()) + GetParam() + ".pdf";
  { std::ofstream(path, std::ios::binary) << *pdf; }
  int status = 0;
  const std::string text = test::run("pdftotext -layout '" + path + "' -", &status);
  std::remove(path.c_str());
  ASSERT_EQ(status, 0) << text;
  EXPECT_NE(text.find("FT-2026-000001"), std::string::npos) << text;
  EXPECT_NE(text.find("Bottega Fondaco"), std::string::npos);
  EXPECT_NE(text.find("Copia di cortesia"), std::string::npos);
  EXPECT_NE(text.find("Rossi & Figli"), std::string::npos);
  EXPECT_NE(text.find("91.20 EUR"), std::string::npos);
}

TEST_P(InvoicingTest, NumbersAreGapFreeUnderConcurrency) {
  save_settings();
  constexpr int kThreads = 6, kEach = 8;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Every thread also retries one key another thread uses: still one document each.
        const int order = (i % 2 == 0) ? t * 100 + i : i;
        auto r = issue(invoice_input("order:" + std::to_string(order) + ":invoice"));
        if (!r) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto all = db_->read([](storage::Tx& tx) { return Invoicing::list(tx, {}, 0, 500); });
  ASSERT_TRUE(all);
  std::set<std::string> keys;
  std::vector<std::int64_t> seqs;
  std::set<std::string> files;
  for (const auto& d : all->items) {
    keys.insert(d.source_key);
    seqs.push_back(d.seq);
    files.insert(*d.file_name);
  }
  const std::size_t expected = kThreads * kEach / 2 + kEach / 2;
  EXPECT_EQ(all->items.size(), expected);
  EXPECT_EQ(keys.size(), expected);
  EXPECT_EQ(files.size(), expected);
  std::sort(seqs.begin(), seqs.end());
  for (std::size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], static_cast<std::int64_t>(i + 1));
  for (const auto& d : all->items) {
    char want[32];
    std::snprintf(want, sizeof want, "FT-2026-%06lld", static_cast<long long>(d.seq));
    EXPECT_EQ(d.number, want);
  }
}

TEST_P(InvoicingTest, SdiReceiptsMoveTheStatus) {
  save_settings();
  auto a = issue(invoice_input("order:60:invoice"));
  auto b = issue(invoice_input("order:61:invoice"));
  ASSERT_TRUE(a && b);
  auto receipt = [](const std::string& root, const std::string& file, const std::string& inner) {
    return "<?xml version=\"1.0\"?><types:" + root +
           " xmlns:types=\"http://www.fatturapa.gov.it/sdi/messaggi/v1.0\" versione=\"1.0\">"
           "<IdentificativoSdI>777</IdentificativoSdI><NomeFile>" + file + "</NomeFile>" + inner +
           "</types:" + root + ">";
  };
  auto import = [&](const std::string& body) {
    return db_->write([&](storage::Tx& tx) { return inv_.import_receipt(tx, body, clock_.now_ms()); });
  };
  auto sent = db_->write([&](storage::Tx& tx) { return inv_.mark_sent(tx, a->document.id, 5); });
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->sdi_status, SdiStatus::sent);
  auto delivered = import(receipt("RicevutaConsegna", *a->document.file_name, ""));
  ASSERT_TRUE(delivered) << delivered.error().message;
  EXPECT_EQ(delivered->sdi_status, SdiStatus::delivered);
  EXPECT_EQ(delivered->sdi_identifier, "777");
  EXPECT_TRUE(import(receipt("RicevutaConsegna", *a->document.file_name, "")));  // twice: no-op
  auto scarto = receipt("NotificaScarto", *b->document.file_name,
                        "<ListaErrori><Errore><Codice>00404</Codice><Descrizione>Duplicata"
                        "</Descrizione></Errore></ListaErrori>");
  auto rejected = import(scarto);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->sdi_status, SdiStatus::rejected);
  ASSERT_EQ(rejected->sdi_errors.size(), 1u);
  EXPECT_EQ(rejected->sdi_errors[0].code, "00404");
  // A delivery after a rejection cannot happen.
  EXPECT_EQ(import(receipt("RicevutaConsegna", *b->document.file_name, "")).error().code,
            ErrorCode::invalid_transition);
  EXPECT_EQ(import(receipt("RicevutaConsegna", "IT01234567897_ZZZZZ.xml", "")).error().field, "NomeFile");
  EXPECT_EQ(import("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>").error().code,
            ErrorCode::invalid_argument);
  // A public administration answers with NotificaEsito after delivery: EC02 refuses.
  EXPECT_EQ(import(receipt("NotificaEsito", *b->document.file_name,
                           "<EsitoCommittente><Esito>EC01</Esito></EsitoCommittente>")).error().code,
            ErrorCode::invalid_transition);  // b was rejected, it cannot be accepted
  EXPECT_EQ(import(receipt("NotificaEsito", *a->document.file_name,
                           "<EsitoCommittente><Esito>EC02</Esito></EsitoCommittente>")).error().code,
            ErrorCode::invalid_transition);  // a is no public administration's invoice
  DocumentInput pa = invoice_input("order:62:invoice");
  pa.customer.public_administration = true;
  pa.customer.sdi_code = "UFY9MH";
  auto c = issue(pa);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(import(receipt("RicevutaConsegna", *c->document.file_name, "")));
  auto refused = import(receipt("NotificaEsito", *c->document.file_name,
                                "<EsitoCommittente><Esito>EC02</Esito></EsitoCommittente>"));
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_EQ(refused->sdi_status, SdiStatus::refused);
  std::vector<std::string> changes;
  for (const auto& e : events())
    if (e.type == "invoice.sdi_status_changed") changes.push_back(testing::json_at(e.payload, "to"));
  EXPECT_EQ(changes,
            (std::vector<std::string>{"sent", "delivered", "rejected", "delivered", "refused"}));
  auto stored = db_->read([](storage::Tx& tx) {
    return tx.query("SELECT type FROM invoice_sdi_receipts ORDER BY id");
  });
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Engines, InvoicingTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::invoicing
