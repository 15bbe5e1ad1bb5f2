#include "attempts.h"

#include <algorithm>

namespace fondaco::storefront {

bool AttemptWindow::blocked(std::string_view key, std::int64_t now_ms) const {
  std::lock_guard lock(mu_);
  const auto it = windows_.find(key);
  if (it == windows_.end() || now_ms - it->second.started_ms >= window_ms_) return false;
  return it->second.failures >= max_failures_;
}

void AttemptWindow::failed(std::string_view key, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) make_room(now_ms);
    it = windows_.emplace(std::string(key), Window{now_ms, 0}).first;
  } else if (now_ms - it->second.started_ms >= window_ms_) {
    it->second = Window{now_ms, 0};
  }
  ++it->second.failures;
}

void AttemptWindow::make_room(std::int64_t now_ms) {
  std::erase_if(windows_, [&](const auto& kv) { return now_ms - kv.second.started_ms >= window_ms_; });
  if (windows_.size() < max_keys_) return;
  // Every window is live: the oldest goes (a guesser who fills the map loses its own first).
  const auto oldest = std::min_element(windows_.begin(), windows_.end(), [](const auto& a, const auto& b) {
    return a.second.started_ms < b.second.started_ms;
  });
  windows_.erase(oldest);
}

}  // namespace fondaco::storefront
