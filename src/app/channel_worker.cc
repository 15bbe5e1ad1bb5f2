// The channel worker: pushes stock, listings and fulfilments to every channel that receives
// pushes (workflows/channel_sync.h), off the request and event paths.
//
// One thread ("lane") per channel, so a slow or failing channel delays only itself. A lane
// sleeps until something is due and is woken
//   - at the commit of a stock change (EventLog commit listener): the SKU is handed to
//     every lane, which queues and sends it in its next round — the push leaves within
//     milliseconds, without waiting for the event dispatcher;
//   - after a transaction queued rows for its channel (the dispatcher's subscriber, the
//     listings and resync API), through ChannelSync::on_queued / Services::channel_sync_wake;
//   - when a backoff ends, and at least every kChannelWorkerIdleWakeMs.
// Each lane spends tokens of its own bucket per call: rate_limit_per_second from the
// channel's settings, or the kind's default (limits.h).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "app.h"
#include "fondaco/channels/credentials.h"

namespace fondaco::app {

namespace {

int default_rate(channels::Kind k) {
  switch (k) {
    case channels::Kind::shopify:
      return limits::kShopifyRateLimitPerSecond;
    case channels::Kind::woocommerce:
      return limits::kWooCommerceRateLimitPerSecond;
    default:
      return limits::kGenericRateLimitPerSecond;
  }
}

// Calls per second with a burst of one second's worth.
class TokenBucket {
 public:
  // Credits the time elapsed at the old rate first: resetting the clock without it would
  // throw away tokens earned since the last call (a 1/s lane would never refill).
  void set_rate(int per_second, std::int64_t now_ms) {
    available(now_ms);
    rate_ = std::max(per_second, 1);
    tokens_ = std::min<double>(tokens_, rate_);
  }
  int available(std::int64_t now_ms) {
    tokens_ =
        std::min<double>(rate_, tokens_ + static_cast<double>(now_ms - last_ms_) * rate_ / 1000.0);
    last_ms_ = now_ms;
    return static_cast<int>(tokens_);
  }
  void spend(int n) { tokens_ -= n; }
  // When the next whole token is there.
  std::int64_t next_token_ms(std::int64_t now_ms) const {
    const double missing = 1.0 - (tokens_ - static_cast<int>(tokens_));
    return now_ms + std::max<std::int64_t>(1, static_cast<std::int64_t>(missing * 1000.0 / rate_));
  }

 private:
  int rate_ = 1;
  double tokens_ = 1;
  std::int64_t last_ms_ = 0;
};

}  // namespace

class ChannelWorker {
 public:
  explicit ChannelWorker(Runtime& rt) : rt_(rt), pusher_(*rt.channel_sync, rt.random) {}
  ~ChannelWorker() { stop(); }

  void start();
  void stop();
  void wake(std::int64_t channel_id);
  void on_commit(std::string_view type, std::string_view aggregate, std::string_view id);

 private:
  struct Lane {
    std::int64_t channel_id = 0;
    std::string code;
    channels::Kind kind = channels::Kind::generic;
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::string> skus;  // stock changes heard at commit, not yet queued
    bool woken = true;
    bool stop = false;
    std::thread thread;
  };

  void refresh_lanes();
  void run_lane(Lane& lane);
  int lane_rate(const Lane& lane);
  channels::ChannelClient* client_for(channels::Kind k);

  Runtime& rt_;
  workflows::ChannelPusher pusher_;
  std::mutex mu_;  // lanes_, started_
  std::map<std::int64_t, std::unique_ptr<Lane>> lanes_;
  std::vector<std::unique_ptr<Lane>> retired_;  // stopping lanes, joined by stop()
  bool started_ = false;
};

channels::ChannelClient* ChannelWorker::client_for(channels::Kind k) {
  switch (k) {
    case channels::Kind::shopify:
      return rt_.shopify_client.get();
    case channels::Kind::woocommerce:
      return rt_.woocommerce_client.get();
    case channels::Kind::generic:
      return rt_.generic_client.get();
    default:
      return nullptr;
  }
}

void ChannelWorker::start() {
  {
    std::lock_guard lock(mu_);
    if (started_) return;
    started_ = true;
  }
  refresh_lanes();
}

void ChannelWorker::stop() {
  std::map<std::int64_t, std::unique_ptr<Lane>> lanes;
  std::vector<std::unique_ptr<Lane>> retired;
  {
    std::lock_guard lock(mu_);
    started_ = false;
    lanes.swap(lanes_);
    retired.swap(retired_);
  }
  for (auto& lane : retired)
    if (lane->thread.joinable()) lane->thread.join();
  for (auto& [id, lane] : lanes) {
    {
      std::lock_guard l(lane->mu);
      lane->stop = true;
    }
    lane->cv.notify_one();
    if (lane->thread.joinable()) lane->thread.join();
  }
}

void ChannelWorker::refresh_lanes() {
  auto page = rt_.db->read(
      [](storage::Tx& tx) { return channels::Channels::list(tx, 0, limits::kMaxPageSize); });
  if (!page) {
    spdlog::warn("channel worker: {}", page.error().message);
    return;
  }
  std::lock_guard lock(mu_);
  if (!started_) return;
  // A channel deactivated (or no longer pushed to) loses its lane: the thread is told to
  // stop and is joined by stop(), never here (this may run on a committing thread, and a
  // lane may be in the middle of a channel call).
  // Only a complete list can tell a channel is gone.
  for (auto it = lanes_.begin(); !page->next_after && it != lanes_.end();) {
    const auto ch = std::find_if(page->items.begin(), page->items.end(),
                                 [&](const auto& c) { return c.id == it->first; });
    if (ch != page->items.end() && ch->active && workflows::receives_pushes(ch->kind)) {
      ++it;
      continue;
    }
    {
      std::lock_guard l(it->second->mu);
      it->second->stop = true;
    }
    it->second->cv.notify_one();
    retired_.push_back(std::move(it->second));
    it = lanes_.erase(it);
  }
  for (const auto& ch : page->items) {
    if (!workflows::receives_pushes(ch.kind) || !ch.active || lanes_.contains(ch.id)) continue;
    auto lane = std::make_unique<Lane>();
    lane->channel_id = ch.id;
    lane->code = ch.code;
    lane->kind = ch.kind;
    Lane* l = lane.get();
    lane->thread = std::thread([this, l] { run_lane(*l); });
    lanes_.emplace(ch.id, std::move(lane));
  }
}

void ChannelWorker::wake(std::int64_t channel_id) {
  std::lock_guard lock(mu_);
  auto it = lanes_.find(channel_id);
  if (it == lanes_.end()) return;
  {
    std::lock_guard l(it->second->mu);
    it->second->woken = true;
  }
  it->second->cv.notify_one();
}

void ChannelWorker::on_commit(std::string_view type, std::string_view aggregate,
                              std::string_view id) {
  if (aggregate == "channel") {
    // A new or re-activated channel gets its lane (rare: a read on the committing thread).
    refresh_lanes();
    return;
  }
  if (type != "stock.changed") return;
  std::lock_guard lock(mu_);
  for (auto& [cid, lane] : lanes_) {
    {
      std::lock_guard l(lane->mu);
      if (lane->skus.size() < static_cast<std::size_t>(limits::kChannelSyncClaimBatch) * 20)
        lane->skus.emplace_back(id);
      lane->woken = true;
    }
    lane->cv.notify_one();
  }
}

int ChannelWorker::lane_rate(const Lane& lane) {
  auto cfg = rt_.db->read(
      [&](storage::Tx& tx) { return channels::Credentials::load(tx, lane.channel_id); });
  if (cfg) {
    auto it = cfg->settings.find("rate_limit_per_second");
    int v = 0;
    if (it != cfg->settings.end() &&
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), v).ec ==
            std::errc{} &&
        v >= 1 && v <= limits::kMaxChannelRateLimitPerSecond)
      return v;
  }
  return default_rate(lane.kind);
}

void ChannelWorker::run_lane(Lane& lane) {
  channels::ChannelClient* client = client_for(lane.kind);
  if (!client) return;
  TokenBucket bucket;
  bucket.set_rate(lane_rate(lane), rt_.clock.now_ms());
  std::int64_t rate_checked = rt_.clock.now_ms();
  for (;;) {
    std::vector<std::string> skus;
    {
      std::unique_lock l(lane.mu);
      if (lane.stop) return;
      skus.swap(lane.skus);
      lane.woken = false;
    }
    std::int64_t now = rt_.clock.now_ms();
    if (now - rate_checked >= limits::kChannelWorkerIdleWakeMs) {
      bucket.set_rate(lane_rate(lane), now);
      rate_checked = now;
    }
    const int budget = bucket.available(now);
    std::int64_t wake_at = now + limits::kChannelWorkerIdleWakeMs;
    if (budget > 0) {
      auto round = pusher_.run_channel(lane.code, *client, budget, skus);
      if (!round) {
        spdlog::warn("channel {}: {}", lane.code, round.error().message);
      } else {
        bucket.spend(round->calls);
        now = rt_.clock.now_ms();
        if (round->next_due) wake_at = std::min(wake_at, std::max(*round->next_due, now));
        if (round->calls >= budget) wake_at = std::min(wake_at, bucket.next_token_ms(now));
      }
    } else {
      // Out of tokens: keep the SKUs for the round that has some.
      std::lock_guard l(lane.mu);
      lane.skus.insert(lane.skus.end(), skus.begin(), skus.end());
      wake_at = bucket.next_token_ms(now);
    }
    std::unique_lock l(lane.mu);
    const auto wait =
        std::chrono::milliseconds(std::max<std::int64_t>(wake_at - rt_.clock.now_ms(), 0));
    lane.cv.wait_for(l, wait, [&] { return lane.stop || lane.woken; });
  }
}

void Runtime::start_channel_sync() {
  if (channel_worker) channel_worker->start();
}

void Runtime::stop_channel_sync() {
  if (channel_worker) channel_worker->stop();
}

void Runtime::wake_channel_sync(std::int64_t channel_id) {
  if (channel_worker) channel_worker->wake(channel_id);
}

Result<void> init_channel_sync(Runtime& rt) {
  rt.channel_http = http::make_client();
  rt.shopify_client = shopify::make_channel_client(*rt.channel_http, rt.random);
  rt.woocommerce_client = woocommerce::make_channel_client(*rt.channel_http);
  rt.generic_client = generic::make_channel_client(*rt.channel_http, rt.clock);
  // The Runtime outlives every transaction that could call these; the worker is created
  // right after and stopped before the Runtime's other members go.
  Runtime* r = &rt;
  rt.channel_sync.reset(new workflows::ChannelSync{*rt.db, rt.clock, *rt.catalog, *rt.inventory,
                                                   *rt.orders, [r](std::int64_t id) {
                                                     if (r->channel_worker)
                                                       r->channel_worker->wake(id);
                                                   }});
  rt.channel_worker = std::make_shared<ChannelWorker>(rt);
  workflows::register_channel_sync(*rt.dispatcher, *rt.channel_sync);
  rt.log.add_commit_listener(
      [r](std::string_view type, std::string_view aggregate, std::string_view id) {
        if (r->channel_worker) r->channel_worker->on_commit(type, aggregate, id);
      });
  return ok();
}

}  // namespace fondaco::app
