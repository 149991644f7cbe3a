#pragma once
// glibc hands large blocks (above a threshold that adapts up to 32 MB) to mmap and gives
// freed memory back to the kernel; a training step that allocates and frees the same
// activations every time then pays page faults for all of them, every step. Keeping
// blocks up to 256 MB on the heap and never trimming it lets LibTorch's CPU allocations
// reuse memory instead: an RFKD step on 2 cores goes from ~444 to ~422 ms (and the same
// Python step from ~546 to ~416 ms when given the same setting: tests/bench/rfkd_step).
// The price: the process keeps its peak heap until it exits.

#include <malloc.h>

namespace crackkd::app {

inline constexpr int kMmapThreshold = 256 << 20;
inline constexpr int kTrimThreshold = 1 << 30;

inline void reuse_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
}

}  // namespace crackkd::app
