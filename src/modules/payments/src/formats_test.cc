// The outside formats: Stripe signatures, PayPal self-verification, decimals, camt.053
// (realistic and hostile), CSV statements and COD remittances. No database.
#include "fondaco/payments/formats.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "fondaco/base/limits.h"
#include "fondaco/payments/payments.h"
#include "test_support.h"

namespace fondaco::payments {
namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;  // ms
const std::string kSecret = "whsec_test_secret";

TEST(StripeSignature, ValidWrongSecretStaleTamperedMultipleAndRotated) {
  const std::string body = R"({"id":"evt_1","type":"payment_intent.succeeded"})";
  const std::int64_t t = kNow / 1000;
  const std::vector<std::string> secrets{kSecret};
  const std::string header = stripe_signature_header(kSecret, t, body);
  EXPECT_TRUE(verify_stripe_signature(header, body, secrets, kNow, 300));

  const std::vector<std::string> wrong{"whsec_other"};
  auto e = verify_stripe_signature(header, body, wrong, kNow, 300);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ErrorCode::unauthorized);

  // Stale: signed 301 s ago (and the future side too); inside the window it passes.
  EXPECT_FALSE(verify_stripe_signature(stripe_signature_header(kSecret, t - 301, body), body,
                                       secrets, kNow, 300));
  EXPECT_FALSE(verify_stripe_signature(stripe_signature_header(kSecret, t + 301, body), body,
                                       secrets, kNow, 300));
  EXPECT_TRUE(verify_stripe_signature(stripe_signature_header(kSecret, t - 299, body), body,
                                      secrets, kNow, 300));

  // Tampered body, or the timestamp changed under the same signature.
  EXPECT_FALSE(verify_stripe_signature(header, body + " ", secrets, kNow, 300));
  std::string moved = header;
  moved.replace(2, std::to_string(t).size(), std::to_string(t - 1));
  EXPECT_FALSE(verify_stripe_signature(moved, body, secrets, kNow, 300));

  // Several v1 (Stripe sends one per active secret) and a v0 that is ignored.
  const std::string other_sig = stripe_signature_header("whsec_other", t, body);
  const std::string multi = "t=" + std::to_string(t) + ",v1=" + other_sig.substr(other_sig.find("v1=") + 3) +
                            ",v1=" + header.substr(header.find("v1=") + 3) + ",v0=deadbeef";
  EXPECT_TRUE(verify_stripe_signature(multi, body, secrets, kNow, 300));

  // Rotation: the header signed with the previous secret passes when it is listed.
  const std::vector<std::string> rotated{"whsec_new", kSecret};
  EXPECT_TRUE(verify_stripe_signature(header, body, rotated, kNow, 300));
  const std::vector<std::string> only_new{"whsec_new", ""};
  EXPECT_FALSE(verify_stripe_signature(header, body, only_new, kNow, 300));

  // Malformed headers.
  for (const char* bad : {"", "t=", "v1=abc", "t=abc,v1=00", "garbage"})
    EXPECT_FALSE(verify_stripe_signature(bad, body, secrets, kNow, 300)) << bad;
}

TEST(StripeEvent, ParsesPaymentIntentAndChargeRefunds) {
  auto ev = parse_stripe_event(R"({"id":"evt_9","object":"event","type":"payment_intent.succeeded",
    "data":{"object":{"id":"pi_3","object":"payment_intent","amount":2500,"amount_received":2500,
    "currency":"eur","status":"succeeded","metadata":{"order_id":"17","order_number":"web-000017"}}}})");
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_EQ(ev->id, "evt_9");
  EXPECT_EQ(ev->object_id, "pi_3");
  EXPECT_EQ(ev->amount_minor, 2500);
  EXPECT_EQ(ev->currency, "EUR");
  EXPECT_EQ(ev->meta_order_id, 17);
  EXPECT_EQ(ev->meta_order_number, "WEB-000017");

  auto ch = parse_stripe_event(R"({"id":"evt_10","type":"charge.refunded","data":{"object":{
    "id":"ch_1","object":"charge","amount":2500,"currency":"eur","payment_intent":"pi_3",
    "refunds":{"object":"list","data":[{"id":"re_1","status":"succeeded","metadata":{"refund_id":"4"}}]}}}})");
  ASSERT_TRUE(ch);
  EXPECT_EQ(ch->payment_intent, "pi_3");
  ASSERT_EQ(ch->refunds.size(), 1u);
  EXPECT_EQ(ch->refunds[0].meta_refund_id, "4");

  EXPECT_EQ(parse_stripe_event("{}").error().field, "id");
  EXPECT_EQ(parse_stripe_event(R"({"id":"e","type":"x"})").error().field, "data.object");
  EXPECT_EQ(parse_stripe_event(R"({"id":"e","type":"x","data":{"object":{"metadata":{"order_id":"1x"}}}})")
                .error()
                .field,
            "data.object.metadata.order_id");
  EXPECT_FALSE(parse_stripe_event("not json"));
}

TEST(Decimal, ParsesExactlyAndRejectsEverythingElse) {
  EXPECT_EQ(parse_decimal_minor("12.50", "a").value(), 1250);
  EXPECT_EQ(parse_decimal_minor("12,5", "a").value(), 1250);
  EXPECT_EQ(parse_decimal_minor("0.01", "a").value(), 1);
  EXPECT_EQ(parse_decimal_minor("-3", "a").value(), -300);
  EXPECT_EQ(parse_decimal_minor("+7.00", "a").value(), 700);
  // 0.1 + 0.2 style values come out exact: no double anywhere.
  EXPECT_EQ(parse_decimal_minor("1234567890123.99", "a").value(), 123456789012399);
  EXPECT_EQ(parse_decimal_minor("7", "a", 0).value(), 7);
  for (const char* bad : {"", ".", "1.", ".5", "1.234", "1,000.00", "1e3", "12 50", "abc", "--1",
                          "1234567890123456.00", " 1"}) {
    auto r = parse_decimal_minor(bad, "amount");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "amount");
  }
}

TEST(Paypal, SelfVerificationWithStoredCertificate) {
  const test::PaypalKeys keys = test::make_paypal_keys();
  const std::string body = R"({"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED"})";
  PaypalHeaders h = test::paypal_headers(keys, "tx-1", "2026-11-24T10:00:00Z", "WHID-1", body);
  EXPECT_TRUE(verify_paypal_signature(h, body, "WHID-1", keys.cert_pem));
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);  // the standard check value

  EXPECT_FALSE(verify_paypal_signature(h, body + " ", "WHID-1", keys.cert_pem));
  EXPECT_FALSE(verify_paypal_signature(h, body, "WHID-2", keys.cert_pem));
  const test::PaypalKeys other = test::make_paypal_keys();
  EXPECT_FALSE(verify_paypal_signature(h, body, "WHID-1", other.cert_pem));
  PaypalHeaders evil = h;
  evil.cert_url = "https://paypal.com.evil.example/cert.pem";
  EXPECT_EQ(verify_paypal_signature(evil, body, "WHID-1", keys.cert_pem).error().field, "PAYPAL-CERT-URL");
  evil.cert_url = "http://api.paypal.com/cert.pem";
  EXPECT_FALSE(verify_paypal_signature(evil, body, "WHID-1", keys.cert_pem));
  PaypalHeaders algo = h;
  algo.auth_algo = "SHA1withRSA";
  EXPECT_FALSE(verify_paypal_signature(algo, body, "WHID-1", keys.cert_pem));
  PaypalHeaders bad_sig = h;
  bad_sig.transmission_sig = "!!!";
  EXPECT_FALSE(verify_paypal_signature(bad_sig, body, "WHID-1", keys.cert_pem));
  EXPECT_FALSE(verify_paypal_signature(h, body, "WHID-1", ""));

  auto ev = parse_paypal_event(R"({"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED",
    "resource":{"id":"CAP-1","status":"COMPLETED","amount":{"currency_code":"EUR","value":"19.90"},
    "custom_id":"web-000003"}})");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->amount_minor, 1990);
  EXPECT_EQ(ev->custom_id, "WEB-000003");
  EXPECT_EQ(parse_paypal_event(R"({"id":"W","event_type":"X","resource":{"amount":{"value":"1.999"}}})")
                .error()
                .field,
            "resource.amount.value");
}

TEST(Camt053, ParsesARealisticStatement) {
  auto entries = parse_camt053(test::kCamt053Sample);
  ASSERT_TRUE(entries) << entries.error().message << " " << entries.error().field;
  ASSERT_EQ(entries->size(), 3u);
  const auto& a = (*entries)[0];
  EXPECT_EQ(a.amount_minor, 12990);
  EXPECT_EQ(a.currency, "EUR");
  EXPECT_EQ(a.booking_date, "2026-11-23");
  EXPECT_EQ(a.reference, "2026112300001");
  EXPECT_EQ(a.counterparty, "Mario Rossi");
  EXPECT_EQ(a.text, "Pagamento ordine WEB-000001 grazie");
  EXPECT_EQ((*entries)[1].amount_minor, -4500);  // DBIT
  EXPECT_EQ((*entries)[2].reference, "NTRY-3");  // no AcctSvcrRef: NtryRef
  EXPECT_EQ((*entries)[2].text, "ORD WEB000002 saldo");
}

TEST(Camt053, RefusesHostileAndMalformedDocuments) {
  const std::string laughs = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry>
<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-11-23</Dt></BookgDt>
<AddtlNtryInf>&lol3;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>)";
  auto r = parse_camt053(laughs);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("DOCTYPE"), std::string::npos);

  const std::string xxe = R"(<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry>
<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-11-23</Dt></BookgDt>
<AddtlNtryInf>&x;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>)";
  EXPECT_FALSE(parse_camt053(xxe));

  std::string huge = test::kCamt053Sample;
  huge.insert(huge.find("</Document>"), std::string(limits::kMaxStatementBytes, ' '));
  EXPECT_EQ(parse_camt053(huge).error().code, ErrorCode::payload_too_large);

  EXPECT_EQ(parse_camt053("<Document>").error().message, "not well-formed XML");
  EXPECT_FALSE(parse_camt053("<Document xmlns=\"urn:other\"/>"));
  EXPECT_FALSE(parse_camt053(std::string("<a>\0</a>", 8)));
  std::string bad_amount = test::kCamt053Sample;
  bad_amount.replace(bad_amount.find("129.90"), 6, "129.9x");
  EXPECT_EQ(parse_camt053(bad_amount).error().field, "Ntry[0].Amt");
  std::string bad_ccy = test::kCamt053Sample;
  bad_ccy.replace(bad_ccy.find("Ccy=\"EUR\"", bad_ccy.find("<Ntry>")), 9, "Ccy=\"EU\"");
  auto ccy = parse_camt053(bad_ccy);
  ASSERT_FALSE(ccy);
  EXPECT_EQ(ccy.error().field, "Ntry[0].Amt@Ccy");
}

TEST(StatementCsv, ParsesQuotedCommaDecimalsAndNamesBadCells) {
  auto r = parse_statement_csv(
      "date,amount,currency,description,reference\r\n"
      "2026-11-23,\"129,90\",EUR,\"Bonifico WEB-000001, grazie\",REF-1\n"
      "2026-11-24,-10.00,eur,Commissioni,\n");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].amount_minor, 12990);
  EXPECT_EQ((*r)[0].text, "Bonifico WEB-000001, grazie");
  EXPECT_EQ((*r)[0].reference, "REF-1");
  EXPECT_EQ((*r)[1].amount_minor, -1000);
  EXPECT_EQ((*r)[1].currency, "EUR");
  // Column order is free; reference is optional.
  EXPECT_TRUE(parse_statement_csv("reference,description,currency,amount,date\nR,x,EUR,1.00,2026-01-02\n"));
  EXPECT_TRUE(parse_statement_csv("date,amount,currency,description\n2026-01-02,1.00,EUR,x\n"));

  EXPECT_EQ(parse_statement_csv("date,amount,currency,description\n2026-1-2,1,EUR,x").error().field,
            "rows[0].date");
  EXPECT_EQ(parse_statement_csv("date,amount,currency,description\n2026-01-02,1.0.0,EUR,x").error().field,
            "rows[0].amount");
  EXPECT_EQ(parse_statement_csv("date,amount,currency,description\n2026-01-02,1,XXX,x").error().field,
            "rows[0].currency");
  EXPECT_EQ(parse_statement_csv("date,amount,currency,colour\n").error().field, "header[3]");
  EXPECT_EQ(parse_statement_csv("date,amount\n").error().field, "header");
  EXPECT_EQ(parse_statement_csv("date,amount,currency,description\n\"open,1,EUR,x").error().field, "body");
  EXPECT_EQ(parse_statement_csv("").error().field, "body");
}

TEST(CodCsv, TrackingOrOrderNumber) {
  auto r = parse_cod_csv("tracking_number,amount,currency,date\nBRT123,49.90,EUR,2026-11-20\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].tracking_number, "BRT123");
  EXPECT_EQ((*r)[0].amount_minor, 4990);
  auto o = parse_cod_csv("order_number,amount,currency,date\nweb-000009,10,EUR,2026-11-20\n");
  ASSERT_TRUE(o);
  EXPECT_EQ((*o)[0].order_number, "WEB-000009");
  EXPECT_EQ(parse_cod_csv("amount,currency,date\n").error().field, "header");
  EXPECT_EQ(parse_cod_csv("tracking_number,order_number,amount,currency,date\n,,1,EUR,2026-11-20\n")
                .error()
                .field,
            "rows[0]");
}

TEST(Remittance, OrderNumberCandidates) {
  using V = std::vector<std::string>;
  EXPECT_EQ(order_number_candidates("Pagamento ordine web-000123."), V{"WEB-000123"});
  EXPECT_EQ(order_number_candidates("ORD WEB000123 saldo"), V{"WEB-000123"});
  EXPECT_EQ(order_number_candidates("rif WEB 000123"), V{"WEB-000123"});
  EXPECT_EQ(order_number_candidates("WEB-000001 e WEB-000002"), (V{"WEB-000001", "WEB-000002"}));
  EXPECT_TRUE(order_number_candidates("Bonifico grazie 2026 IT60 X054").empty());
  EXPECT_EQ(order_number_candidates("pos-12 saldo"), V{"POS-12"});
  std::string many;
  for (int i = 0; i < 40; ++i) many += "A-" + std::to_string(i) + " ";
  EXPECT_EQ(order_number_candidates(many).size(), limits::kMaxRemittanceCandidates);
}

TEST(Iban, Mod97) {
  EXPECT_TRUE(is_valid_iban("IT60 X054 2811 1010 0000 0123 456"));
  EXPECT_TRUE(is_valid_iban("GB82WEST12345698765432"));
  EXPECT_FALSE(is_valid_iban("IT61X0542811101000000123456"));
  EXPECT_FALSE(is_valid_iban("IT60X05428111010"));
  EXPECT_FALSE(is_valid_iban("1T60X0542811101000000123456"));
}

}  // namespace
}  // namespace fondaco::payments
