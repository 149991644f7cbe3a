# The device check (tests/gpu) in the main build, included by tests/CMakeLists.txt: the
# same program tests/gpu/check.sh builds from LibTorch alone, here linked against the
# model blocks and the framework's GPU-path library this build already compiled, so a
# `make test` compiles those sources once. That they read LibTorch and the standard
# library only is checked from Ninja's record of the headers each object read; the whole
# check.sh path (its own configure and build against a LibTorch) runs in the slow tier.
include(${CMAKE_CURRENT_LIST_DIR}/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/device_check_includes.cmake)
add_executable(crackkd_device_check ${CRACKKD_DEVICE_CHECK_SOURCES})
crackkd_device_check_includes(crackkd_device_check ${PROJECT_SOURCE_DIR})
# The framework's GPU-path headers from its root, as tests/gpu reads them (the main
# build's folder libraries show their headers only to the folders above them).
target_include_directories(crackkd_device_check PRIVATE ${PROJECT_SOURCE_DIR}/framework)
target_link_libraries(crackkd_device_check PRIVATE crackkd_model_blocks crackkd_framework_gpu_paths)

add_test(NAME gpu.device_check_on_cpu COMMAND crackkd_device_check --device cpu
                                              --report ${CMAKE_CURRENT_BINARY_DIR}/device_check_report.md)
set_tests_properties(gpu.device_check_on_cpu PROPERTIES TIMEOUT 1200 ENVIRONMENT "OMP_WAIT_POLICY=passive" COST 100)
if(CMAKE_GENERATOR MATCHES "Ninja")
  add_test(NAME gpu.device_check_reads_libtorch_only
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/libtorch_only_test.sh ${CMAKE_BINARY_DIR}
                   tests/CMakeFiles/crackkd_device_check.dir/
                   framework/CMakeFiles/crackkd_framework_gpu_paths.dir/
                   plugins/models/CMakeFiles/crackkd_model_blocks.dir/)
endif()
if(NOT (CAFFE2_USE_CUDA OR TARGET torch_cuda))
  add_test(NAME gpu.device_check_without_cuda_says_why COMMAND crackkd_device_check --device cuda)
  set_tests_properties(gpu.device_check_without_cuda_says_why PROPERTIES
                       PASS_REGULAR_EXPRESSION "--device cuda, but this LibTorch is built without CUDA; --device cpu")
endif()

# The slow tier (`make test-all`, CI): check.sh as a GPU machine runs it, configuring and
# building tests/gpu on its own against this build's LibTorch.
add_test(NAME gpu.check_script_on_cpu
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/check.sh --device cpu --torch-dir ${Torch_DIR}
                 --build-dir ${CMAKE_BINARY_DIR}/device_check --jobs 2)
set_tests_properties(gpu.check_script_on_cpu PROPERTIES TIMEOUT 1800 ENVIRONMENT "OMP_WAIT_POLICY=passive" LABELS slow)
