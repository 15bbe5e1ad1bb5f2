# Outbound webhooks for integrators (included by src/CMakeLists.txt).
fondaco_module(NAME webhooks DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules/webhooks
  SOURCES modules/webhooks/src/webhooks.cc modules/webhooks/src/delivery.cc
          modules/webhooks/src/migrations.cc
  DEPS fondaco_base fondaco_platform fondaco_storage fondaco_events
  PRIVATE_DEPS OpenSSL::Crypto
  TESTS modules/webhooks/src/webhooks_test.cc
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
