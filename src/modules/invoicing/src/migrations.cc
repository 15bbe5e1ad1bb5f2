#include "fondaco/invoicing/invoicing.h"

namespace fondaco::invoicing {

std::span<const storage::Migration> migrations() { return {}; }

}  // namespace fondaco::invoicing
