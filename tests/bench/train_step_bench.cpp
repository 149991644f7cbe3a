// Training-step and inference speed of the example U-Net (model.tiny_unet) as CrackKD runs
// it (plugin host, Dice loss plugin, AdamW), against the same network in Python eager
// PyTorch (tests/bench/python/tiny_unet_bench.py, Debian's python3-torch = the same
// LibTorch), same thread count, measured in one run. Prints each figure and the ratio.
//
//   build/bin/bench_train_step [--size 128] [--batch 4] [--steps 20] [--threads N]

#include "bench_support.hpp"
#include "plugin_host/plugin_host.hpp"

#include <crackkd/loss.hpp>
#include <crackkd/model.hpp>

#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>


int main(int argc, char** argv) {
  std::int64_t size = 128, batch = 4;
  int steps = 20, threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--size") size = std::stoll(argv[i + 1]);
    else if (a == "--batch") batch = std::stoll(argv[i + 1]);
    else if (a == "--steps") steps = std::stoi(argv[i + 1]);
    else if (a == "--threads") threads = std::stoi(argv[i + 1]);
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  at::set_num_threads(threads);

  crackkd::host::PluginHost host;
  std::vector<std::filesystem::path> dirs;
  std::stringstream list(CRACKKD_BENCH_PLUGIN_DIRS);
  for (std::string d; std::getline(list, d, ':');) dirs.emplace_back(d);
  host.scan(dirs);
  crackkd::ComponentConfig model_config{"tiny_unet", crackkd::Params("model", {}), {}};
  crackkd::ComponentConfig loss_config{"dice", crackkd::Params("loss", {}), {}};
  torch::manual_seed(0);
  auto model = host.create<crackkd::SegmentationModel>("model", model_config);
  auto loss = host.create<crackkd::Loss>("loss", loss_config);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  std::int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();

  auto images = torch::rand({batch, 3, size, size});
  auto masks = (torch::rand({batch, 1, size, size}) > 0.95).to(torch::kFloat);
  model->train();
  const double train_ms = crackkd::bench::median_ms(3, steps, [&] {
    auto value = loss->compute(model->forward(images).logits, masks);
    optimizer.zero_grad();
    value.backward();
    optimizer.step();
  });
  model->eval();
  auto one = torch::rand({1, 3, size, size});
  double infer_ms = 0;
  {
    torch::InferenceMode inference;
    infer_ms = crackkd::bench::median_ms(3, steps, [&] { model->forward(one); });
  }

  std::printf("tiny_unet, %lld params, input %lldx3x%lldx%lld, %d threads, median of %d\n",
              static_cast<long long>(params), static_cast<long long>(batch), static_cast<long long>(size),
              static_cast<long long>(size), threads, steps);
  std::printf("CrackKD  train step %8.2f ms   batch-1 inference %7.2f ms\n", train_ms, infer_ms);
  const std::string py = crackkd::bench::run_python(
      std::string(CRACKKD_BENCH_SOURCE_DIR) + "/tests/bench/python/tiny_unet_bench.py", "--size " + std::to_string(size) + " --batch " + std::to_string(batch) +
                                    " --steps " + std::to_string(steps) + " --threads " + std::to_string(threads));
  if (py.empty() || crackkd::bench::field(py, "train_step_ms") < 0) {
    std::printf("Python peer unavailable (needs Debian's python3-torch: apt-get install python3-torch)\n%s", py.c_str());
    return 0;
  }
  const double py_train = crackkd::bench::field(py, "train_step_ms"), py_infer = crackkd::bench::field(py, "infer_ms");
  if (static_cast<std::int64_t>(crackkd::bench::field(py, "params")) != params)
    std::printf("warning: the Python network has %.0f params, not %lld: not the same model\n", crackkd::bench::field(py, "params"),
                static_cast<long long>(params));
  std::printf("Python   train step %8.2f ms   batch-1 inference %7.2f ms\n", py_train, py_infer);
  std::printf("speed-up (Python time / CrackKD time): train step %.2fx, inference %.2fx\n", py_train / train_ms,
              py_infer / infer_ms);
  return 0;
}
