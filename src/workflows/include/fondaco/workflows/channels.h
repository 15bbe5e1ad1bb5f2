// Setting up sales channels: the channel registry (src/modules/channels/) checks a
// channel's own fields; that every location in its priority list is an internal location
// that can sell (a warehouse, store or bin) needs the inventory, so creation and updates
// are composed here, in the caller's transaction. Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/channels/channels.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/storage/database.h"

namespace fondaco::workflows {

// invalid_argument naming "locations[i]" for a code that is unknown or not a warehouse,
// store or bin.
Result<void> check_sales_locations(storage::Tx& tx, inventory::Inventory& inventory,
                                   const std::vector<std::string>& codes);

Result<channels::Channel> create_channel(storage::Tx& tx, channels::Channels& channels,
                                         inventory::Inventory& inventory,
                                         const channels::ChannelInput& in, std::int64_t now_ms);
Result<channels::Channel> update_channel(storage::Tx& tx, channels::Channels& channels,
                                         inventory::Inventory& inventory, std::string_view code,
                                         const channels::ChannelPatch& patch,
                                         std::int64_t now_ms);

// The registered, active channel with this code; invalid_argument naming "channel" when it
// is unknown or inactive (nothing can be sold through it).
Result<channels::Channel> sales_channel(storage::Tx& tx, std::string_view code);

}  // namespace fondaco::workflows
