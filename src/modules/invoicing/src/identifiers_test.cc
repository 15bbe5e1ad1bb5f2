#include "fondaco/invoicing/identifiers.h"

#include <gtest/gtest.h>

#include <string>

namespace fondaco::invoicing {
namespace {

void expect_422(const Result<void>& r, const std::string& field, const std::string& input) {
  ASSERT_FALSE(r) << input << " was accepted";
  EXPECT_EQ(r.error().code, ErrorCode::unprocessable) << input;
  EXPECT_EQ(r.error().field, field) << input;
}

TEST(InvoicingIdentifiers, PartitaIva) {
  for (const char* ok : {"12345678903", "01234567897", "00987654324"})
    EXPECT_TRUE(check_partita_iva(ok, "vat_number")) << ok;
  // The official samples' 01234567890 fails its check digit (see SOURCE.md).
  for (const char* bad : {"01234567890", "12345678901", "1234567890", "123456789031",
                          "1234567890A", "00000000000", "", "IT12345678903"})
    expect_422(check_partita_iva(bad, "customer.vat_number"), "customer.vat_number", bad);
}

TEST(InvoicingIdentifiers, CodiceFiscale) {
  for (const char* ok : {"RSSMRA85T10A562S",    // a man born 10/12/1985
                         "BNCLRA90A41H501F",    // a woman: day + 40
                         "RSSMRA85T10A56NH",    // omocodia: last digit 2 → N, new check
                         "12345678903"})        // an entity: the partita IVA rule
    EXPECT_TRUE(check_codice_fiscale(ok, "codice_fiscale")) << ok;
  for (const char* bad : {"RSSMRA85T10A562T",   // wrong check character
                          "RSSMRA85Z10A562S",   // Z is no month
                          "RSSMRA85T32A562S",   // day 32
                          "RSSMRA85T72A562S",   // day 72
                          "RSSMRA85T10A56AS",   // A is not an omocodia letter
                          "rssmra85t10a562s",   // lower case
                          "RSSMRA85T10A562",    // 15 characters
                          "09876543210",        // the samples' buyer: bad check digit
                          ""})
    expect_422(check_codice_fiscale(bad, "codice_fiscale"), "codice_fiscale", bad);
}

TEST(InvoicingIdentifiers, SdiCode) {
  EXPECT_TRUE(check_sdi_code("0000000", false, "sdi"));
  EXPECT_TRUE(check_sdi_code("ABC1234", false, "sdi"));
  EXPECT_TRUE(check_sdi_code("UFY9MH", true, "sdi"));
  expect_422(check_sdi_code("UFY9MH", false, "sdi"), "sdi", "6 chars for a business");
  expect_422(check_sdi_code("ABC1234", true, "sdi"), "sdi", "7 chars for a PA");
  expect_422(check_sdi_code("abc1234", false, "sdi"), "sdi", "lower case");
  expect_422(check_sdi_code("ABC-234", false, "sdi"), "sdi", "punctuation");
}

TEST(InvoicingIdentifiers, Iban) {
  for (const char* ok : {"IT60X0542811101000000123456", "DE89370400440532013000",
                         "GB82WEST12345698765432", "FR1420041010050500013M02606"})
    EXPECT_TRUE(check_iban(ok, "iban")) << ok;
  for (const char* bad : {"IT60X0542811101000000123457",  // check digits
                          "IT60X054281110100000012345",   // 26 characters for IT
                          "DE8937040044053201300",        // 21 for DE
                          "XX89370400440532013000",       // unknown country
                          "it60x0542811101000000123456",  // lower case
                          "IT60 X054 2811 1010 0000 0123 456", "IT"})
    expect_422(check_iban(bad, "iban"), "iban", bad);
}

}  // namespace
}  // namespace fondaco::invoicing
