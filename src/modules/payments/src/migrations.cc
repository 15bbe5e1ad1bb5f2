#include "fondaco/payments/payments.h"

namespace fondaco::payments {

std::span<const storage::Migration> migrations() { return {}; }

}  // namespace fondaco::payments
