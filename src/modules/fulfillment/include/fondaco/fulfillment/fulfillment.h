// fulfillment: (skeleton — replaced by the module's real header; see ARCHITECTURE.md).
// Thread-safety: stateless.
#pragma once

#include <span>

#include "fondaco/storage/migrations.h"

namespace fondaco::fulfillment {

std::span<const storage::Migration> migrations();

}  // namespace fondaco::fulfillment
