#include "fondaco/notifications/notifications.h"

namespace fondaco::notifications {

std::span<const storage::Migration> migrations() { return {}; }

}  // namespace fondaco::notifications
