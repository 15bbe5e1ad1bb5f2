#include "read_cache.h"

#include <gtest/gtest.h>

namespace fondaco::api {
namespace {

TEST(ReadCache, HitsAfterPutAndMissesAfterInvalidation) {
  ReadCache cache(10);
  auto miss = cache.find("A");
  EXPECT_FALSE(miss.body.has_value());
  cache.put("A", miss.generation, "body-1");
  EXPECT_EQ(cache.find("A").body, "body-1");
  cache.invalidate("A");
  EXPECT_FALSE(cache.find("A").body.has_value());
}

TEST(ReadCache, AReadThatRacedAnInvalidationIsNotStored) {
  ReadCache cache(10);
  auto before = cache.find("A");    // reader notes the generation...
  cache.invalidate("A");            // ...a writer commits and invalidates...
  cache.put("A", before.generation, "stale");  // ...the reader's older snapshot arrives
  EXPECT_FALSE(cache.find("A").body.has_value());
  auto after = cache.find("A");
  cache.put("A", after.generation, "fresh");
  EXPECT_EQ(cache.find("A").body, "fresh");
}

TEST(ReadCache, ClearMakesEveryOutstandingReadStale) {
  ReadCache cache(10);
  auto before = cache.find("B");
  cache.clear();
  cache.put("B", before.generation, "stale");
  EXPECT_FALSE(cache.find("B").body.has_value());
}

TEST(ReadCache, StaysBounded) {
  ReadCache cache(3);
  for (int i = 0; i < 10; ++i) {
    const std::string key = "K" + std::to_string(i);
    cache.put(key, cache.find(key).generation, "v");
  }
  int present = 0;
  for (int i = 0; i < 10; ++i) present += cache.find("K" + std::to_string(i)).body ? 1 : 0;
  EXPECT_LE(present, 3);
}

}  // namespace
}  // namespace fondaco::api
