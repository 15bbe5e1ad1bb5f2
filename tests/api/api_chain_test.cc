// API tests of the chain resource over real HTTP (both engines).
#include "api_fixture.h"
