# The device check's own sources, relative to this folder: listed once for the
# LibTorch-only build (tests/gpu/CMakeLists.txt, which check.sh configures) and for the
# main build, whose `make test` runs the same program on the CPU without compiling the
# shared sources a second time (tests/CMakeLists.txt).
set(CRACKKD_DEVICE_CHECK_SOURCES
  device_check.cpp
  check_report.cpp
  measure.cpp
  model_checks.cpp
  rfkd_step.cpp
  training_checks.cpp
  inference_checks.cpp
  distributed_checks.cpp)
list(TRANSFORM CRACKKD_DEVICE_CHECK_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
