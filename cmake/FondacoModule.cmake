# fondaco_module(): the one way a library of Fondaco is declared.
#
#   fondaco_module(NAME <name> DIR <dir>
#     SOURCES <files...>           private sources
#     DEPS <targets...>            public dependencies (appear in its public headers)
#     PRIVATE_DEPS <targets...>    implementation-only dependencies
#     TESTS <files...>             gtest sources, built into <name>_test and run by ctest
#     TEST_DEPS <targets...>       extra dependencies for the test binary
#     TEST_LABELS <labels...>      ctest labels (e.g. postgres)
#     TEST_FIXTURES <fixtures...>  ctest fixtures the test requires (e.g. postgres_server))
#
# Public headers live in <dir>/include/fondaco/<name>/ and are the only ones other targets
# see; <dir>/src is private. The architecture test checks includes against ARCHITECTURE.md.
function(fondaco_module)
  cmake_parse_arguments(M "" "NAME;DIR"
    "SOURCES;DEPS;PRIVATE_DEPS;TESTS;TEST_DEPS;TEST_LABELS;TEST_FIXTURES" ${ARGN})
  set(target fondaco_${M_NAME})
  add_library(${target} STATIC ${M_SOURCES})
  target_include_directories(${target} PUBLIC ${M_DIR}/include PRIVATE ${M_DIR}/src)
  target_link_libraries(${target} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  fondaco_warnings(${target})
  if(M_TESTS)
    add_executable(${M_NAME}_test ${M_TESTS})
    target_include_directories(${M_NAME}_test PRIVATE ${M_DIR}/src)
    target_link_libraries(${M_NAME}_test PRIVATE ${target} ${M_TEST_DEPS} fondaco_testing
      GTest::gtest GTest::gtest_main)
    fondaco_warnings(${M_NAME}_test)
    add_test(NAME ${M_NAME} COMMAND ${M_NAME}_test)
    set_tests_properties(${M_NAME} PROPERTIES
      ENVIRONMENT "FONDACO_TEST_PG_URL_FILE=${FONDACO_PG_URL_FILE}"
      TIMEOUT 600)
    if(M_TEST_LABELS)
      set_tests_properties(${M_NAME} PROPERTIES LABELS "${M_TEST_LABELS}")
    endif()
    if(M_TEST_FIXTURES)
      set_tests_properties(${M_NAME} PROPERTIES FIXTURES_REQUIRED "${M_TEST_FIXTURES}")
    endif()
  endif()
endfunction()

function(fondaco_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(FONDACO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
