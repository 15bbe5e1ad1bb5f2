// The outbox worker: e-mails and card refunds leave here, never from a request or an event
// handler, so a slow or unreachable SMTP server or gateway delays only itself.
#include <spdlog/spdlog.h>

#include "app.h"

namespace fondaco::app {

Result<int> OutboxWorker::run_once() {
  int handled = 0;
  if (rt_.mail) {
    auto sent = rt_.notifications->deliver_due(*rt_.db, *rt_.mail, rt_.clock, rt_.random,
                                               limits::kEmailDeliverBatch);
    if (!sent) return std::unexpected(sent.error());
    handled += sent->sent + sent->retried + sent->failed;
  }
  auto refunds = rt_.payments->process_pending_refunds(*rt_.db, *rt_.gateway,
                                                             rt_.clock.now_ms());
  if (!refunds) return std::unexpected(refunds.error());
  handled += refunds->sent;
  return handled;
}

void OutboxWorker::start() {
  stop_ = false;
  thread_ = std::thread([this] {
    std::uint64_t seen = rt_.log.notifications();
    while (!stop_) {
      auto r = run_once();
      if (!r) spdlog::warn("outbox: {}", r.error().message);
      // More may be due at once after a full batch; otherwise wait for a commit (new mail
      // or refund) or for retries falling due.
      // A burst of commits wakes it once per 20 ms at most.
      if (!r || *r == 0) {
        seen = rt_.log.wait(seen, 500);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  });
}

void OutboxWorker::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  rt_.log.notify();
  thread_.join();
}

}  // namespace fondaco::app
