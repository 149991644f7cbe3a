// The training loader against the step it feeds: samples/s that the loader produces
// (masonry224 train, or synthetic cracks when it is absent; hflip + colour jitter; the
// 2:1 clean/noisy mix over the four noises) with 0, 1 and 2 worker threads, and samples/s
// that a PoolingCrack-Tiny training step (batch 2, 224x224, Dice, AdamW) consumes, in one
// run. The goal: a loader at least 3x faster than the step.
//
//   build/bin/bench_loader [--epochs 2] [--steps 10]

#include "bench_support.hpp"
#include "data/loader.hpp"
#include "pipeline/pipeline.hpp"
#include "runner/plan.hpp"
#include "training/training_data.hpp"

#include <crackkd/loss.hpp>
#include <crackkd/model.hpp>

#include <ATen/Context.h>
#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

int main(int argc, char** argv) {
  int epochs = 2, steps = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--epochs") epochs = std::stoi(argv[i + 1]);
    else if (a == "--steps") steps = std::stoi(argv[i + 1]);
  }
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  at::globalContext().setFlushDenormal(true);
  namespace fs = std::filesystem;
  const fs::path data = fs::path(CRACKKD_BENCH_SOURCE_DIR).parent_path() / "shared" / "data" / "masonry224" / "train";
  const std::string dataset = fs::exists(data) ? "plugin = \"folder\"\nroot = \"" + data.string() + "\""
                                               : "plugin = \"synthetic_cracks\"\ncount = 169\nsize = 224";
  const fs::path file = fs::temp_directory_path() / "crackkd_bench_loader.toml";
  std::ofstream(file) << "[datasets.train]\n" << dataset << R"(
[noises]
salt = { plugin = "salt" }
pepper = { plugin = "pepper" }
blur = { plugin = "gaussian_blur" }
texture = { plugin = "crack_texture" }
[models.pct]
plugin = "pct"
[stages.train]
kind = "train"
model = "pct"
data = "train"
augment = [{ plugin = "hflip" }, { plugin = "color_jitter" }]
noise_mix = { clean = 2, noisy = 1, noises = ["salt", "pepper", "blur", "texture"] }
)";
  crackkd::host::PluginHost host;
  std::vector<fs::path> dirs;
  std::stringstream list(CRACKKD_BENCH_PLUGIN_DIRS);
  for (std::string d; std::getline(list, d, ':');) dirs.emplace_back(d);
  host.scan(dirs);
  const auto pipeline = crackkd::pipeline::load_pipeline(file, {});
  crackkd::runner::validate_pipeline(pipeline, host);
  const auto& stage = pipeline.stages.at("train");
  crackkd::stages::StageContext ctx{pipeline, stage, host, fs::temp_directory_path(), fs::temp_directory_path()};
  std::vector<crackkd::ComponentConfig> transforms;
  for (const auto& v : stage.params.at("augment").array) {
    crackkd::ComponentConfig c;
    crackkd::detail::read(v, "augment", c);
    transforms.push_back(c);
  }
  crackkd::training::TrainingData training(ctx.pipeline, ctx.host, ctx.stage.name, "train", transforms,
      crackkd::parse_options<crackkd::training::NoiseMixOptions>(*stage.params.at("noise_mix").table));

  std::printf("loader: %s, hflip + colour jitter, 2:1 clean/noisy over 4 noises, batch 2, %d epochs\n",
              fs::exists(data) ? data.string().c_str() : "synthetic cracks 224x224", epochs);
  double best = 0;
  for (int workers : {0, 1, 2}) {
    std::size_t samples = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int e = 1; e <= epochs; ++e) {
      const auto order = training.samples(e);
      crackkd::data::BatchLoader loader(order.size(), 2, [&](std::size_t p) { return training.make(order[p], e, p); },
                                        workers, 8, false);
      for (std::size_t b = 0; b < loader.batches(); ++b) samples += static_cast<std::size_t>(loader.next().images.size(0));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = static_cast<double>(samples) / seconds;
    best = std::max(best, rate);
    std::printf("  loader, %d workers: %8.1f samples/s (%zu samples in %.2f s)\n", workers, rate, samples, seconds);
  }

  torch::manual_seed(0);
  auto model = host.create<crackkd::SegmentationModel>("model", pipeline.models.at("pct"));
  auto loss = host.create<crackkd::Loss>("loss", crackkd::ComponentConfig{"dice", crackkd::Params("loss", {}), {}});
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  model->train();
  auto batch = torch::rand({2, 3, 224, 224});
  auto masks = (torch::rand({2, 1, 224, 224}) > 0.96).to(torch::kFloat);
  const double step_ms = crackkd::bench::median_ms(2, steps, [&] {
    auto value = loss->compute(model->forward(batch).logits, masks);
    optimizer.zero_grad();
    value.backward();
    optimizer.step();
  });
  const double step_rate = 2.0 / (step_ms / 1000.0);
  std::printf("  PCT training step (batch 2, 224): %.1f ms = %8.1f samples/s\n", step_ms, step_rate);
  std::printf("  loader / step: %.1fx (best loader configuration)\n", best / step_rate);
  fs::remove(file);
  return 0;
}
