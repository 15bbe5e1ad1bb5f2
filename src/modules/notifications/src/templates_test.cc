// Rendering: both locales, HTML escaping of customer data, money and date formats,
// validation errors naming the field. No database.
#include <gtest/gtest.h>

#include "fondaco/notifications/notifications.h"

namespace fondaco::notifications {
namespace {

// 2026-11-24T10:00:00Z
constexpr std::int64_t kNov24 = 1'795'514'400'000;

OrderConfirmed order() {
  OrderConfirmed o;
  o.order_number = "WEB-000012";
  o.order_date_ms = kNov24;
  o.lines = {{"Tazza in ceramica", "MUG-1", 2, 1250, 2500},
             {"Teiera <Deluxe> & co", "POT-9", 1, 123450, 123450}};
  o.subtotal_minor = 125950;
  o.shipping_minor = 690;
  o.vat_minor = 22837;
  o.total_minor = 126640;
  o.shipping_address = {"Mario Rossi", "Via Roma 1", "Scala B", "20121", "Milano", "MI", "IT"};
  return o;
}

TEST(FormatTest, MoneyPerLocale) {
  EXPECT_EQ(format_money(123450, "EUR", Locale::it), "1.234,50 €");
  EXPECT_EQ(format_money(123450, "EUR", Locale::en), "€1,234.50");
  EXPECT_EQ(format_money(5, "EUR", Locale::it), "0,05 €");
  EXPECT_EQ(format_money(0, "EUR", Locale::en), "€0.00");
  EXPECT_EQ(format_money(100000000, "EUR", Locale::it), "1.000.000,00 €");
  EXPECT_EQ(format_money(99999, "USD", Locale::en), "$999.99");
  EXPECT_EQ(format_money(123456789, "CHF", Locale::it), "1.234.567,89 CHF");
  EXPECT_EQ(format_money(123456789, "CHF", Locale::en), "CHF 1,234,567.89");
  EXPECT_EQ(format_money(-1050, "EUR", Locale::it), "-10,50 €");
}

TEST(FormatTest, DatesInRomeTime) {
  EXPECT_EQ(format_date(kNov24, Locale::it), "24 novembre 2026");
  EXPECT_EQ(format_date(kNov24, Locale::en), "24 November 2026");
  // 2026-01-31T23:30:00Z is already 1 February in Rome (CET, +1).
  EXPECT_EQ(format_date(1'769'902'200'000, Locale::it), "1 febbraio 2026");
  // 2026-07-31T22:30:00Z is 1 August in Rome (CEST, +2) ...
  EXPECT_EQ(format_date(1'785'537'000'000, Locale::en), "1 August 2026");
  // ... but 2026-12-31T22:30:00Z is still 31 December (CET, +1).
  EXPECT_EQ(format_date(1'798'756'200'000, Locale::it), "31 dicembre 2026");
}

TEST(RenderTest, OrderConfirmedItalian) {
  auto r = render(order(), Locale::it, "Giulia Bianchi");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->subject, "Conferma dell'ordine WEB-000012");
  EXPECT_NE(r->text.find("Ciao Giulia Bianchi,"), std::string::npos) << r->text;
  EXPECT_NE(r->text.find("- 2 x Tazza in ceramica (MUG-1), 12,50 € cad.: 25,00 €"),
            std::string::npos) << r->text;
  EXPECT_NE(r->text.find("Teiera <Deluxe> & co"), std::string::npos) << "text is not escaped";
  EXPECT_NE(r->text.find("Totale: 1.266,40 € (di cui IVA 228,37 €)"), std::string::npos);
  EXPECT_NE(r->text.find("24 novembre 2026"), std::string::npos);
  EXPECT_NE(r->text.find("Via Roma 1\nScala B\n20121 Milano (MI)\nIT\n"), std::string::npos)
      << r->text;
  // Sections on their own line leave no blank line behind.
  EXPECT_EQ(r->text.find("\n\n\n"), std::string::npos) << r->text;
  EXPECT_NE(r->html.find("<html lang=\"it\">"), std::string::npos);
  EXPECT_NE(r->html.find("Teiera &lt;Deluxe&gt; &amp; co"), std::string::npos) << r->html;
  EXPECT_NE(r->html.find("1.234,50 €"), std::string::npos);
  EXPECT_NE(r->html.find("<title>Conferma dell&apos;ordine WEB-000012</title>"),
            std::string::npos) << r->html;
}

TEST(RenderTest, OrderConfirmedEnglishWithoutOptionalParts) {
  OrderConfirmed o = order();
  o.shipping_address.line2.clear();
  o.shipping_address.province.clear();
  auto r = render(o, Locale::en, "");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->subject, "Order WEB-000012 confirmed");
  EXPECT_TRUE(r->text.starts_with("Hello,\n")) << r->text;
  EXPECT_NE(r->text.find("- 1 x Teiera <Deluxe> & co (POT-9), €1,234.50 each: €1,234.50"),
            std::string::npos) << r->text;
  EXPECT_NE(r->text.find("Via Roma 1\n20121 Milano\nIT\n"), std::string::npos) << r->text;
  EXPECT_NE(r->html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(r->html.find("€1,266.40"), std::string::npos);
}

TEST(RenderTest, NoShippingAddressLeavesTheSectionOut) {
  OrderConfirmed o = order();
  o.shipping_address = {};
  auto r = render(o, Locale::it, "Mario");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->text.find("Indirizzo"), std::string::npos) << r->text;
  EXPECT_EQ(r->html.find("Indirizzo"), std::string::npos);
  EXPECT_NE(r->text.find("(di cui IVA 228,37 €)\n\nTi scriveremo"), std::string::npos) << r->text;
  o.shipping_address.city = "Milano";  // partly filled: line1 is then required
  EXPECT_EQ(render(o, Locale::it, "").error().field, "data.shipping_address.line1");
}

TEST(RenderTest, CustomerDataIsEscapedInHtml) {
  OrderConfirmed o = order();
  o.shipping_address.name = "<script>alert(1)</script>";
  o.lines[0].title = "\"><img src=x onerror=alert(1)>";
  auto r = render(o, Locale::it, "<script>alert('x')</script>", {"Bottega \"Rossi\" & figli"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->html.find("<script>"), std::string::npos) << r->html;
  EXPECT_EQ(r->html.find("<img"), std::string::npos) << r->html;
  EXPECT_NE(r->html.find("Ciao &lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;,"),
            std::string::npos) << r->html;
  EXPECT_NE(r->html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(r->html.find("Bottega &quot;Rossi&quot; &amp; figli"), std::string::npos);
  // The text part carries the data as typed.
  EXPECT_NE(r->text.find("Ciao <script>alert('x')</script>,"), std::string::npos);
}

TEST(RenderTest, BankTransferShowsIbanGroupedAndReason) {
  BankTransferInstructions b{"WEB-000012", "it60x0542811101000000123456", "BPMOIT22", "Fondaco Srl",
                             126640, "EUR"};
  auto it = render(b, Locale::it, "Mario");
  ASSERT_TRUE(it) << it.error().message;
  EXPECT_NE(it->text.find("IBAN: IT60 X054 2811 1010 0000 0123 456"), std::string::npos)
      << it->text;
  EXPECT_NE(it->text.find("Importo: 1.266,40 €"), std::string::npos);
  EXPECT_NE(it->text.find("Causale: WEB-000012"), std::string::npos);
  EXPECT_NE(it->text.find("BIC/SWIFT: BPMOIT22"), std::string::npos);
  b.bic.clear();
  auto no_bic = render(b, Locale::it, "Mario");
  ASSERT_TRUE(no_bic);
  EXPECT_EQ(no_bic->text.find("BIC"), std::string::npos);
  EXPECT_NE(no_bic->text.find("IBAN: IT60 X054 2811 1010 0000 0123 456\nImporto:"),
            std::string::npos) << no_bic->text;
  b.bic = "BPMOIT22";
  auto en = render(b, Locale::en, "Mario");
  ASSERT_TRUE(en);
  EXPECT_NE(en->text.find("Amount: €1,266.40"), std::string::npos);
  EXPECT_NE(en->text.find("Payment reference: WEB-000012"), std::string::npos);

  b.iban = "IT61X0542811101000000123456";  // one check digit off
  auto bad = render(b, Locale::it, "");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::unprocessable);
  EXPECT_EQ(bad.error().field, "data.iban");
  b.iban = "IT60 X054";
  EXPECT_EQ(render(b, Locale::it, "").error().code, ErrorCode::invalid_argument);
}

TEST(RenderTest, ShippedDeliveredRefund) {
  Shipped s{"WEB-000012", "BRT", "123456789", "https://vas.brt.it/vas/sped_det_show.hsm?a=1&b=2"};
  auto it = render(s, Locale::it, "Mario");
  ASSERT_TRUE(it) << it.error().message;
  EXPECT_EQ(it->subject, "Il tuo ordine WEB-000012 è stato spedito");
  EXPECT_NE(it->text.find("Segui la spedizione: https://vas.brt.it/vas/sped_det_show.hsm?a=1&b=2"),
            std::string::npos);
  EXPECT_NE(it->html.find("href=\"https://vas.brt.it/vas/sped_det_show.hsm?a=1&amp;b=2\""),
            std::string::npos) << it->html;
  s.tracking_url.clear();
  auto en = render(s, Locale::en, "Mario");
  ASSERT_TRUE(en);
  EXPECT_EQ(en->subject, "Your order WEB-000012 has shipped");
  EXPECT_EQ(en->text.find("Track your parcel"), std::string::npos);
  EXPECT_EQ(en->text.find("\n\n\n"), std::string::npos) << en->text;
  s.tracking_url = "javascript:alert(1)";
  EXPECT_EQ(render(s, Locale::en, "").error().field, "data.tracking_url");

  auto d = render(Delivered{"WEB-000012", kNov24}, Locale::it, "");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->subject, "Il tuo ordine WEB-000012 è stato consegnato");
  EXPECT_NE(d->text.find("consegnato il 24 novembre 2026"), std::string::npos);

  auto ref = render(RefundIssued{"WEB-000012", 2500, "EUR", "PayPal"}, Locale::en, "");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->subject, "Refund for order WEB-000012");
  EXPECT_NE(ref->text.find("a refund of €25.00"), std::string::npos);
  EXPECT_NE(ref->text.find("Refund method: PayPal"), std::string::npos);
}

TEST(RenderTest, CustomerSignInCarriesTheLinkAndItsLifetime) {
  const std::string link = "https://shop.example/it/account/sign-in?token=" + std::string(64, 'a');
  auto it = render(CustomerSignIn{link, 15}, Locale::it, "Ada");
  ASSERT_TRUE(it) << it.error().message;
  EXPECT_EQ(it->subject, "Il tuo link di accesso");
  EXPECT_NE(it->text.find(link), std::string::npos);
  EXPECT_NE(it->text.find("entro 15 minuti"), std::string::npos);
  EXPECT_NE(it->html.find("href=\"" + link + "\""), std::string::npos) << it->html;
  auto en = render(CustomerSignIn{link, 15}, Locale::en, "");
  ASSERT_TRUE(en);
  EXPECT_EQ(en->subject, "Your sign-in link");
  EXPECT_NE(en->text.find("To sign in to your account"), std::string::npos) << en->text;
  EXPECT_EQ(render(CustomerSignIn{"javascript:alert(1)", 15}, Locale::en, "").error().field,
            "data.link");
  EXPECT_EQ(render(CustomerSignIn{link, 0}, Locale::en, "").error().field, "data.valid_minutes");
}

TEST(RenderTest, ValidationNamesTheField) {
  OrderConfirmed o = order();
  o.lines[1].qty = 0;
  EXPECT_EQ(render(o, Locale::it, "").error().field, "data.lines[1].qty");
  o = order();
  o.lines.clear();
  EXPECT_EQ(render(o, Locale::it, "").error().field, "data.lines");
  o = order();
  o.shipping_address.city = "Mi\nlano";
  EXPECT_EQ(render(o, Locale::it, "").error().field, "data.shipping_address.city");
  o = order();
  o.total_minor = -1;
  EXPECT_EQ(render(o, Locale::it, "").error().field, "data.total_minor");
  o = order();
  o.currency = "XXY";
  EXPECT_EQ(render(o, Locale::it, "").error().field, "data.currency");
  EXPECT_EQ(render(order(), Locale::it, "Mario\r\nBcc: x@y.z").error().field, "to_name");
  o = order();
  o.lines[0].title = std::string("bad \xff utf8");
  EXPECT_EQ(render(o, Locale::it, "").error().field, "data.lines[0].title");
}

TEST(EmailAddressTest, Syntax) {
  EXPECT_TRUE(is_valid_email_address("mario.rossi@example.com"));
  EXPECT_TRUE(is_valid_email_address("a+b_c@mail.example-shop.it"));
  EXPECT_FALSE(is_valid_email_address("mario"));
  EXPECT_FALSE(is_valid_email_address("@example.com"));
  EXPECT_FALSE(is_valid_email_address("mario@localhost"));
  EXPECT_FALSE(is_valid_email_address("mario@-x.com"));
  EXPECT_FALSE(is_valid_email_address("ma rio@example.com"));
  EXPECT_FALSE(is_valid_email_address("mario@example.com>\r\nRCPT TO:<x@y.z"));
  EXPECT_FALSE(is_valid_email_address("mario..rossi@example.com"));
  EXPECT_FALSE(is_valid_email_address("mario@example..com"));
  EXPECT_FALSE(is_valid_email_address(std::string(65, 'a') + "@example.com"));
}

}  // namespace
}  // namespace fondaco::notifications
