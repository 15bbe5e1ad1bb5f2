// Private to the storefront: failed attempts counted per key in a fixed window, in memory
// (the guest order lookup: number + e-mail guessed by brute force). One process serves the
// shop, so memory is enough; a restart forgets the counts, which only gives a guesser a
// fresh window. The map is bounded: when full, windows that ended are dropped first, then
// the oldest one. Thread-safety: every member is safe to call from any request thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace fondaco::storefront {

class AttemptWindow {
 public:
  AttemptWindow(int max_failures, std::int64_t window_ms, std::size_t max_keys)
      : max_failures_(max_failures), window_ms_(window_ms), max_keys_(max_keys) {}

  // True while the key has max_failures failures in its current window.
  bool blocked(std::string_view key, std::int64_t now_ms) const;
  // Counts one failure (a window starts at the first failure after the last one ended).
  void failed(std::string_view key, std::int64_t now_ms);

 private:
  struct Window {
    std::int64_t started_ms = 0;
    int failures = 0;
  };
  void make_room(std::int64_t now_ms);  // mu_ held

  const int max_failures_;
  const std::int64_t window_ms_;
  const std::size_t max_keys_;
  mutable std::mutex mu_;
  std::map<std::string, Window, std::less<>> windows_;
};

}  // namespace fondaco::storefront
