# The Shopify connector (included by src/CMakeLists.txt): webhooks in (orders), Admin API
# calls out (inventory, products, fulfillments), the product CSV format.
fondaco_module(NAME shopify DIR ${CMAKE_CURRENT_SOURCE_DIR}/connectors/shopify
  SOURCES connectors/shopify/src/orders.cc connectors/shopify/src/client.cc
          connectors/shopify/src/product_csv.cc
  DEPS fondaco_base fondaco_platform fondaco_channels fondaco_http
  PRIVATE_DEPS OpenSSL::Crypto
  TESTS connectors/shopify/src/orders_test.cc connectors/shopify/src/client_test.cc
        connectors/shopify/src/product_csv_test.cc
  TEST_DEPS fondaco_api)
