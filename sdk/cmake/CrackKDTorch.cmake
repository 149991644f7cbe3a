# Which LibTorch a build uses, and what that LibTorch offers. Included by the top-level
# CMakeLists.txt (the whole project) and by tests/gpu/CMakeLists.txt (the LibTorch-only
# build), so both find, describe and probe LibTorch the same way.
#
#   crackkd_use_torch_dir()        TORCH_DIR → Torch_DIR, before find_package(Torch)
#   crackkd_describe_torch(<abi>)  logs version, CUDA and C++ ABI; <abi> REQUIRE_CXX11
#                                  refuses a pre-C++11-ABI LibTorch (Debian's other
#                                  libraries use the C++11 ABI), ANY accepts both
#   crackkd_probe_c10d()           sets CRACKKD_WITH_GLOO, CRACKKD_GLOO_LIBRARY,
#                                  CRACKKD_WITH_NCCL and CRACKKD_C10D_INCLUDE_DIRS
include_guard(GLOBAL)
include(CheckCXXSourceCompiles)

set(TORCH_DIR "" CACHE PATH
    "LibTorch to build against: a libtorch folder, a pip wheel's torch/ (or its share/cmake), or a Torch CMake folder")

# The folder holding TorchConfig.cmake for `root`, whichever layout LibTorch ships in:
# the Torch CMake folder itself, a folder holding it (share/cmake), a libtorch folder, a
# wheel's torch/ folder, or site-packages above it. "" when none matches.
function(crackkd_torch_config_dir root out)
  get_filename_component(root "${root}" ABSOLUTE)
  set(${out} "" PARENT_SCOPE)
  foreach(candidate "${root}" "${root}/Torch" "${root}/share/cmake/Torch" "${root}/torch/share/cmake/Torch")
    if(EXISTS "${candidate}/TorchConfig.cmake")
      set(${out} "${candidate}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()

# Points find_package(Torch) at TORCH_DIR, or stops with what was looked for.
function(crackkd_use_torch_dir)
  if(NOT TORCH_DIR)
    return()
  endif()
  crackkd_torch_config_dir("${TORCH_DIR}" config_dir)
  if(NOT config_dir)
    message(FATAL_ERROR "TORCH_DIR=${TORCH_DIR}: no TorchConfig.cmake there, nor in Torch/, share/cmake/Torch/ or "
                        "torch/share/cmake/Torch/ under it. Give a libtorch folder, a pip wheel's torch/ folder "
                        "(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))') or its share/cmake.")
  endif()
  set(Torch_DIR "${config_dir}" CACHE PATH "LibTorch's CMake package (from TORCH_DIR)" FORCE)
endfunction()

# Logs what was found. LibTorch's package puts its ABI flag (-D_GLIBCXX_USE_CXX11_ABI=N)
# on the `torch` target, so every target linking torch compiles with the same ABI.
function(crackkd_describe_torch abi_rule)
  set(abi 1)
  if(TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
    set(abi 0)
  endif()
  set(cuda "no CUDA")
  if(CAFFE2_USE_CUDA OR TARGET torch_cuda)
    set(cuda "CUDA")
    if(CUDAToolkit_VERSION)
      set(cuda "CUDA ${CUDAToolkit_VERSION}")
    elseif(CUDA_VERSION)
      set(cuda "CUDA ${CUDA_VERSION}")
    endif()
  endif()
  message(STATUS "CrackKD: LibTorch ${Torch_VERSION} at ${Torch_DIR} (${cuda}, C++11 ABI ${abi})")
  if(abi_rule STREQUAL "REQUIRE_CXX11" AND abi EQUAL 0)
    message(FATAL_ERROR "The LibTorch at ${Torch_DIR} is built with the pre-C++11 ABI (-D_GLIBCXX_USE_CXX11_ABI=0); "
                        "OpenCV, spdlog and the other Debian libraries CrackKD links use the C++11 ABI. Take the "
                        "cxx11-abi libtorch zip, or a pip wheel of PyTorch 2.7 or later.")
  endif()
endfunction()

# Whether `source` compiles and links against torch (plus `libraries`) with `includes`
# and `definitions`; the answer is cached under `result`.
function(crackkd_try_torch_source result source includes libraries definitions)
  set(CMAKE_REQUIRED_LIBRARIES torch ${libraries})
  set(CMAKE_REQUIRED_INCLUDES ${includes})
  set(CMAKE_REQUIRED_DEFINITIONS ${definitions})
  set(CMAKE_REQUIRED_QUIET ON)
  check_cxx_source_compiles("${source}" ${result})
  set(${result} ${${result}} PARENT_SCOPE)
endfunction()

# c10d's Gloo (CPU collectives): its headers include Gloo's. Debian's LibTorch uses the
# system's libgloo (libgloo-dev); other LibTorch builds carry Gloo inside libtorch_cpu and
# need its headers from their own include folder, never Debian's (another Gloo version).
macro(crackkd_probe_c10d_gloo)
  set(CRACKKD_WITH_GLOO OFF)
  set(CRACKKD_GLOO_LIBRARY "")
  set(_crackkd_gloo_source [[
    #include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
    int main(int argc, char**) {
      auto options = c10d::ProcessGroupGloo::Options::create();
      if (argc > 99) options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      return 0;
    }]])
  set(_crackkd_own_gloo "")
  foreach(dir ${TORCH_INCLUDE_DIRS})
    if(EXISTS "${dir}/gloo/algorithm.h")
      set(_crackkd_own_gloo "${dir}")
    endif()
  endforeach()
  get_filename_component(_crackkd_torch_prefix "${TORCH_INSTALL_PREFIX}" ABSOLUTE)
  if(_crackkd_own_gloo)
    crackkd_try_torch_source(CRACKKD_TORCH_HAS_OWN_GLOO "${_crackkd_gloo_source}" "${_crackkd_own_gloo}" "" -DUSE_C10D_GLOO)
    if(CRACKKD_TORCH_HAS_OWN_GLOO)
      set(CRACKKD_WITH_GLOO ON)
    endif()
  elseif(_crackkd_torch_prefix STREQUAL "/usr")
    find_library(GLOO_LIBRARY gloo)
    find_path(GLOO_INCLUDE_DIR gloo/algorithm.h)
    if(GLOO_LIBRARY AND GLOO_INCLUDE_DIR)
      crackkd_try_torch_source(CRACKKD_TORCH_HAS_SYSTEM_GLOO "${_crackkd_gloo_source}" "${GLOO_INCLUDE_DIR}"
                               "${GLOO_LIBRARY}" -DUSE_C10D_GLOO)
      if(CRACKKD_TORCH_HAS_SYSTEM_GLOO)
        set(CRACKKD_WITH_GLOO ON)
        set(CRACKKD_GLOO_LIBRARY ${GLOO_LIBRARY})
        list(APPEND CRACKKD_C10D_INCLUDE_DIRS ${GLOO_INCLUDE_DIR})
      endif()
    endif()
  endif()
endmacro()

# c10d's NCCL (CUDA collectives), only where LibTorch is a CUDA build whose headers, with
# nccl.h, compile and whose libraries link a ProcessGroupNCCL. ProcessGroupNCCL.hpp ships
# in every LibTorch, CPU ones included, so the header alone proves nothing.
macro(crackkd_probe_c10d_nccl)
  set(CRACKKD_WITH_NCCL OFF)
  if(CAFFE2_USE_CUDA OR TARGET torch_cuda)
    find_package(CUDAToolkit QUIET)
    # nccl.h: NCCL_ROOT, the CUDA toolkit, or a pip wheel's NVIDIA packages beside torch/
    # (nvidia/nccl/include; CUDA 13 wheels may group them as nvidia/cu13/include).
    file(GLOB _crackkd_wheel_includes "${TORCH_INSTALL_PREFIX}/../nvidia/*/include")
    find_path(NCCL_INCLUDE_DIR nccl.h
              HINTS $ENV{NCCL_ROOT}/include ${_crackkd_wheel_includes} ${CUDAToolkit_INCLUDE_DIRS})
    if(NCCL_INCLUDE_DIR)
      # The constructor's symbol must link; the call itself never runs.
      crackkd_try_torch_source(CRACKKD_TORCH_HAS_C10D_NCCL [[
        #include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
        int main(int argc, char**) {
          auto options = c10d::ProcessGroupNCCL::Options::create();
          options->timeout = std::chrono::seconds(1);
          c10::intrusive_ptr<c10d::Store> store;
          if (argc > 99) c10::make_intrusive<c10d::ProcessGroupNCCL>(store, 0, 1, options);
          return 0;
        }]] "${NCCL_INCLUDE_DIR};${CUDAToolkit_INCLUDE_DIRS}" "" -DUSE_C10D_NCCL)
      if(CRACKKD_TORCH_HAS_C10D_NCCL)
        set(CRACKKD_WITH_NCCL ON)
      endif()
    endif()
    if(CRACKKD_WITH_NCCL)
      list(APPEND CRACKKD_C10D_INCLUDE_DIRS ${NCCL_INCLUDE_DIR} ${CUDAToolkit_INCLUDE_DIRS})
    endif()
  endif()
endmacro()

# Both backends; logs which ones the data-parallel code gets.
macro(crackkd_probe_c10d)
  set(CRACKKD_C10D_INCLUDE_DIRS "")
  crackkd_probe_c10d_gloo()
  crackkd_probe_c10d_nccl()
  message(STATUS "CrackKD: c10d Gloo ${CRACKKD_WITH_GLOO} (CPU data-parallel), c10d NCCL ${CRACKKD_WITH_NCCL} "
                 "(CUDA data-parallel; without it CUDA tensors go through Gloo and host memory)")
endmacro()

# The compile definitions distributed/process_group.cpp needs for what was found.
function(crackkd_c10d_definitions out)
  set(definitions "")
  if(CRACKKD_WITH_GLOO)
    list(APPEND definitions USE_C10D_GLOO CRACKKD_WITH_GLOO)
  endif()
  if(CRACKKD_WITH_NCCL)
    list(APPEND definitions USE_C10D_NCCL CRACKKD_WITH_NCCL)
  endif()
  set(${out} "${definitions}" PARENT_SCOPE)
endfunction()
