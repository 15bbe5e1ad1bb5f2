// A cache of rendered read responses keyed by an aggregate key (today: a variant with its
// live stock, keyed by SKU), invalidated after commit by the event log's in-process commit
// listeners. Used only on SQLite, where this process is the only writer; with PostgreSQL
// other nodes' writes would not invalidate it, so it is off there.
//
// Correctness under races: each key has a generation bumped by every invalidation. A reader
// notes the generation before it opens its read transaction and may store its result only
// if the generation has not moved since, so a snapshot taken before a commit can never
// overwrite that commit's invalidation. Bounded: when full, it starts over.
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fondaco::api {

class ReadCache {
 public:
  explicit ReadCache(std::size_t max_entries) : max_entries_(max_entries) {}

  struct Lookup {
    std::optional<std::string> body;  // hit
    std::uint64_t generation = 0;     // on a miss: pass to put()
  };
  Lookup find(std::string_view key) const;
  void put(std::string_view key, std::uint64_t generation, std::string body);
  void invalidate(std::string_view key);
  void clear();

 private:
  struct Entry {
    std::uint64_t generation = 0;
    std::optional<std::string> body;
  };
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t epoch_ = 0;  // bumped by clear(): every old generation becomes stale
  std::size_t max_entries_;
};

}  // namespace fondaco::api
