// Retry delays for outboxes (e-mails, outbound webhooks): exponential backoff with "equal
// jitter", so that many messages failing together do not all come back at once.
// Thread-safety: a pure function of its arguments (Random must be safe to call).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fondaco/base/clock.h"

namespace fondaco {

// base_ms · 2^(attempts − 1), capped at max_ms, then a uniform draw in [d/2, d).
inline std::int64_t backoff_with_jitter_ms(int attempts, std::int64_t base_ms,
                                           std::int64_t max_ms, Random& random) {
  std::int64_t d = base_ms;
  for (int i = 1; i < attempts && d < max_ms; ++i) d *= 2;
  d = std::min(d, max_ms);
  std::array<std::byte, 8> bytes{};
  random.fill(bytes);
  std::uint64_t u = 0;
  std::memcpy(&u, bytes.data(), sizeof u);
  const std::int64_t half = d / 2;
  return half + static_cast<std::int64_t>(u % static_cast<std::uint64_t>(d - half));
}

}  // namespace fondaco
