# The Amazon connector (included by src/CMakeLists.txt): Seller Central flat-file reports
# (orders, settlement), matched by header name.
fondaco_module(NAME amazon DIR ${CMAKE_CURRENT_SOURCE_DIR}/connectors/amazon
  SOURCES connectors/amazon/src/reports.cc
  DEPS fondaco_base fondaco_platform fondaco_channels
  TESTS connectors/amazon/src/reports_test.cc)
