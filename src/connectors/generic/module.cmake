# The generic channel connector (included by src/CMakeLists.txt): stock levels, listings and
# fulfilments as signed JSON POSTs to an endpoint the seller configures.
fondaco_module(NAME generic DIR ${CMAKE_CURRENT_SOURCE_DIR}/connectors/generic
  SOURCES connectors/generic/src/client.cc
  DEPS fondaco_base fondaco_platform fondaco_channels fondaco_http
  PRIVATE_DEPS OpenSSL::Crypto
  TESTS connectors/generic/src/client_test.cc
  TEST_DEPS fondaco_api)
