# The payments library (included by src/CMakeLists.txt). Owned by the module: list its sources,
# dependencies and tests here.
fondaco_module(NAME payments DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules/payments
  SOURCES modules/payments/src/migrations.cc
  DEPS fondaco_base fondaco_platform fondaco_storage fondaco_events
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
