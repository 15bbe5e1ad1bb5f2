// Decimal amounts, Stripe and PayPal webhook verification and parsing, order number
// candidates in remittance texts. (camt.053 lives in camt053.cc, CSV in csv.cc.)
#include "fondaco/payments/formats.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <memory>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "fondaco/platform/system.h"

namespace fondaco::payments {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

Result<std::int64_t> parse_i64(std::string_view s) {
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), is_digit))
    return fail(ErrorCode::unauthorized, "bad number");
  std::int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// JSON helpers for provider payloads: absent or wrong-typed members read as empty.
const json::Value* member(const json::Value& o, const char* key) {
  if (!o.IsObject()) return nullptr;
  auto it = o.FindMember(key);
  return it == o.MemberEnd() ? nullptr : &it->value;
}
std::string str_of(const json::Value& o, const char* key) {
  const auto* v = member(o, key);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}
std::optional<std::int64_t> int_of(const json::Value& o, const char* key) {
  const auto* v = member(o, key);
  if (v && v->IsInt64()) return v->GetInt64();
  return std::nullopt;
}

}  // namespace

Result<std::int64_t> parse_decimal_minor(std::string_view text, std::string_view field,
                                         int decimals) {
  const auto bad = [&](const char* why) {
    return fail(ErrorCode::invalid_argument, why, std::string(field));
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const auto sep = s.find_first_of(".,");
  const std::string_view whole = s.substr(0, sep);
  const std::string_view frac = sep == std::string_view::npos ? "" : s.substr(sep + 1);
  if (whole.empty() || !std::all_of(whole.begin(), whole.end(), is_digit))
    return bad("must be a decimal amount such as 12.50");
  if (sep != std::string_view::npos && (frac.empty() || !std::all_of(frac.begin(), frac.end(), is_digit)))
    return bad("must be a decimal amount such as 12.50");
  if (whole.size() > limits::kMaxAmountIntegerDigits) return bad("amount too large");
  if (static_cast<int>(frac.size()) > decimals) return bad("too many decimal places");
  std::int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  for (int i = 0; i < decimals; ++i)
    v = v * 10 + (static_cast<std::size_t>(i) < frac.size() ? frac[static_cast<std::size_t>(i)] - '0' : 0);
  return negative ? -v : v;
}

// ---- Stripe ----

std::string stripe_signature_header(std::string_view secret, std::int64_t t_s,
                                    std::string_view raw_body) {
  const std::string t = std::to_string(t_s);
  const std::string signed_payload = t + "." + std::string(raw_body);
  return "t=" + t + ",v1=" + hex_encode(platform::hmac_sha256(secret, signed_payload));
}

Result<void> verify_stripe_signature(std::string_view header, std::string_view raw_body,
                                     std::span<const std::string> secrets, std::int64_t now_ms,
                                     std::int64_t tolerance_s) {
  const auto unauthorized = [](const char* why) {
    return fail(ErrorCode::unauthorized, why, "Stripe-Signature");
  };
  std::string t;
  std::vector<std::string_view> v1;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    const auto comma = std::min(header.find(',', pos), header.size());
    const std::string_view item = header.substr(pos, comma - pos);
    pos = comma + 1;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const auto k = item.substr(0, eq), v = item.substr(eq + 1);
    if (k == "t") t = std::string(v);
    if (k == "v1" && v1.size() < limits::kMaxStripeSignatures) v1.push_back(v);
  }
  if (t.empty() || v1.empty()) return unauthorized("no timestamp or v1 signature");
  auto ts = parse_i64(t);
  if (!ts) return unauthorized("bad timestamp");
  if (std::llabs(now_ms / 1000 - *ts) > tolerance_s)
    return unauthorized("timestamp outside the tolerance window");
  const std::string signed_payload = t + "." + std::string(raw_body);
  bool match = false;
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    const std::string expected = hex_encode(platform::hmac_sha256(secret, signed_payload));
    for (auto sig : v1) match = platform::constant_time_equal(expected, sig) || match;
  }
  if (!match) return unauthorized("no signature matches the endpoint secret");
  return ok();
}

Result<StripeEvent> parse_stripe_event(std::string_view raw_body) {
  auto doc = FONDACO_TRY(json::parse(raw_body));
  const auto& root = doc->root();
  StripeEvent ev;
  ev.id = str_of(root, "id");
  ev.type = str_of(root, "type");
  if (ev.id.empty()) return fail(ErrorCode::invalid_argument, "event id missing", "id");
  if (ev.type.empty()) return fail(ErrorCode::invalid_argument, "event type missing", "type");
  const auto* data = member(root, "data");
  const auto* obj = data ? member(*data, "object") : nullptr;
  if (!obj || !obj->IsObject())
    return fail(ErrorCode::invalid_argument, "data.object missing", "data.object");
  ev.object_type = str_of(*obj, "object");
  ev.object_id = str_of(*obj, "id");
  ev.amount_minor = ev.object_type == "payment_intent" ? int_of(*obj, "amount_received")
                                                       : int_of(*obj, "amount");
  ev.currency = upper(str_of(*obj, "currency"));
  ev.status = str_of(*obj, "status");
  ev.payment_intent = ev.object_type == "payment_intent" ? ev.object_id : str_of(*obj, "payment_intent");
  if (const auto* meta = member(*obj, "metadata")) {
    const std::string oid = str_of(*meta, "order_id");  // Stripe metadata values are strings
    if (!oid.empty()) {
      auto v = parse_decimal_minor(oid, "data.object.metadata.order_id", 0);
      if (!v || *v <= 0)
        return fail(ErrorCode::invalid_argument, "must be an order id",
                    "data.object.metadata.order_id");
      ev.meta_order_id = *v;
    }
    ev.meta_order_number = upper(str_of(*meta, "order_number"));
    ev.meta_refund_id = str_of(*meta, "refund_id");
  }
  if (const auto* err = member(*obj, "last_payment_error")) ev.failure_message = str_of(*err, "message");
  const auto* refunds = member(*obj, "refunds");
  const auto* list = refunds ? member(*refunds, "data") : nullptr;
  if (list && list->IsArray())
    for (const auto& r : list->GetArray()) {
      StripeEvent::RefundRef ref{str_of(r, "id"), str_of(r, "status"), {}};
      if (const auto* meta = member(r, "metadata")) ref.meta_refund_id = str_of(*meta, "refund_id");
      ev.refunds.push_back(std::move(ref));
    }
  return ev;
}

// ---- PayPal ----

std::uint32_t crc32(std::string_view data) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (char ch : data) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

namespace {

// https://api.paypal.com/..., https://api.sandbox.paypal.com/...: a paypal.com host only.
bool is_paypal_cert_url(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme)) return false;
  url.remove_prefix(kScheme.size());
  const std::string host = ascii_lower(url.substr(0, url.find_first_of("/:?#")));
  return host == "paypal.com" || host.ends_with(".paypal.com");
}

std::optional<std::string> base64_decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0 || in.size() > 4096) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  if (in.ends_with("==")) len -= 2;
  else if (in.ends_with("=")) len -= 1;
  out.resize(len);
  return out;
}

bool rsa_sha256_verify(std::string_view cert_pem, std::string_view message, std::string_view sig) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())), BIO_free);
  if (!bio) return false;
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(X509_get_pubkey(cert.get()),
                                                          EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!key || !ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

}  // namespace

Result<void> verify_paypal_signature(const PaypalHeaders& h, std::string_view raw_body,
                                     std::string_view webhook_id, std::string_view cert_pem) {
  const auto unauthorized = [](const char* why, const char* field) {
    return fail(ErrorCode::unauthorized, why, field);
  };
  if (webhook_id.empty() || cert_pem.empty())
    return unauthorized("PayPal webhook id or certificate not configured", "settings");
  if (h.transmission_id.empty() || h.transmission_time.empty())
    return unauthorized("missing transmission id or time", "PAYPAL-TRANSMISSION-ID");
  if (h.auth_algo != "SHA256withRSA")
    return unauthorized("unsupported algorithm", "PAYPAL-AUTH-ALGO");
  if (!is_paypal_cert_url(h.cert_url))
    return unauthorized("certificate URL must be https on a paypal.com host", "PAYPAL-CERT-URL");
  const auto sig = base64_decode(h.transmission_sig);
  if (!sig) return unauthorized("signature is not base64", "PAYPAL-TRANSMISSION-SIG");
  const std::string message = h.transmission_id + "|" + h.transmission_time + "|" +
                              std::string(webhook_id) + "|" + std::to_string(crc32(raw_body));
  if (!rsa_sha256_verify(cert_pem, message, *sig))
    return unauthorized("signature does not verify", "PAYPAL-TRANSMISSION-SIG");
  return ok();
}

Result<PaypalEvent> parse_paypal_event(std::string_view raw_body) {
  auto doc = FONDACO_TRY(json::parse(raw_body));
  const auto& root = doc->root();
  PaypalEvent ev;
  ev.id = str_of(root, "id");
  ev.event_type = str_of(root, "event_type");
  if (ev.id.empty()) return fail(ErrorCode::invalid_argument, "event id missing", "id");
  if (ev.event_type.empty())
    return fail(ErrorCode::invalid_argument, "event_type missing", "event_type");
  const auto* res = member(root, "resource");
  if (!res || !res->IsObject())
    return fail(ErrorCode::invalid_argument, "resource missing", "resource");
  ev.resource_id = str_of(*res, "id");
  ev.status = str_of(*res, "status");
  ev.custom_id = upper(str_of(*res, "custom_id"));
  ev.invoice_id = upper(str_of(*res, "invoice_id"));
  if (const auto* amount = member(*res, "amount")) {
    ev.currency = str_of(*amount, "currency_code");
    const std::string value = str_of(*amount, "value");
    if (!value.empty())  // PayPal sends decimal strings ("10.00"): read exactly
      ev.amount_minor = FONDACO_TRY(parse_decimal_minor(value, "resource.amount.value"));
  }
  return ev;
}

// ---- Remittance text ----

std::vector<std::string> order_number_candidates(std::string_view text) {
  constexpr std::size_t kMinBareDigits = 6;  // orders number as PREFIX-000001
  std::vector<std::string> tokens;
  std::string cur;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ' ';
    if (is_alpha(c) || is_digit(c) || c == '-' || c == '_') {
      cur += c;
    } else if (!cur.empty()) {
      tokens.push_back(upper(cur));
      cur.clear();
    }
  }
  std::vector<std::string> out;
  const auto add = [&](std::string s) {
    if (out.size() < limits::kMaxRemittanceCandidates &&
        std::find(out.begin(), out.end(), s) == out.end())
      out.push_back(std::move(s));
  };
  const auto all_digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
  };
  const auto has_alpha = [](std::string_view s) { return std::any_of(s.begin(), s.end(), is_alpha); };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    const auto dash = t.rfind('-');
    if (dash != std::string::npos && dash > 0 && all_digits(t.substr(dash + 1)) &&
        has_alpha(t.substr(0, dash))) {
      add(t);  // WEB-000123 as written
      continue;
    }
    // Without the hyphen only the orders module's zero-padded form (6+ digits) counts, so
    // "grazie 2026" or "IT60" are not taken for order numbers.
    std::size_t d = t.size();
    while (d > 0 && is_digit(t[d - 1])) --d;
    if (d > 0 && t.size() - d >= kMinBareDigits && has_alpha(t.substr(0, d)) && t[d - 1] != '-') {
      add(t.substr(0, d) + "-" + t.substr(d));  // WEB000123
    } else if (d == t.size() && has_alpha(t) && i + 1 < tokens.size() &&
               all_digits(tokens[i + 1]) && tokens[i + 1].size() >= kMinBareDigits) {
      add(t + "-" + tokens[i + 1]);  // WEB 000123
    }
  }
  return out;
}

}  // namespace fondaco::payments
