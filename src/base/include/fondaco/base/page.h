// One page of a keyset-paginated list: the items and, when there are more, the id to
// continue after. Every module's list functions return this. Thread-safety: a value.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace fondaco {

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::int64_t> next_after;  // pass as after_id for the next page
};

}  // namespace fondaco
