// Routes of the returns resource (skeleton: no routes yet).
#include "router.h"

namespace fondaco::api {

std::vector<Route> returns_routes() { return {}; }

}  // namespace fondaco::api
