// Routes of the payments resource (skeleton: no routes yet).
#include "router.h"

namespace fondaco::api {

std::vector<Route> payments_routes() { return {}; }

}  // namespace fondaco::api
