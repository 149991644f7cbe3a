# The framework's files on the GPU paths (mixed precision, the process group, TorchScript
# tracing and the export metadata), relative to this folder: LibTorch and the SDK's
# std-only headers, nothing else. Listed once for the framework and for the LibTorch-only
# device check (tests/gpu), which build them as the library crackkd_framework_gpu_paths.
set(CRACKKD_FRAMEWORK_GPU_PATH_SOURCES
  runtime/mixed_precision.cpp
  distributed/process_group.cpp
  deploy/traced_model.cpp
  deploy/upsample_scales.cpp
  deploy/positive_dims.cpp
  deploy/export_metadata.cpp
  io/json_text.cpp)
list(TRANSFORM CRACKKD_FRAMEWORK_GPU_PATH_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
