// What every fuzz body shares: the hooks the smoke runner (smoke_main.cc) reads, and
// FUZZ_CHECK. Include it from exactly one fuzz body per binary (it defines the hooks).
// The smoke runner installs a handler to count violations and carry on; without one (the
// libFuzzer build) a violation is a crash, so libFuzzer saves the input.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace fondaco_fuzz {
void (*on_violation)(const std::string& what) = nullptr;
// Inputs accepted and refused (the smoke runner reports them: seeds must reach both paths).
std::size_t responses_2xx = 0;
std::size_t responses_4xx = 0;

inline void violation(const std::string& what) {
  if (on_violation) {
    on_violation(what);
    return;
  }
  std::fprintf(stderr, "fuzz property violated: %s\n", what.c_str());
  std::fflush(stderr);
  __builtin_trap();
}
}  // namespace fondaco_fuzz

#define FUZZ_CHECK(cond, what)                                              \
  do {                                                                      \
    if (!(cond)) fondaco_fuzz::violation(std::string(what) + " [" #cond "]"); \
  } while (0)
