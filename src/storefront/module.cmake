# The storefront (included by src/CMakeLists.txt): server-rendered shop pages.
# The templates and the stylesheet are compiled in (like docs/openapi.yaml): one generated
# source holds them as raw strings; editing a template re-runs the configure step.
set(FONDACO_SF_TEMPLATES head top bottom listing product cart checkout order lookup notfound account)
foreach(t ${FONDACO_SF_TEMPLATES})
  string(TOUPPER ${t} T)
  file(READ ${CMAKE_CURRENT_SOURCE_DIR}/storefront/templates/${t}.mustache SF_${T})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               ${CMAKE_CURRENT_SOURCE_DIR}/storefront/templates/${t}.mustache)
endforeach()
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/storefront/templates/shop.css SF_CSS)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_CURRENT_SOURCE_DIR}/storefront/templates/shop.css)
configure_file(storefront/src/templates_gen.cc.in
               ${CMAKE_CURRENT_BINARY_DIR}/storefront_templates_gen.cc @ONLY)

fondaco_module(NAME storefront DIR ${CMAKE_CURRENT_SOURCE_DIR}/storefront
  SOURCES storefront/src/storefront.cc storefront/src/shop_data.cc storefront/src/render.cc
          storefront/src/cart_checkout.cc storefront/src/checkout.cc
          storefront/src/form.cc storefront/src/account.cc storefront/src/attempts.cc
          ${CMAKE_CURRENT_BINARY_DIR}/storefront_templates_gen.cc
  DEPS fondaco_base fondaco_platform fondaco_storage fondaco_events fondaco_catalog
       fondaco_inventory fondaco_orders fondaco_channels fondaco_customers fondaco_workflows
       fondaco_api fondaco_payments fondaco_notifications fondaco_fulfillment fondaco_invoicing
  TESTS storefront/src/storefront_test.cc
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
find_path(KAINJOW_MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp
  DOC "libkainjow-mustache-dev (scripts/bootstrap installs it)" REQUIRED)
target_include_directories(fondaco_storefront SYSTEM PRIVATE ${KAINJOW_MUSTACHE_INCLUDE_DIR})
