// API tests of the invoicing resource over real HTTP (both engines).
#include "api_fixture.h"
