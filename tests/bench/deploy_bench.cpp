// PoolingCrack-Tiny inference as a deployer would run it, every engine in one run and on
// the same threads: CrackKD eager (the plugin's forward), CrackKD frozen (`crackkd
// infer`'s default engine: traced, frozen, optimised for inference), ONNX Runtime (CPU,
// npm onnxruntime-node) on the file `crackkd export` writes, and Python eager
// (tests/bench/python/pct_bench.py, the same network in PyTorch). The machine's
// convolution limit is measured in the same run (3x3 convolution, 256 channels, 56x56,
// batch 8), and each engine's share of it is PCT's MACs / time / that throughput.
//
//   build/bin/bench_deploy [--runs 20] [--threads N] [--no-peers]

#include "bench_support.hpp"
#include "checkpoints/checkpoint.hpp"
#include "deploy/onnx_export.hpp"
#include "deploy/traced_model.hpp"
#include "inference/inference_model.hpp"
#include "io/durable_file.hpp"
#include "metrics/model_cost.hpp"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <iostream>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using crackkd::bench::median_ms;

/// Multiply-accumulates per second of a large 3x3 convolution: what this CPU can do.
double convolution_limit(int runs) {
  torch::InferenceMode inference;
  const auto x = torch::rand({8, 256, 56, 56}), w = torch::rand({256, 256, 3, 3});
  const double ms = median_ms(2, runs, [&] { torch::conv2d(x, w, {}, 1, 1); });
  return 8.0 * 56 * 56 * 256 * 256 * 9 / (ms / 1e3);
}

/// The ONNX file `crackkd export --size S S --batch B` writes for `checkpoint`.
fs::path exported_onnx(const fs::path& checkpoint, crackkd::SegmentationModel& model, std::int64_t size, std::int64_t batch) {
  const crackkd::deploy::InputShape shape{batch, size, size, false};
  auto module = crackkd::deploy::trace_logits(model, shape, "model.pct", /*check_shape=*/false);
  crackkd::deploy::ExportMetadata metadata;
  metadata.model_plugin = "pct";
  metadata.input = shape;
  const auto base = checkpoint.parent_path() / ("pct_" + std::to_string(size) + "_" + std::to_string(batch));
  crackkd::io::write_atomically(base.string() + ".ts", crackkd::deploy::torchscript_bytes(module, metadata));
  crackkd::deploy::export_onnx(base.string() + ".ts", base.string() + ".onnx", {}, "model.pct");
  return base.string() + ".onnx";
}

double ort_ms(const fs::path& onnx, std::int64_t size, std::int64_t batch, int runs, int threads) {
  const std::string script = std::string(CRACKKD_BENCH_SOURCE_DIR) + "/tests/bench/node/ort_bench.js";
  std::ostringstream command;
  command << "NODE_PATH=" << CRACKKD_BENCH_NODE_MODULES << " node " << script << " " << onnx.string() << " " << batch
          << " 3 " << size << " " << size << " " << runs << " " << threads;
  return crackkd::bench::field(crackkd::bench::run_command(command.str()), "median_ms");
}

double python_ms(std::int64_t size, std::int64_t batch, int runs, int threads) {
  const auto script = std::string(CRACKKD_BENCH_SOURCE_DIR) + "/tests/bench/python/pct_bench.py";
  const auto args = "--size " + std::to_string(size) + " --batch " + std::to_string(batch) + " --runs " +
                    std::to_string(runs) + " --threads " + std::to_string(threads);
  return crackkd::bench::field(crackkd::bench::run_python(script, args), "median_ms");
}

void print_cell(double ms, double reference) {
  if (ms > 0) std::printf(" %9.2f (%5.2fx)", ms, ms / reference);
  else std::printf(" %18s", "n/a");
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 20, threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool peers = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) threads = std::stoi(argv[++i]);
    else if (a == "--no-peers") peers = false;
    else {
      std::cerr << "usage: bench_deploy [--runs N] [--threads N] [--no-peers]\n";
      return 2;
    }
  }
  at::set_num_threads(threads);
  at::globalContext().setFlushDenormal(true);  // as crackkd does at start-up
  crackkd::app::reuse_freed_memory();
  crackkd::host::PluginHost host;
  host.scan({CRACKKD_BENCH_PLUGIN_DIRS});
  crackkd::ComponentConfig config{"pct", {}, {}};
  torch::manual_seed(0);
  auto model = host.create<crackkd::SegmentationModel>("model", config);
  model->eval();
  const fs::path folder = fs::temp_directory_path() / ("crackkd_bench_deploy_" + std::to_string(::getpid()));
  fs::create_directories(folder);
  crackkd::checkpoints::save_checkpoint(folder / "pct.pt", *model, config, 0);
  auto frozen = crackkd::inference::load_inference_model(folder / "pct.pt", host, c10::kCPU, crackkd::inference::Engine::Frozen);
  const double limit = convolution_limit(runs);
  std::printf("PoolingCrack-Tiny on %d threads, median of %d runs after 3 warm-up; convolution limit %.1f GMAC/s\n",
              threads, runs, limit / 1e9);
  std::printf("%-5s %-5s %7s %18s %18s %18s %18s %9s %9s\n", "size", "batch", "GMACs", "eager ms (/frozen)",
              "frozen ms", "ORT ms (/frozen)", "Python ms (/frozen)", "eager lim", "frozen lim");
  for (std::int64_t size : {224, 448}) {
    const double macs = static_cast<double>(crackkd::metrics::measure_model_cost(*model, c10::kCPU, size, size, 0, 1).macs);
    for (std::int64_t batch : {1, 8}) {
      const auto x = torch::rand({batch, 3, size, size});
      double eager = 0, fast = 0;
      {
        torch::InferenceMode inference;
        eager = median_ms(3, runs, [&] { model->forward(x); });
        fast = median_ms(3, runs, [&] { frozen.logits(x); });
      }
      const double ort = peers ? ort_ms(exported_onnx(folder / "pct.pt", *model, size, batch), size, batch, runs, threads) : -1;
      const double python = peers ? python_ms(size, batch, runs, threads) : -1;
      const auto share = [&](double ms) { return 100.0 * macs * static_cast<double>(batch) / (ms / 1e3) / limit; };
      std::printf("%-5lld %-5lld %7.2f", static_cast<long long>(size), static_cast<long long>(batch), macs / 1e9);
      print_cell(eager, fast);
      std::printf(" %18.2f", fast);
      print_cell(ort, fast);
      print_cell(python, fast);
      std::printf(" %8.1f%% %8.1f%%\n", share(eager), share(fast));
    }
  }
  fs::remove_all(folder);
  return 0;
}
