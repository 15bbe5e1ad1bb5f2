// Fuzz target: the parsers of what channels send — Shopify and WooCommerce order webhook
// payloads and their signature checks, Amazon order and settlement reports (TSV), and the
// exact decimal money reader they share. No database, no network.
//
// Input layout: the first byte picks the parser, the rest is its input. A readable letter
// picks directly (seed files stay legible), any other byte picks byte % 6:
//   s  shopify::parse_order      w  woocommerce::parse_order   a  amazon::read_order_report
//   t  amazon::read_settlement_report                          m  channels::parse_money
//   v  shopify/woocommerce verify_webhook (input = "signature\nbody")
//
// Properties (a violation aborts under libFuzzer, or is counted by smoke_main.cc):
//   * nothing crashes, leaks or hangs (ASan/UBSan in the libFuzzer build);
//   * errors are invalid_argument and name a field;
//   * an accepted order has an external id within kMaxExternalRefChars, 1..kMaxOrderLines
//     lines (none only for a cancelled Amazon order), quantities in 1..kMaxQuantity,
//     non-negative amounts within kMaxAmountMinor, a known currency and valid UTF-8 text;
//   * Amazon reports never keep an order one of whose rows was refused, refused rows name a
//     line after the header and a column, and rows stay within kAmazonReportMaxRows;
//   * an accepted amount is within ±kMaxAmountMinor and reading it again gives the same value;
//   * a signature verifies only when it is the HMAC we compute with the test secret.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fondaco/amazon/reports.h"
#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/channels/external.h"
#include "fondaco/platform/system.h"
#include "fondaco/shopify/orders.h"
#include "fondaco/woocommerce/orders.h"
#include "fuzz_support.h"

namespace {

namespace lim = fondaco::limits;
using fondaco::ErrorCode;
using fondaco::channels::ExternalOrder;

template <typename R>
bool check_error(const R& r, const char* parser) {
  if (r) return false;
  ++fondaco_fuzz::responses_4xx;
  FUZZ_CHECK(r.error().code == ErrorCode::invalid_argument, parser);
  FUZZ_CHECK(!r.error().field.empty(), parser);
  return true;
}

void check_order(const ExternalOrder& o, const char* parser) {
  FUZZ_CHECK(!o.external_id.empty() && o.external_id.size() <= lim::kMaxExternalRefChars, parser);
  FUZZ_CHECK(o.lines.size() <= lim::kMaxOrderLines, parser);
  FUZZ_CHECK(!o.lines.empty() || o.cancelled, parser);
  FUZZ_CHECK(fondaco::is_known_currency(o.currency), parser);
  FUZZ_CHECK(fondaco::is_valid_utf8(o.email) && fondaco::is_valid_utf8(o.customer_name), parser);
  FUZZ_CHECK(o.shipping_minor >= 0 && o.tax_minor >= 0, parser);
  for (const auto& l : o.lines) {
    FUZZ_CHECK(l.qty >= 1 && l.qty <= lim::kMaxQuantity, parser);
    FUZZ_CHECK(l.unit_price_minor >= 0 && l.unit_price_minor <= lim::kMaxAmountMinor, parser);
    FUZZ_CHECK(l.discount_minor >= 0, parser);
    FUZZ_CHECK(fondaco::is_valid_utf8(l.sku) && fondaco::is_valid_utf8(l.title), parser);
  }
}

void fuzz_json_order(bool shopify, std::string_view body) {
  const char* parser = shopify ? "shopify::parse_order" : "woocommerce::parse_order";
  auto r = shopify ? fondaco::shopify::parse_order(body) : fondaco::woocommerce::parse_order(body);
  if (check_error(r, parser)) return;
  ++fondaco_fuzz::responses_2xx;
  FUZZ_CHECK(!r->lines.empty(), parser);
  check_order(*r, parser);
}

void fuzz_order_report(std::string_view tsv) {
  auto r = fondaco::amazon::read_order_report(tsv);
  if (check_error(r, "amazon::read_order_report")) return;
  ++fondaco_fuzz::responses_2xx;
  FUZZ_CHECK(r->rows <= lim::kAmazonReportMaxRows, "amazon rows");
  std::set<std::string> refused;
  for (const auto& e : r->refused) {
    FUZZ_CHECK(e.line >= 2 && !e.column.empty() && !e.reason.empty(), "amazon refused row");
    refused.insert(e.order_id);
  }
  for (const auto& o : r->orders) {
    FUZZ_CHECK(!refused.contains(o.external_id), "amazon kept a refused order");
    check_order(o, "amazon::read_order_report");
  }
}

void fuzz_settlement(std::string_view tsv) {
  auto r = fondaco::amazon::read_settlement_report(tsv);
  if (check_error(r, "amazon::read_settlement_report")) return;
  ++fondaco_fuzz::responses_2xx;
  for (const auto& o : r->orders) {
    FUZZ_CHECK(!o.order_id.empty() && fondaco::is_known_currency(o.currency), "settlement order");
    for (const auto& f : o.fees) FUZZ_CHECK(!f.type.empty(), "settlement fee type");
  }
}

void fuzz_money(std::string_view text) {
  auto r = fondaco::channels::parse_money(text, "EUR", "amount");
  if (check_error(r, "parse_money")) return;
  ++fondaco_fuzz::responses_2xx;
  FUZZ_CHECK(*r <= lim::kMaxAmountMinor && *r >= -lim::kMaxAmountMinor, "parse_money range");
  const std::int64_t abs = *r < 0 ? -*r : *r;
  const std::string again = (*r < 0 ? "-" : "") + std::to_string(abs / 100) + "." +
                            std::to_string(abs % 100 / 10) + std::to_string(abs % 10);
  auto back = fondaco::channels::parse_money(again, "EUR", "amount");
  FUZZ_CHECK(back && *back == *r, "parse_money round trip");
}

void fuzz_signature(std::string_view input) {
  const auto nl = input.find('\n');
  const std::string_view sig = input.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  const std::vector<std::string> secrets = {"fuzz-secret"};
  std::string expected =
      fondaco::base64url_encode(fondaco::platform::hmac_sha256(secrets[0], body));
  for (char& ch : expected) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  while (expected.size() % 4) expected += '=';
  const bool s = fondaco::shopify::verify_webhook(body, sig, secrets).has_value();
  const bool w = fondaco::woocommerce::verify_webhook(body, sig, secrets).has_value();
  FUZZ_CHECK(s == (sig == expected) && w == s, "signature accepted only when it is the HMAC");
  ++(s ? fondaco_fuzz::responses_2xx : fondaco_fuzz::responses_4xx);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  char pick = static_cast<char>(data[0]);
  if (std::string_view("swatmv").find(pick) == std::string_view::npos) pick = "swatmv"[data[0] % 6];
  switch (pick) {
    case 's':
      fuzz_json_order(true, input);
      break;
    case 'w':
      fuzz_json_order(false, input);
      break;
    case 'a':
      fuzz_order_report(input);
      break;
    case 't':
      fuzz_settlement(input);
      break;
    case 'm':
      fuzz_money(input);
      break;
    default:
      fuzz_signature(input);
      break;
  }
  return 0;
}
