#pragma once
// Debian's LibTorch multiplies matrices (linear layers, and convolutions that take the
// im2col + GEMM path) through OpenBLAS, whose pthread build keeps a pool of its own, one
// thread per core, beside the OpenMP team LibTorch parallelises with. The two pools spin
// against each other for the same cores: on 2 cores a quickstart epoch of PCT took 5.9 s
// with both and 4.0 s with OpenBLAS on one thread (teacher 6.1 -> 3.9 s, RFKD 16.1 ->
// 10.0 s; measured 2026-12-07). OMP_NUM_THREADS=1 once helped (a cached distill epoch:
// 33 s against 52 s) only because OpenBLAS reads it at load: main.cpp then set LibTorch to
// every core whatever it said (it now honours it). LibTorch's own threads stay as they
// are: the parallelism lives there. Matrix products split over one thread instead of several sum
// in another order, so float results may differ in the last bits from a run with
// OpenBLAS's pool. Without OpenBLAS (another BLAS, or none) this does nothing.

#include <dlfcn.h>

namespace crackkd::app {

inline void single_threaded_blas() {
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(1);
}

}  // namespace crackkd::app
