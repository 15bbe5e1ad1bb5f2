// API tests of the returns resource over real HTTP (both engines).
#include "api_fixture.h"
