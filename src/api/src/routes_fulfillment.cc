// Routes of the fulfillment resource (skeleton: no routes yet).
#include "router.h"

namespace fondaco::api {

std::vector<Route> fulfillment_routes() { return {}; }

}  // namespace fondaco::api
