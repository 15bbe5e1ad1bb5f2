# The invoicing library (included by src/CMakeLists.txt). Owned by the module: list its sources,
# dependencies and tests here.
fondaco_module(NAME invoicing DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules/invoicing
  SOURCES modules/invoicing/src/migrations.cc modules/invoicing/src/identifiers.cc
    modules/invoicing/src/compute.cc modules/invoicing/src/latin.cc
    modules/invoicing/src/fatturapa_xml.cc modules/invoicing/src/xml_read.cc
    modules/invoicing/src/pdf.cc modules/invoicing/src/documents.cc
    modules/invoicing/src/settings.cc modules/invoicing/src/issue.cc modules/invoicing/src/sdi.cc
  DEPS fondaco_base fondaco_platform fondaco_storage fondaco_events
  PRIVATE_DEPS LibXml2::LibXml2 hpdf
  TESTS modules/invoicing/src/identifiers_test.cc modules/invoicing/src/fatturapa_test.cc
    modules/invoicing/src/invoicing_test.cc
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
target_compile_definitions(invoicing_test PRIVATE FONDACO_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
