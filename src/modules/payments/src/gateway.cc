// The Stripe refund adapter (libcurl) and the after-commit loop that sends due card refunds.
#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "fondaco/base/limits.h"
#include "fondaco/platform/json.h"
#include "internal.h"

namespace fondaco::payments {

using storage::Tx;

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  const std::size_t len = size * n;
  const std::size_t room = limits::kMaxGatewayResponseBytes - std::min(body->size(), limits::kMaxGatewayResponseBytes);
  body->append(data, std::min(len, room));
  return len;
}

std::string form_escape(CURL* curl, std::string_view s) {
  std::unique_ptr<char, decltype(&curl_free)> e(
      curl_easy_escape(curl, s.data(), static_cast<int>(s.size())), curl_free);
  return e ? std::string(e.get()) : std::string();
}

// Stripe's answer: 2xx with a Refund object, or an error object (https://docs.stripe.com/api/errors).
GatewayRefundResult classify(long http, const std::string& body) {
  GatewayRefundResult out;
  std::string status, message;
  if (auto doc = json::parse(body)) {
    const auto& root = (*doc)->root();
    if (root.IsObject()) {
      if (root.HasMember("id") && root["id"].IsString()) out.provider_ref = root["id"].GetString();
      if (root.HasMember("status") && root["status"].IsString()) status = root["status"].GetString();
      if (root.HasMember("error") && root["error"].IsObject() && root["error"].HasMember("message") &&
          root["error"]["message"].IsString())
        message = root["error"]["message"].GetString();
    }
  }
  out.error = "HTTP " + std::to_string(http) + (message.empty() ? "" : ": " + message);
  using K = GatewayRefundResult::Kind;
  if (http >= 200 && http < 300) {
    out.kind = status == "succeeded" ? K::succeeded
               : (status == "failed" || status == "canceled") ? K::rejected
                                                               : K::processing;
    if (out.kind != K::rejected) out.error.clear();
  } else if (http == 409 || http == 429 || http >= 500 || http == 401 || http == 403 || http == 0) {
    out.kind = K::retry;  // transient, or credentials an administrator can fix
  } else {
    out.kind = K::rejected;  // 400/402/404: Stripe refuses this refund as asked
  }
  return out;
}

}  // namespace

GatewayRefundResult StripeGateway::refund(const GatewayRefundRequest& r) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {GatewayRefundResult::Kind::retry, {}, "curl_easy_init failed"};
  CURL* c = curl.get();
  const std::string url = r.api_base + "/v1/refunds";
  const std::string form = "payment_intent=" + form_escape(c, r.payment_intent) +
                           "&amount=" + std::to_string(r.amount_minor) + "&" +
                           form_escape(c, "metadata[refund_id]") + "=" + std::to_string(r.refund_id);
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Authorization: Bearer " + r.secret_key).c_str());
  headers = curl_slist_append(headers, ("Idempotency-Key: " + r.idempotency_key).c_str());
  headers = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hold(headers, curl_slist_free_all);
  std::string body;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, limits::kGatewayTimeoutMs);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, limits::kGatewayTimeoutMs);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, form.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(form.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    return {GatewayRefundResult::Kind::retry, {}, std::string("network: ") + curl_easy_strerror(rc)};
  long http = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
  return classify(http, body);
}

namespace {

struct DueRefund {
  Refund refund;
  std::string payment_intent;
};

Result<std::vector<DueRefund>> due_refunds(Tx& tx, std::int64_t now_ms) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT r.id, p.provider_ref FROM payment_refunds r JOIN payments p ON p.id = r.payment_id "
      "WHERE r.status = 'pending' AND r.next_attempt_at <= ? ORDER BY r.id LIMIT ?",
      {now_ms, std::int64_t{limits::kRefundBatch}}));
  std::vector<DueRefund> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back({FONDACO_TRY(Payments::get_refund(tx, rows.i64(i, 0))), rows.text(i, 1)});
  return out;
}

std::int64_t backoff_ms(std::int64_t attempts) {
  std::int64_t d = limits::kRefundRetryBaseMs;
  for (std::int64_t i = 1; i < attempts && d < limits::kRefundRetryMaxMs; ++i) d *= 2;
  return std::min(d, limits::kRefundRetryMaxMs);
}

}  // namespace

Result<ProcessStats> Payments::process_pending_refunds(storage::Database& db, Gateway& gateway,
                                                       std::int64_t now_ms) {
  const Settings s = FONDACO_TRY(db.read([](Tx& tx) { return settings(tx); }));
  const auto due = FONDACO_TRY(db.read([&](Tx& tx) { return due_refunds(tx, now_ms); }));
  ProcessStats stats;
  using K = GatewayRefundResult::Kind;
  for (const auto& d : due) {
    GatewayRefundResult res;
    if (s.stripe_secret_key.empty()) {
      res = {K::retry, {}, "stripe_secret_key not configured"};
    } else {
      // Outside any transaction: the call may take seconds. Idempotency-Key = our refund id,
      // so a retry after a lost answer can never refund twice.
      res = gateway.refund({s.stripe_api_base, s.stripe_secret_key, std::to_string(d.refund.id),
                            d.payment_intent, d.refund.amount_minor, d.refund.id});
      ++stats.sent;
    }
    const std::int64_t attempts = d.refund.attempts + 1;
    FONDACO_TRY(db.write([&](Tx& tx) -> Result<void> {
      FONDACO_TRY(tx.exec("UPDATE payment_refunds SET attempts = attempts + 1 WHERE id = ?", {d.refund.id}));
      if (res.kind == K::succeeded) return refund_outcome(tx, d.refund, "succeeded", res.provider_ref, "", now_ms);
      if (res.kind == K::processing) return refund_outcome(tx, d.refund, "processing", res.provider_ref, "", now_ms);
      if (res.kind == K::rejected || attempts >= limits::kMaxRefundAttempts)
        return refund_outcome(tx, d.refund, "failed", res.provider_ref, res.error, now_ms);
      FONDACO_TRY(tx.exec(
          "UPDATE payment_refunds SET next_attempt_at = ?, last_error = ?, updated_at = ? "
          "WHERE id = ? AND status = 'pending'",
          {now_ms + backoff_ms(attempts), res.error.substr(0, limits::kMaxShortTextChars), now_ms,
           d.refund.id}));
      return ok();
    }));
    if (res.kind == K::succeeded || res.kind == K::processing) ++stats.succeeded;
    else if (res.kind == K::rejected || attempts >= limits::kMaxRefundAttempts) ++stats.failed;
    else ++stats.retried;
  }
  return stats;
}

}  // namespace fondaco::payments
