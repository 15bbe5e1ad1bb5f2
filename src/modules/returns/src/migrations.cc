#include "fondaco/returns/returns.h"

namespace fondaco::returns {

std::span<const storage::Migration> migrations() { return {}; }

}  // namespace fondaco::returns
