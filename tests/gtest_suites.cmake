# Lists a GoogleTest binary's tests and writes a CTest file that runs each test suite as
# one process (`--gtest_filter=Suite.*`), and each test of a parameterised suite (whose
# tests are few and long) as its own. Starting the test binary costs ~0.6 s (LibTorch's
# libraries), more than most tests take, and suites share their SetUpTestSuite.
# Run after each link (tests/CMakeLists.txt, crackkd_add_gtest_suites):
#
#   cmake -D TEST_EXECUTABLE=… -D CTEST_FILE=… -D WORKING_DIR=… -D TIMEOUT=… -D ENVIRONMENT=… -P gtest_suites.cmake
execute_process(COMMAND "${TEST_EXECUTABLE}" --gtest_list_tests OUTPUT_VARIABLE listing RESULT_VARIABLE status
                ERROR_VARIABLE errors TIMEOUT 60)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} --gtest_list_tests failed (${status}): ${errors}")
endif()

set(script "")
macro(add_ctest name filter)
  string(APPEND script "add_test([==[${name}]==] \"${TEST_EXECUTABLE}\" [==[--gtest_filter=${filter}]==])\n"
         "set_tests_properties([==[${name}]==] PROPERTIES WORKING_DIRECTORY \"${WORKING_DIR}\" "
         "TIMEOUT ${TIMEOUT} ENVIRONMENT [==[${ENVIRONMENT}]==])\n")
endmacro()

string(REPLACE "\n" ";" lines "${listing}")
set(suite "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE " *#.*" "" line "${line}")  # "# GetParam() = …" comments
  if(line MATCHES "^([^ ].*)\\.$")
    set(suite "${CMAKE_MATCH_1}")
    if(NOT suite MATCHES "/" AND NOT suite MATCHES "^DISABLED_")
      add_ctest("${suite}" "${suite}.*")
    endif()
  elseif(line MATCHES "^  ([^ ]+)$" AND suite MATCHES "/")
    set(test "${CMAKE_MATCH_1}")
    if(NOT test MATCHES "^DISABLED_")
      add_ctest("${suite}.${test}" "${suite}.${test}")
    endif()
  endif()
endforeach()
file(WRITE "${CTEST_FILE}" "${script}")
