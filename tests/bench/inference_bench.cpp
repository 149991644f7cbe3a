// PoolingCrack-Tiny inference: CrackKD's network (plugins/models/blocks, as model.pct
// builds it) against the same network in Python eager PyTorch
// (tests/bench/python/pct_bench.py, Debian's python3-torch = the same LibTorch), batch 1
// and 8 at 224 and 448, same thread count, in one run. Prints each median and the
// throughput ratio. Needs only LibTorch (and Python for the peer), so it also builds
// against a PyTorch wheel's LibTorch on a GPU machine.
//
// Like `crackkd infer`, it keeps freed memory on the heap (app/memory.hpp); the Python
// peer runs as users run it, and once more with the same glibc setting (GLIBC_TUNABLES),
// so the figures show what the setting and what the network code each contribute.
//
//   build/bin/bench_inference [--runs 20] [--threads N] [--device cpu|cuda] [--no-python]

#include "bench_support.hpp"
#include "blocks/pooling_crack_network.hpp"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <iostream>
#include <thread>

int main(int argc, char** argv) {
  int runs = 20, threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string device_name = "cpu";
  bool python = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) threads = std::stoi(argv[++i]);
    else if (a == "--device" && i + 1 < argc) device_name = argv[++i];
    else if (a == "--no-python") python = false;
    else {
      std::cerr << "usage: bench_inference [--runs N] [--threads N] [--device cpu|cuda] [--no-python]\n";
      return 2;
    }
  }
  at::set_num_threads(threads);
  crackkd::app::reuse_freed_memory();  // as crackkd does at start-up
  const torch::Device device(device_name);
  torch::manual_seed(0);
  crackkd::models::PoolingCrackNetwork net(crackkd::models::pct_network_options());
  net->to(device);
  net->eval();
  std::int64_t params = 0;
  for (const auto& p : net->parameters()) params += p.numel();
  std::printf("PoolingCrack-Tiny, %lld params, %s, %d threads, median of %d runs after 3 warm-up\n",
              static_cast<long long>(params), device.str().c_str(), threads, runs);
  std::printf("%-6s %-6s %12s %12s %10s %18s %10s\n", "size", "batch", "CrackKD ms", "Python ms", "speed-up",
              "Python+malloc ms", "speed-up");
  for (std::int64_t size : {224, 448}) {
    for (std::int64_t batch : {1, 8}) {
      const auto x = torch::rand({batch, 3, size, size}, torch::TensorOptions().device(device));
      double ours = 0;
      {
        torch::InferenceMode inference;
        ours = crackkd::bench::median_ms(3, runs, [&] {
          net->forward(x);
          if (device.is_cuda()) torch::cuda::synchronize();
        });
      }
      double peer = -1, peer_malloc = -1;
      if (python && device.is_cpu()) {
        const auto script = std::string(CRACKKD_BENCH_SOURCE_DIR) + "/tests/bench/python/pct_bench.py";
        const auto args = "--size " + std::to_string(size) + " --batch " + std::to_string(batch) + " --runs " +
                          std::to_string(runs) + " --threads " + std::to_string(threads);
        const auto out = crackkd::bench::run_python(script, args);
        peer = crackkd::bench::field(out, "median_ms");
        if (peer > 0 && static_cast<std::int64_t>(crackkd::bench::field(out, "params")) != params)
          std::printf("warning: the Python network is not the same model (%s)\n", out.c_str());
        peer_malloc = crackkd::bench::field(crackkd::bench::run_python(script, args, crackkd::bench::reuse_freed_memory_env()),
                                            "median_ms");
      }
      std::printf("%-6lld %-6lld %12.2f", static_cast<long long>(size), static_cast<long long>(batch), ours);
      const auto column = [&](double p, int width) {
        if (p > 0) std::printf(" %*.2f %9.2fx", width, p, p / ours);
        else std::printf(" %*s %10s", width, "n/a", "n/a");
      };
      column(peer, 12);
      column(peer_malloc, 18);
      std::printf("\n");
    }
  }
  return 0;
}
