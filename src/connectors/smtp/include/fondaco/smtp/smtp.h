// smtp: (skeleton — replaced by the connector's real header; see ARCHITECTURE.md).
#pragma once

namespace fondaco::smtp {}  // namespace fondaco::smtp
