// The webhook worker: deliveries to integrators leave here, never from a request or an
// event handler. The libcurl client sits behind webhooks::Sender so the module stays free
// of HTTP.
#include <spdlog/spdlog.h>

#include <chrono>

#include "app.h"
#include "fondaco/http/client.h"

namespace fondaco::app {
namespace {

class HttpSender final : public webhooks::Sender {
 public:
  HttpSender() : client_(http::make_client()) {}
  Result<webhooks::SenderResponse> post(const webhooks::OutgoingRequest& r) override {
    http::Request req;
    req.method = "POST";
    req.url = r.url;
    req.headers = r.headers;
    req.body = r.body;
    req.timeout_ms = r.timeout_ms;
    auto res = FONDACO_TRY(client_->send(req));
    return webhooks::SenderResponse{res.status, std::move(res.body), res.elapsed_ms};
  }

 private:
  std::unique_ptr<http::Client> client_;
};

constexpr std::int64_t kPruneEveryMs = 3'600'000;

}  // namespace

std::unique_ptr<webhooks::Sender> Runtime::make_webhook_sender() {
  return std::make_unique<HttpSender>();
}

Result<int> Runtime::WebhookWorker::run_once() {
  const std::int64_t now = clock_.now_ms();
  if (now - last_prune_ms_ >= kPruneEveryMs) {
    FONDACO_TRY(rt_.db->write([&](storage::Tx& tx) {
      return webhooks::Webhooks::prune(tx, now - limits::kWebhookLogRetentionMs);
    }));
    last_prune_ms_ = now;
  }
  auto r = FONDACO_TRY(rt_.webhooks->deliver_due(*rt_.db, *rt_.webhook_sender, clock_, rt_.random,
                                                 limits::kWebhookDeliverBatch));
  return r.delivered + r.retried + r.failed;
}

void Runtime::WebhookWorker::start() {
  stop_ = false;
  thread_ = std::thread([this] {
    std::uint64_t seen = rt_.log.notifications();
    while (!stop_) {
      auto r = run_once();
      if (!r) spdlog::warn("webhooks: {}", r.error().message);
      // A delivery that unblocks the next one of its key makes more due at once: go again.
      // Otherwise wait for a commit (new deliveries) or for retries falling due; a burst of
      // commits wakes it once per 20 ms at most.
      if (!r || *r == 0) {
        seen = rt_.log.wait(seen, 500);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  });
}

void Runtime::WebhookWorker::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  rt_.log.notify();
  thread_.join();
}

}  // namespace fondaco::app
