#include "read_cache.h"

#include <mutex>

namespace fondaco::api {

// Generations combine the epoch (high bits) and the per-key counter, so a clear() makes
// every generation handed out before it stale.
ReadCache::Lookup ReadCache::find(std::string_view key) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return Lookup{std::nullopt, epoch_ << 32};
  return Lookup{it->second.body, (epoch_ << 32) | it->second.generation};
}

void ReadCache::put(std::string_view key, std::uint64_t generation, std::string body) {
  std::unique_lock lock(mu_);
  if ((generation >> 32) != epoch_) return;
  auto it = entries_.find(std::string(key));
  const std::uint64_t current = it == entries_.end() ? 0 : it->second.generation;
  if ((generation & 0xFFFFFFFFu) != current) return;  // invalidated while we were reading
  if (it == entries_.end()) {
    if (entries_.size() >= max_entries_) {
      entries_.clear();
      ++epoch_;
      return;
    }
    it = entries_.emplace(std::string(key), Entry{}).first;
  }
  it->second.body = std::move(body);
}

void ReadCache::invalidate(std::string_view key) {
  std::unique_lock lock(mu_);
  if (entries_.size() >= max_entries_) {
    entries_.clear();
    ++epoch_;
    return;
  }
  auto& e = entries_[std::string(key)];
  ++e.generation;
  e.body.reset();
}

void ReadCache::clear() {
  std::unique_lock lock(mu_);
  entries_.clear();
  ++epoch_;
}

}  // namespace fondaco::api
