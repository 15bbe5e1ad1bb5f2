# Customers (included by src/CMakeLists.txt): shopper accounts of the storefront.
fondaco_module(NAME customers DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules/customers
  SOURCES modules/customers/src/customers.cc modules/customers/src/migrations.cc
  DEPS fondaco_base fondaco_platform fondaco_storage fondaco_events
  PRIVATE_DEPS OpenSSL::Crypto
  TESTS modules/customers/src/customers_test.cc
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
