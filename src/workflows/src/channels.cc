#include "fondaco/workflows/channels.h"

#include "allocation.h"
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"

namespace fondaco::workflows {

using storage::Tx;

Result<void> check_sales_locations(Tx& tx, inventory::Inventory& inventory,
                                   const std::vector<std::string>& codes) {
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const std::string field = "locations[" + std::to_string(i) + "]";
    auto loc = inventory.location(tx, codes[i]);
    if (!loc) return fail(ErrorCode::invalid_argument, "unknown location", field);
    if (!detail::placeable(loc->kind))
      return fail(ErrorCode::invalid_argument, "must be a warehouse, store or bin", field);
  }
  return ok();
}

Result<channels::Channel> create_channel(Tx& tx, channels::Channels& channels,
                                         inventory::Inventory& inventory,
                                         const channels::ChannelInput& in, std::int64_t now_ms) {
  if (in.locations.size() > limits::kMaxPlacementLocations)
    return fail(ErrorCode::invalid_argument, "at most 64 locations", "locations");
  FONDACO_TRY(check_sales_locations(tx, inventory, in.locations));
  return channels.create(tx, in, now_ms);
}

Result<channels::Channel> update_channel(Tx& tx, channels::Channels& channels,
                                         inventory::Inventory& inventory, std::string_view code,
                                         const channels::ChannelPatch& patch,
                                         std::int64_t now_ms) {
  if (patch.locations) {
    if (patch.locations->size() > limits::kMaxPlacementLocations)
      return fail(ErrorCode::invalid_argument, "at most 64 locations", "locations");
    FONDACO_TRY(check_sales_locations(tx, inventory, *patch.locations));
  }
  return channels.update(tx, code, patch, now_ms);
}

Result<channels::Channel> sales_channel(Tx& tx, std::string_view code) {
  if (!is_valid_channel_code(code, limits::kMaxChannelChars))
    return fail(ErrorCode::invalid_argument,
                "must be 1-32 characters of lower-case letters, digits, _ and -", "channel");
  auto c = FONDACO_TRY(channels::Channels::find(tx, code));
  if (!c)
    return fail(ErrorCode::invalid_argument,
                "unknown channel (register it with POST /api/v1/channels)", "channel");
  if (!c->active) return fail(ErrorCode::invalid_argument, "the channel is not active", "channel");
  return std::move(*c);
}

}  // namespace fondaco::workflows
