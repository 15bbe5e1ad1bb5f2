#include "fondaco/channels/external.h"

#include <array>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/channels/payload.h"
#include "fondaco/platform/system.h"

namespace fondaco::channels {

namespace {
constexpr std::array<std::string_view, 6> kFinancialNames = {
    "pending", "authorized", "paid", "partially_refunded", "refunded", "voided"};
}  // namespace

std::string_view to_string(FinancialStatus s) {
  return kFinancialNames[static_cast<std::size_t>(s)];
}

Result<std::int64_t> total_fees(const ExternalOrder& o) {
  std::int64_t sum = 0;
  for (const auto& f : o.fees) {
    auto next = checked_add(sum, f.amount_minor);
    if (!next || *next > limits::kMaxOrderTotalMinor || *next < -limits::kMaxOrderTotalMinor)
      return fail(ErrorCode::invalid_argument, "fees out of range", "fees");
    sum = *next;
  }
  return sum;
}

int currency_decimals(std::string_view c) {
  for (std::string_view z : {"JPY", "KRW", "CLP", "ISK", "VND", "XAF", "XOF", "PYG", "UGX"})
    if (c == z) return 0;
  for (std::string_view t : {"BHD", "JOD", "KWD", "OMR", "TND", "IQD", "LYD"})
    if (c == t) return 3;
  return 2;
}

Result<std::int64_t> parse_money(std::string_view text, std::string_view currency,
                                 const std::string& field) {
  auto bad = [&] {
    return fail(ErrorCode::invalid_argument, "must be a decimal amount such as 12.50", field);
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) return bad();
  const int decimals = currency_decimals(currency);
  std::int64_t value = 0;
  auto push_digit = [&](char ch) -> bool {
    if (ch < '0' || ch > '9') return false;
    auto m = checked_mul(value, 10);
    auto a = m ? checked_add(*m, ch - '0') : std::nullopt;
    if (!a || *a > limits::kMaxAmountMinor) return false;
    value = *a;
    return true;
  };
  for (char ch : whole)
    if (!push_digit(ch)) return bad();
  for (int i = 0; i < decimals; ++i)
    if (!push_digit(static_cast<std::size_t>(i) < frac.size() ? frac[i] : '0')) return bad();
  for (std::size_t i = decimals; i < frac.size(); ++i)
    if (frac[i] != '0') return bad();  // sub-minor precision would be a rounding we refuse
  return negative ? -value : value;
}

}  // namespace fondaco::channels

// ---- payload readers (payload.h) ----

namespace fondaco::channels::payload {

const json::Value* member(const json::Value& obj, std::string_view key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(json::Value(rapidjson::StringRef(key.data(), key.size())));
  if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

Result<std::string> text(const json::Value& obj, std::string_view key, const std::string& path,
                         std::size_t max_chars) {
  const json::Value* v = member(obj, key);
  if (!v) return std::string{};
  std::string out;
  if (v->IsString())
    out.assign(v->GetString(), v->GetStringLength());
  else if (v->IsInt64())
    out = std::to_string(v->GetInt64());
  else if (v->IsUint64())
    out = std::to_string(v->GetUint64());
  else
    return fail(ErrorCode::invalid_argument, "must be a string", path);
  if (out.size() > max_chars || !is_valid_utf8(out) || has_control_chars(out))
    return fail(ErrorCode::invalid_argument,
                "must be at most " + std::to_string(max_chars) + " bytes of text", path);
  return out;
}

Result<std::string> required_text(const json::Value& obj, std::string_view key,
                                  const std::string& path, std::size_t max_chars) {
  auto out = FONDACO_TRY(text(obj, key, path, max_chars));
  if (out.empty()) return fail(ErrorCode::invalid_argument, "is required", path);
  return out;
}

Result<std::int64_t> integer(const json::Value& obj, std::string_view key, const std::string& path,
                             std::optional<std::int64_t> fallback) {
  const json::Value* v = member(obj, key);
  if (!v) {
    if (fallback) return *fallback;
    return fail(ErrorCode::invalid_argument, "is required", path);
  }
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    std::int64_t n = 0;
    bool neg = !s.empty() && s.front() == '-';
    if (neg) s.remove_prefix(1);
    if (s.empty() || s.size() > 18)
      return fail(ErrorCode::invalid_argument, "must be an integer", path);
    for (char ch : s) {
      if (ch < '0' || ch > '9')
        return fail(ErrorCode::invalid_argument, "must be an integer", path);
      n = n * 10 + (ch - '0');
    }
    return neg ? -n : n;
  }
  return fail(ErrorCode::invalid_argument, "must be an integer", path);
}

Result<std::int64_t> money(const json::Value& obj, std::string_view key, std::string_view currency,
                           const std::string& path) {
  const json::Value* v = member(obj, key);
  if (!v) return std::int64_t{0};
  if (v->IsString())
    return parse_money(std::string_view(v->GetString(), v->GetStringLength()), currency, path);
  if (v->IsInt64()) return parse_money(std::to_string(v->GetInt64()), currency, path);
  // A JSON fraction would have gone through a binary double: refused, never rounded.
  return fail(ErrorCode::invalid_argument, "must be a decimal amount", path);
}

Result<std::int64_t> timestamp(const json::Value& obj, std::string_view key,
                               const std::string& path) {
  std::string s = FONDACO_TRY(required_text(obj, key, path, 64));
  auto ms = parse_rfc3339(s);
  if (!ms && s.size() == 19) ms = parse_rfc3339(s + "Z");
  if (!ms) return fail(ErrorCode::invalid_argument, "must be an RFC 3339 timestamp", path);
  return *ms;
}

std::string at(std::string_view key, std::size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

Result<void> verify_base64_hmac(std::string_view body, std::string_view signature_b64,
                                std::span<const std::string> secrets, std::string_view header) {
  if (signature_b64.empty())
    return fail(ErrorCode::unauthorized, "missing signature", std::string(header));
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    // Standard base64 with padding, from the URL-safe form.
    std::string expected = base64url_encode(platform::hmac_sha256(secret, body));
    for (char& ch : expected) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    while (expected.size() % 4) expected += '=';
    if (platform::constant_time_equal(expected, signature_b64)) return ok();
  }
  return fail(ErrorCode::unauthorized, "signature does not match", std::string(header));
}

}  // namespace fondaco::channels::payload
