// Amounts, dates, the SdI checker on the official samples and SdI receipts (no database).
#include "fondaco/invoicing/fatturapa.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <set>

#include "test_support.h"

namespace fondaco::invoicing {
namespace {

LineInput line(std::int64_t qty, std::int64_t price, int rate, std::optional<std::string> natura = {}) {
  LineInput l;
  l.description = "Articolo";
  l.sku = "SKU";
  l.qty = qty;
  l.unit_price_minor = price;
  l.vat_rate_bp = rate;
  l.natura = std::move(natura);
  return l;
}

DocumentInput doc(std::vector<LineInput> lines, bool include_vat) {
  DocumentInput in;
  in.lines = std::move(lines);
  in.prices_include_vat = include_vat;
  return in;
}

std::set<std::string> codes(const std::vector<CheckIssue>& issues) {
  std::set<std::string> out;
  for (const auto& i : issues) out.insert(i.code);
  return out;
}

TEST(InvoicingAmounts, VatIncludedIsSplitOncePerRateAndLinesAddUp) {
  // Three items at 0.10 € VAT included: 0.30 paid, VAT 0.30 × 22/122 = 0.054 → 0.05,
  // taxable 0.25; per-line nets round to 0.08 each, the residue goes to one line.
  auto a = compute_amounts(doc({line(1, 10, 2200), line(1, 10, 2200), line(1, 10, 2200)}, true));
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_EQ(a->summary.size(), 1u);
  EXPECT_EQ(a->summary[0].taxable_minor, 25);
  EXPECT_EQ(a->summary[0].vat_minor, 5);
  EXPECT_EQ(a->total_minor, 30);  // exactly what the customer paid
  EXPECT_EQ(a->lines[0].net_minor + a->lines[1].net_minor + a->lines[2].net_minor, 25);
  // A mixed basket: 2 × 12.20 at 22% plus 11.00 at 10% VAT included, and a discount.
  LineInput discounted = line(2, 1220, 2200);
  discounted.discount_minor = 244;  // 24.40 − 2.44 = 21.96 = 18.00 + 3.96
  auto m = compute_amounts(doc({discounted, line(1, 1100, 1000)}, true));
  ASSERT_TRUE(m);
  ASSERT_EQ(m->summary.size(), 2u);
  EXPECT_EQ(m->summary[0].rate_bp, 2200);  // highest rate first
  EXPECT_EQ(m->summary[0].taxable_minor, 1800);
  EXPECT_EQ(m->summary[0].vat_minor, 396);
  EXPECT_EQ(m->summary[1].taxable_minor, 1000);
  EXPECT_EQ(m->summary[1].vat_minor, 100);
  EXPECT_EQ(m->total_minor, 2196 + 1100);
  EXPECT_EQ(m->lines[0].unit_price_e8, 900'000'000);  // 18.00 / 2 = 9.00
}

TEST(InvoicingAmounts, NetPricesRoundVatHalfUpOncePerRate) {
  // 3 × 0.35 at 10% = 1.05 taxable; VAT 0.105 → 0.11 (half up), not 3 × 0.035 → 0.12.
  auto a = compute_amounts(doc({line(1, 35, 1000), line(1, 35, 1000), line(1, 35, 1000)}, false));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->summary[0].taxable_minor, 105);
  EXPECT_EQ(a->summary[0].vat_minor, 11);
  // 10.00 / 3 units: the unit price carries 8 decimals.
  auto b = compute_amounts(doc({line(3, 0, 2200)}, false));
  ASSERT_TRUE(b);
  LineInput third = line(3, 334, 2200);
  third.discount_minor = 2;  // 10.02 − 0.02 = 10.00
  auto c = compute_amounts(doc({third}, false));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->lines[0].unit_price_e8, 333'333'333);
  EXPECT_EQ(format_decimal(c->lines[0].unit_price_e8, 8), "3.33333333");
  EXPECT_EQ(format_decimal(1250, 2), "12.50");
  EXPECT_EQ(format_decimal(900'000'000, 8), "9.00");
}

TEST(InvoicingAmounts, NaturaRules) {
  struct Case {
    std::vector<LineInput> lines;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{line(1, 100, 2200), line(1, 100, 0)}, "lines[1].natura"},             // 0% without
      {{line(1, 100, 0, "N2")}, "lines[0].natura"},                           // retired
      {{line(1, 100, 0, "N3")}, "lines[0].natura"},
      {{line(1, 100, 0, "N6")}, "lines[0].natura"},
      {{line(1, 100, 0, "N9")}, "lines[0].natura"},                           // unknown
      {{line(1, 100, 2200, "N2.2")}, "lines[0].natura"},                      // with a rate
  };
  for (const auto& c : cases) {
    auto r = compute_amounts(doc(c.lines, true));
    ASSERT_FALSE(r) << c.field;
    EXPECT_EQ(r.error().code, ErrorCode::unprocessable);
    EXPECT_EQ(r.error().field, c.field);
  }
  for (const char* n : {"N1", "N2.1", "N2.2", "N3.1", "N3.6", "N4", "N5", "N6.1", "N6.9", "N7"})
    EXPECT_TRUE(compute_amounts(doc({line(1, 100, 0, n)}, true))) << n;
  auto bad_qty = compute_amounts(doc({line(1, 100, 2200), line(0, 100, 2200)}, true));
  EXPECT_EQ(bad_qty.error().field, "lines[1].qty");
  DocumentInput ship = doc({line(1, 100, 2200)}, true);
  ship.shipping = ShippingInput{500, 0, std::nullopt};
  EXPECT_EQ(compute_amounts(ship).error().field, "shipping.natura");
}

TEST(InvoicingAmounts, StampDutyAboveThreshold) {
  auto at = compute_amounts(doc({line(1, 7747, 0, "N2.2")}, true));
  ASSERT_TRUE(at);
  EXPECT_FALSE(at->stamp_duty);  // €77.47 exactly: not above
  auto above = compute_amounts(doc({line(1, 7748, 0, "N4"), line(1, 10000, 2200)}, true));
  ASSERT_TRUE(above);
  EXPECT_TRUE(above->stamp_duty);
  EXPECT_EQ(above->untaxed_minor, 7748);
  // Split over two exemptions, the sum counts.
  EXPECT_TRUE(compute_amounts(doc({line(1, 4000, 0, "N1"), line(1, 4000, 0, "N2.2")}, true))->stamp_duty);
  // Reverse charge (N6.x) carries VAT (paid by the buyer): no stamp duty.
  EXPECT_FALSE(compute_amounts(doc({line(1, 50000, 0, "N6.3")}, true))->stamp_duty);
}

TEST(InvoicingAmounts, DatesFollowItaly) {
  // 2026-12-31 23:30 UTC is already 2027 in Rome (CET, +1).
  EXPECT_EQ(format_date(rome_date(1798759800000)), "2027-01-01");
  // 2026-07-01 22:30 UTC is 00:30 on the 2nd (CEST, +2).
  EXPECT_EQ(format_date(rome_date(1782945000000)), "2026-07-02");
  // 2026-10-25 22:30 UTC: summer time ended that morning, 23:30 local on the 25th.
  EXPECT_EQ(format_date(rome_date(1792967400000)), "2026-10-25");
  // 2026-10-24 22:30 UTC: still summer time, 00:30 on the 25th.
  EXPECT_EQ(format_date(rome_date(1792881000000)), "2026-10-25");
}

TEST(InvoicingChecker, OfficialSamples) {
  const std::string dir = test::fatturapa_dir() + "/samples/";
  for (const char* name : {"IT01234567890_FPA01.xml", "IT01234567890_FPA02.xml",
                           "IT01234567890_FPA03.xml", "IT01234567890_FPR01.xml"}) {
    auto issues = check_fatturapa(test::read_file(dir + name));
    ASSERT_TRUE(issues) << name << ": " << issues.error().message;
    EXPECT_TRUE(issues->empty()) << name << ": " << (issues->empty() ? "" : (*issues)[0].message);
    EXPECT_TRUE(test::xmllint_file(dir + name)) << name;
  }
  // FPR03 passes the schema but its first body declares 27.00 taxable for 25.00 of lines.
  const std::string fpr03 = dir + "IT01234567890_FPR03.xml";
  EXPECT_TRUE(test::xmllint_file(fpr03));
  auto issues = check_fatturapa(test::read_file(fpr03));
  ASSERT_TRUE(issues);
  EXPECT_EQ(codes(*issues), std::set<std::string>{"00422"});
  // FPR02 as published is schema-invalid (an empty ContattiTrasmittente out of place).
  auto fpr02 = test::xmllint_file(dir + "IT01234567890_FPR02.xml");
  EXPECT_FALSE(fpr02);
  EXPECT_NE(std::string(fpr02.message()).find("ContattiTrasmittente"), std::string::npos);
}

TEST(InvoicingChecker, FindsBrokenArithmeticAndRefusesHostileFiles) {
  const std::string good = test::read_file(test::fatturapa_dir() + "/samples/IT01234567890_FPR01.xml");
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
  };
  auto line_total = check_fatturapa(replace("<PrezzoTotale>5.00</PrezzoTotale>", "<PrezzoTotale>5.02</PrezzoTotale>"));
  ASSERT_TRUE(line_total);
  EXPECT_TRUE(codes(*line_total).count("00423"));
  auto tax = check_fatturapa(replace("<Imposta>1.10</Imposta>", "<Imposta>3.10</Imposta>"));
  ASSERT_TRUE(tax);
  EXPECT_EQ(codes(*tax), std::set<std::string>{"00421"});
  auto natura = check_fatturapa(replace("<AliquotaIVA>22.00</AliquotaIVA>", "<AliquotaIVA>0.00</AliquotaIVA>"));
  ASSERT_TRUE(natura);
  EXPECT_TRUE(codes(*natura).count("00400"));
  for (const std::string& hostile :
       {std::string("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>"),
        std::string("<FatturaElettronica><unclosed>"), std::string(),
        std::string("<NotAnInvoice/>"), std::string(6 * 1024 * 1024, ' ')}) {
    auto r = check_fatturapa(hostile);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  }
}

std::string receipt(const std::string& root, const std::string& inner) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><types:" + root +
         " xmlns:types=\"http://www.fatturapa.gov.it/sdi/messaggi/v1.0\" versione=\"1.0\">"
         "<IdentificativoSdI>4242</IdentificativoSdI><NomeFile>IT01234567897_00001.xml</NomeFile>" +
         inner + "</types:" + root + ">";
}

TEST(InvoicingReceipts, ParsesTheFourNotifications) {
  auto rc = parse_sdi_receipt(receipt("RicevutaConsegna", "<MessageId>1</MessageId>"));
  ASSERT_TRUE(rc) << rc.error().message;
  EXPECT_EQ(rc->type, "RC");
  EXPECT_EQ(rc->file_name, "IT01234567897_00001.xml");
  EXPECT_EQ(rc->sdi_identifier, "4242");
  auto ns = parse_sdi_receipt(receipt("NotificaScarto",
      "<ListaErrori><Errore><Codice>00404</Codice><Descrizione>Fattura duplicata</Descrizione>"
      "</Errore><Errore><Codice>00422</Codice><Descrizione>Imponibile</Descrizione></Errore></ListaErrori>"));
  ASSERT_TRUE(ns);
  ASSERT_EQ(ns->errors.size(), 2u);
  EXPECT_EQ(ns->errors[0].code, "00404");
  EXPECT_EQ(ns->errors[1].description, "Imponibile");
  EXPECT_EQ(parse_sdi_receipt(receipt("NotificaMancataConsegna", ""))->type, "MC");
  auto ne = parse_sdi_receipt(receipt("NotificaEsito", "<EsitoCommittente><Esito>EC02</Esito></EsitoCommittente>"));
  ASSERT_TRUE(ne);
  EXPECT_EQ(ne->outcome, "EC02");
  for (const std::string& bad :
       {receipt("NotificaScarto", ""), receipt("NotificaEsito", ""), receipt("Altro", ""),
        std::string("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                    "<RicevutaConsegna><NomeFile>&x;</NomeFile></RicevutaConsegna>"),
        std::string("<RicevutaConsegna><NomeFile></NomeFile></RicevutaConsegna>"),
        std::string(300 * 1024, '<')}) {
    auto r = parse_sdi_receipt(bad);
    ASSERT_FALSE(r) << bad.substr(0, 80);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  }
}

}  // namespace
}  // namespace fondaco::invoicing
