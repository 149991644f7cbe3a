# The device check's include folders beyond its libraries, for tests/gpu's own build and
# the main build alike: the distillers' and plugins' LibTorch-only headers, and the
# benchmarks' median (bench_support.hpp).
function(crackkd_device_check_includes target root)
  target_include_directories(${target} PRIVATE ${root}/plugins/distillers ${root}/plugins/common ${root}/tests/bench)
endfunction()
