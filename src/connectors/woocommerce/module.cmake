# The WooCommerce connector (included by src/CMakeLists.txt): webhooks in (orders), REST v3
# calls out (product batch updates, order updates), the product CSV format.
fondaco_module(NAME woocommerce DIR ${CMAKE_CURRENT_SOURCE_DIR}/connectors/woocommerce
  SOURCES connectors/woocommerce/src/orders.cc connectors/woocommerce/src/client.cc
          connectors/woocommerce/src/product_csv.cc
  DEPS fondaco_base fondaco_platform fondaco_channels fondaco_http
  PRIVATE_DEPS OpenSSL::Crypto
  TESTS connectors/woocommerce/src/orders_test.cc connectors/woocommerce/src/client_test.cc
        connectors/woocommerce/src/product_csv_test.cc
  TEST_DEPS fondaco_api)
