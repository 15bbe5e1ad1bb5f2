// Payments: the outside formats payments arrive in, parsed and verified without touching
// the database — Stripe webhooks (Stripe-Signature: HMAC-SHA256 over "{t}.{body}"), PayPal
// webhooks (self-verification: SHA256withRSA over "id|time|webhook_id|crc32(body)" with a
// certificate held in settings), ISO 20022 camt.053 bank statements (libxml2, DTDs and
// entities refused, size capped before parsing), the bank-statement CSV and the carrier's
// COD remittance CSV, and decimal amounts ("12.50", "12,50") read into minor units exactly.
//
// Everything here is a pure function of its inputs (time is passed in), so it is unit
// tested and fuzzed directly (tests/fuzz/statement_fuzz.cc).
// Thread-safety: pure functions; safe from any thread (libxml2 is initialised once).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/result.h"

namespace fondaco::payments {

// "1234.5", "1234,50", "-3.00" → minor units (2 decimals). Only digits and one separator;
// no thousands separators, no exponent, at most `decimals` fraction digits (never rounded).
// invalid_argument naming `field` otherwise.
Result<std::int64_t> parse_decimal_minor(std::string_view text, std::string_view field,
                                         int decimals = 2);

// ---- Stripe ----
// Verifies a Stripe-Signature header ("t=...,v1=...,v1=...,v0=...") against every secret
// (current and previous, for rotation): some v1 must equal hex(HMAC-SHA256(secret,
// "{t}.{body}")) (constant-time compare) and |now - t| ≤ tolerance_s. unauthorized otherwise.
Result<void> verify_stripe_signature(std::string_view header, std::string_view raw_body,
                                     std::span<const std::string> secrets, std::int64_t now_ms,
                                     std::int64_t tolerance_s);
// Builds a header value as Stripe would (tests, fake servers).
std::string stripe_signature_header(std::string_view secret, std::int64_t t_s,
                                    std::string_view raw_body);

// The parts of a Stripe event (https://docs.stripe.com/api/events/object) we act on.
struct StripeEvent {
  std::string id;    // evt_...
  std::string type;  // payment_intent.succeeded, ...
  std::string object_type;  // data.object.object: payment_intent, charge, refund
  std::string object_id;    // pi_..., ch_..., re_...
  std::optional<std::int64_t> amount_minor;  // amount_received (PI), amount (refund, charge)
  std::string currency;                      // upper-cased (Stripe sends lower case)
  std::string status;
  std::string payment_intent;                // charge/refund: the PaymentIntent id
  std::optional<std::int64_t> meta_order_id;  // metadata.order_id
  std::string meta_order_number;              // metadata.order_number
  std::string meta_refund_id;                 // metadata.refund_id (our refund id)
  std::string failure_message;                // last_payment_error.message
  // charge.refunded: the charge's refunds (data.object.refunds.data[]).
  struct RefundRef {
    std::string id;
    std::string status;
    std::string meta_refund_id;
  };
  std::vector<RefundRef> refunds;
};
// invalid_argument naming the JSON path when the event is malformed.
Result<StripeEvent> parse_stripe_event(std::string_view raw_body);

// ---- PayPal ----
struct PaypalHeaders {
  std::string transmission_id;    // PAYPAL-TRANSMISSION-ID
  std::string transmission_time;  // PAYPAL-TRANSMISSION-TIME
  std::string transmission_sig;   // PAYPAL-TRANSMISSION-SIG (base64)
  std::string cert_url;           // PAYPAL-CERT-URL (checked: https, *.paypal.com; not fetched)
  std::string auth_algo;          // PAYPAL-AUTH-ALGO (SHA256withRSA)
};
// CRC-32 (IEEE 802.3, as zlib's crc32) of the raw body, as PayPal signs it (decimal).
std::uint32_t crc32(std::string_view data);
// PayPal's documented self-verification, offline: the signed string
// "transmission_id|transmission_time|webhook_id|crc32(body)" verified with SHA256withRSA
// against the public key of `cert_pem` (the certificate PayPal serves at cert_url, stored
// in settings by an administrator). unauthorized when anything does not hold.
Result<void> verify_paypal_signature(const PaypalHeaders& h, std::string_view raw_body,
                                     std::string_view webhook_id, std::string_view cert_pem);

struct PaypalEvent {
  std::string id;          // WH-...
  std::string event_type;  // PAYMENT.CAPTURE.COMPLETED, ...
  std::string resource_id;
  std::optional<std::int64_t> amount_minor;  // resource.amount.value, exact
  std::string currency;                      // resource.amount.currency_code
  std::string custom_id;                     // our order number (or invoice_id)
  std::string invoice_id;
  std::string status;
};
Result<PaypalEvent> parse_paypal_event(std::string_view raw_body);

// ---- Bank statements and COD remittances ----
struct StatementEntry {
  std::string booking_date;  // YYYY-MM-DD
  std::int64_t amount_minor = 0;  // credits positive, debits negative
  std::string currency;
  std::string text;        // remittance information (Ustrd joined) / CSV description
  std::string reference;   // bank reference (AcctSvcrRef / NtryRef / CSV reference); may be empty
  std::string counterparty;  // debtor name
  std::string tracking_number;  // COD CSV only
  std::string order_number;     // COD CSV only
};

// ISO 20022 camt.053 (any camt.053.001.xx namespace): every Ntry of every Stmt. Refuses a
// DOCTYPE (no DTD, so no entity expansion — "billion laughs" — and no external entity),
// never touches the network, caps size and entry count. invalid_argument naming the problem.
Result<std::vector<StatementEntry>> parse_camt053(std::string_view xml);
// CSV "date,amount,currency,description,reference" (header required, any column order,
// RFC 4180 quoting; amounts "12.50" or "12,50", negative = debit).
Result<std::vector<StatementEntry>> parse_statement_csv(std::string_view csv);
// Carrier COD CSV: "tracking_number" and/or "order_number", "amount", "currency", "date".
Result<std::vector<StatementEntry>> parse_cod_csv(std::string_view csv);

// Order-number-like tokens in a remittance text ("Ord. web-000123", "WEB000123",
// "WEB 000123" → "WEB-000123"; without the hyphen only 6+ digits, the orders module's
// zero-padded form), upper-cased, deduplicated, at most
// limits::kMaxRemittanceCandidates.
std::vector<std::string> order_number_candidates(std::string_view text);

}  // namespace fondaco::payments
