#include "fondaco/fulfillment/fulfillment.h"

namespace fondaco::fulfillment {

std::span<const storage::Migration> migrations() { return {}; }

}  // namespace fondaco::fulfillment
