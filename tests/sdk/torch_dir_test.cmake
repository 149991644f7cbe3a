# `cmake -P` test of TORCH_DIR (sdk/cmake/CrackKDTorch.cmake): every layout LibTorch ships
# in resolves to its Torch CMake folder, and anything else resolves to nothing.
#   cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch folder> -P torch_dir_test.cmake
include(${SOURCE_DIR}/sdk/cmake/CrackKDTorch.cmake)
file(REMOVE_RECURSE ${WORK_DIR})

function(make_package dir)
  file(WRITE ${dir}/TorchConfig.cmake "# stand-in\n")
endfunction()
function(expect root expected)
  crackkd_torch_config_dir("${root}" found)
  if(NOT found STREQUAL expected)
    message(FATAL_ERROR "TORCH_DIR=${root}: expected \"${expected}\", got \"${found}\"")
  endif()
endfunction()

make_package(${WORK_DIR}/libtorch/share/cmake/Torch)                          # libtorch zip
make_package(${WORK_DIR}/site-packages/torch/share/cmake/Torch)              # pip wheel
expect(${WORK_DIR}/libtorch ${WORK_DIR}/libtorch/share/cmake/Torch)
expect(${WORK_DIR}/libtorch/share/cmake ${WORK_DIR}/libtorch/share/cmake/Torch)
expect(${WORK_DIR}/libtorch/share/cmake/Torch ${WORK_DIR}/libtorch/share/cmake/Torch)
expect(${WORK_DIR}/site-packages/torch ${WORK_DIR}/site-packages/torch/share/cmake/Torch)
expect(${WORK_DIR}/site-packages/torch/share/cmake ${WORK_DIR}/site-packages/torch/share/cmake/Torch)
expect(${WORK_DIR}/site-packages ${WORK_DIR}/site-packages/torch/share/cmake/Torch)
expect(${WORK_DIR}/libtorch/share "")
expect(${WORK_DIR}/nowhere "")
file(REMOVE_RECURSE ${WORK_DIR})
message(STATUS "TORCH_DIR layouts: all resolved as expected")
