// API tests of the fulfillment resource over real HTTP (both engines).
#include "api_fixture.h"
