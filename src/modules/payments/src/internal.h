// Private to the payments module: helpers shared by its source files.
// Thread-safety: stateless functions.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/payments/payments.h"

namespace fondaco::payments {

// Payments matching a WHERE clause (parameterised), in id order.
Result<std::vector<Payment>> find_payments(storage::Tx& tx, std::string_view where,
                                           std::initializer_list<storage::Value> params);
}  // namespace fondaco::payments
