# The fulfillment library (included by src/CMakeLists.txt). Owned by the module: list its sources,
# dependencies and tests here.
fondaco_module(NAME fulfillment DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules/fulfillment
  SOURCES modules/fulfillment/src/migrations.cc modules/fulfillment/src/shipments.cc
          modules/fulfillment/src/carriers.cc modules/fulfillment/src/pick_lists.cc
          modules/fulfillment/src/tracking.cc modules/fulfillment/src/labels.cc
          modules/fulfillment/src/documents.cc
  DEPS fondaco_base fondaco_platform fondaco_storage fondaco_events
  PRIVATE_DEPS hpdf zint
  TESTS modules/fulfillment/src/fulfillment_test.cc
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
