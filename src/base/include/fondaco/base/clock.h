// Clock and Random: the only ways domain code learns the time or gets randomness.
// Business logic takes them (or values read from them) as inputs, so tests and the
// simulation can drive time and ids deterministically. The real implementations live in
// platform/. Thread-safety: implementations must be safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace fondaco {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in milliseconds since the Unix epoch (UTC).
  virtual std::int64_t now_ms() const = 0;
};

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<std::byte> out) = 0;
};

}  // namespace fondaco
