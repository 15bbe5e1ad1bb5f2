# The returns library (included by src/CMakeLists.txt). Owned by the module: list its sources,
# dependencies and tests here.
fondaco_module(NAME returns DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules/returns
  SOURCES modules/returns/src/returns.cc modules/returns/src/migrations.cc
  DEPS fondaco_base fondaco_platform fondaco_storage fondaco_events
  TESTS modules/returns/src/returns_test.cc
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
