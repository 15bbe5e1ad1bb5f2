# The HTTP client connector (included by src/CMakeLists.txt): libcurl behind a small
# interface, used by every connector that calls out (channels, outbound webhooks).
fondaco_module(NAME http DIR ${CMAKE_CURRENT_SOURCE_DIR}/connectors/http
  SOURCES connectors/http/src/client.cc
  DEPS fondaco_base fondaco_platform
  PRIVATE_DEPS CURL::libcurl
  TESTS connectors/http/src/client_test.cc)
