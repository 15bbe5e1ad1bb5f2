// The real world behind base/clock.h, plus the crypto primitives the rest of the code
// needs (SHA-256, HMAC, constant-time compare) and logging set-up. Only this library and
// app/ touch the system clock or the OS random source.
// Thread-safety: all functions and the SystemClock/SystemRandom objects are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fondaco/base/clock.h"

namespace fondaco::platform {

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override;
};

// Cryptographically secure bytes from OpenSSL's RAND_bytes (aborts if the CSPRNG fails).
class SystemRandom final : public Random {
 public:
  void fill(std::span<std::byte> out) override;
};

// Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Compares without an early exit, so timing does not reveal where two secrets differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// Monotonic microseconds, for measuring durations (never for business time).
std::int64_t monotonic_micros();

// Configures spdlog's default logger: level from "debug|info|warn|error".
void init_logging(std::string_view level);

}  // namespace fondaco::platform
