# The notifications library (included by src/CMakeLists.txt). Owned by the module: list its sources,
# dependencies and tests here.
# Templates are rendered with kainjow/mustache.hpp (Debian libkainjow-mustache-dev,
# header-only, in /usr/include: nothing to link).
fondaco_module(NAME notifications DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules/notifications
  SOURCES modules/notifications/src/migrations.cc modules/notifications/src/format.cc
          modules/notifications/src/templates.cc modules/notifications/src/render.cc
          modules/notifications/src/outbox.cc
  DEPS fondaco_base fondaco_platform fondaco_storage fondaco_events
  TESTS modules/notifications/src/notifications_test.cc
        modules/notifications/src/templates_test.cc
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
# Fail at configure time, with the package name, when the header is missing.
find_path(KAINJOW_MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp
  DOC "libkainjow-mustache-dev (scripts/bootstrap installs it)" REQUIRED)
target_include_directories(fondaco_notifications SYSTEM PRIVATE ${KAINJOW_MUSTACHE_INCLUDE_DIR})
