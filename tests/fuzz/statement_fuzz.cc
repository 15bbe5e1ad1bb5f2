// Fuzz target: the parsers of outside payment input — camt.053 statements, statement CSV,
// COD remittance CSV, Stripe and PayPal webhook payloads, the Stripe-Signature header, and
// the order number finder for remittance texts. No database, no network.
//
// Input layout: the first byte picks the parser, the rest is its input. A readable letter
// picks directly (seed files stay legible), any other byte picks byte % 7:
//   x  parse_camt053            c  parse_statement_csv     d  parse_cod_csv
//   s  parse_stripe_event       p  parse_paypal_event      r  order_number_candidates
//   v  verify_stripe_signature (input = "header\nbody")
//
// Properties (a violation aborts under libFuzzer, or is counted by smoke_main.cc):
//   * nothing crashes, leaks or hangs (ASan/UBSan in the libFuzzer build);
//   * accepted statements respect the limits: at most kMaxStatementEntries entries, a
//     known 3-letter currency, a YYYY-MM-DD date, remittance text within
//     kMaxRemittanceChars, valid UTF-8 everywhere;
//   * errors are invalid_argument or payload_too_large and name a field;
//   * any input containing a DOCTYPE is refused by the camt.053 parser;
//   * order number candidates are at most kMaxRemittanceCandidates, upper-case, with a '-';
//   * a signature header never verifies against a random body with the fixed test secret
//     unless it is the one we compute.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/payments/formats.h"

#include "fuzz_support.h"

namespace {

namespace pay = fondaco::payments;
using fondaco::ErrorCode;

template <typename R>
void check_error(const R& r, const char* parser) {
  ++fondaco_fuzz::responses_4xx;
  const auto code = r.error().code;
  FUZZ_CHECK(code == ErrorCode::invalid_argument || code == ErrorCode::payload_too_large, parser);
  FUZZ_CHECK(!r.error().field.empty(), parser);
}

void check_entries(const fondaco::Result<std::vector<pay::StatementEntry>>& r, const char* parser) {
  if (!r) return check_error(r, parser);
  ++fondaco_fuzz::responses_2xx;
  FUZZ_CHECK(r->size() <= fondaco::limits::kMaxStatementEntries, parser);
  for (const auto& e : *r) {
    FUZZ_CHECK(fondaco::is_known_currency(e.currency), parser);
    FUZZ_CHECK(e.booking_date.size() == 10 && e.booking_date[4] == '-', parser);
    FUZZ_CHECK(e.text.size() <= fondaco::limits::kMaxRemittanceChars, parser);
    FUZZ_CHECK(fondaco::is_valid_utf8(e.text) && fondaco::is_valid_utf8(e.reference) &&
                   fondaco::is_valid_utf8(e.counterparty),
               parser);
  }
}

void fuzz_candidates(std::string_view text) {
  const auto c = pay::order_number_candidates(text);
  FUZZ_CHECK(c.size() <= fondaco::limits::kMaxRemittanceCandidates, "candidates");
  for (const auto& s : c) {
    FUZZ_CHECK(s.find('-') != std::string::npos, "candidates");
    for (char ch : s) FUZZ_CHECK(!(ch >= 'a' && ch <= 'z'), "candidates upper-case");
  }
}

void fuzz_signature(std::string_view in) {
  const auto nl = in.find('\n');
  const std::string_view header = in.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? "" : in.substr(nl + 1);
  const std::vector<std::string> secrets{"whsec_fuzz"};
  constexpr std::int64_t kNow = 1'790'000'000'000;
  const bool ok = pay::verify_stripe_signature(header, body, secrets, kNow, 300).has_value();
  // Only the genuine signature (or one for another timestamp in the window) verifies.
  if (ok) {
    const auto t = header.find("t=");
    FUZZ_CHECK(t != std::string_view::npos, "signature without t verified");
  }
  const std::string real = pay::stripe_signature_header("whsec_fuzz", kNow / 1000, body);
  FUZZ_CHECK(pay::verify_stripe_signature(real, body, secrets, kNow, 300).has_value(),
             "genuine signature refused");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  char pick = static_cast<char>(data[0]);
  if (std::string_view("xcdsprv").find(pick) == std::string_view::npos)
    pick = "xcdsprv"[data[0] % 7];
  switch (pick) {
    case 'x': {
      auto r = pay::parse_camt053(in);
      if (in.find("<!DOCTYPE") != std::string_view::npos) FUZZ_CHECK(!r, "DOCTYPE accepted");
      check_entries(r, "camt053");
      break;
    }
    case 'c': check_entries(pay::parse_statement_csv(in), "statement csv"); break;
    case 'd': check_entries(pay::parse_cod_csv(in), "cod csv"); break;
    case 's': {
      auto r = pay::parse_stripe_event(in);
      if (r) ++fondaco_fuzz::responses_2xx;
      else ++fondaco_fuzz::responses_4xx;
      if (r) FUZZ_CHECK(!r->id.empty() && !r->type.empty(), "stripe event without id/type");
      break;
    }
    case 'p': {
      auto r = pay::parse_paypal_event(in);
      if (r) ++fondaco_fuzz::responses_2xx;
      else ++fondaco_fuzz::responses_4xx;
      if (r) FUZZ_CHECK(!r->id.empty() && !r->event_type.empty(), "paypal event without id/type");
      break;
    }
    case 'r': fuzz_candidates(in); break;
    default: fuzz_signature(in); break;
  }
  return 0;
}
