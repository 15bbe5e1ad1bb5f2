// Routes of the invoicing resource (skeleton: no routes yet).
#include "router.h"

namespace fondaco::api {

std::vector<Route> invoicing_routes() { return {}; }

}  // namespace fondaco::api
