// API tests of the payments resource over real HTTP (both engines).
#include "api_fixture.h"
