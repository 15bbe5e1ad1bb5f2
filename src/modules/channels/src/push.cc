// The small pieces every connector's ChannelClient shares (fondaco/channels/sync.h).
#include <algorithm>
#include <charconv>
#include <cmath>

#include "fondaco/base/limits.h"
#include "fondaco/channels/sync.h"

namespace fondaco::channels {
namespace {

std::string_view find_in(const auto& map, std::string_view name) {
  const auto it = map.find(name);
  return it == map.end() ? std::string_view{} : std::string_view(it->second);
}

}  // namespace

std::string_view Endpoint::setting(std::string_view name) const {
  return find_in(config.settings, name);
}

std::string_view Endpoint::secret(std::string_view name) const {
  return find_in(config.secrets, name);
}

PushResult push_result(PushResult::Outcome outcome, int http_status, std::string detail,
                       std::int64_t retry_after_ms) {
  PushResult r;
  r.outcome = outcome;
  r.http_status = http_status;
  r.detail = std::move(detail);
  r.retry_after_ms = std::clamp<std::int64_t>(retry_after_ms, 0, limits::kChannelMaxRetryAfterMs);
  return r;
}

std::int64_t parse_retry_after_ms(std::string_view value) {
  // A wait, not an amount: seconds with decimals, rounded up to whole milliseconds.
  double seconds = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || p != value.data() + value.size() || !(seconds >= 0)) return 0;
  return static_cast<std::int64_t>(std::ceil(std::min(seconds * 1000.0, 3.6e6)));
}

}  // namespace fondaco::channels
