# The notifications library (included by src/CMakeLists.txt). Owned by the module: list its sources,
# dependencies and tests here.
fondaco_module(NAME notifications DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules/notifications
  SOURCES modules/notifications/src/migrations.cc
  DEPS fondaco_base fondaco_platform fondaco_storage fondaco_events
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
