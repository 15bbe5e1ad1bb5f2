# The payments library (included by src/CMakeLists.txt). Owned by the module: list its sources,
# dependencies and tests here.
fondaco_module(NAME payments DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules/payments
  SOURCES modules/payments/src/migrations.cc modules/payments/src/payments.cc
          modules/payments/src/settings.cc modules/payments/src/formats.cc
          modules/payments/src/statement_formats.cc modules/payments/src/statements.cc
          modules/payments/src/webhooks.cc modules/payments/src/gateway.cc
  DEPS fondaco_base fondaco_platform fondaco_storage fondaco_events
  PRIVATE_DEPS LibXml2::LibXml2 CURL::libcurl OpenSSL::Crypto
  TESTS modules/payments/src/formats_test.cc modules/payments/src/payments_test.cc
  TEST_DEPS OpenSSL::Crypto
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
