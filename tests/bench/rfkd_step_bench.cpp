// One RFKD distillation step as the distill stage runs it (plugin host: model.poolingcrack
// teacher, model.pct student, distiller.rfkd, AdamW over student and connectors), against
// the same step in Python eager PyTorch (tests/bench/python/rfkd_step_bench.py, Debian's
// python3-torch = the same LibTorch), same threads, in one run. Prints both and the ratio,
// and the teacher's forward alone as the stage runs it (frozen graph) against eager.
//
//   build/bin/bench_rfkd_step [--size 224] [--batch 2] [--steps 10] [--threads N]

#include "app/memory.hpp"
#include "bench_support.hpp"
#include "plugin_host/plugin_host.hpp"
#include "training/teacher_forward.hpp"

#include <crackkd/distiller.hpp>
#include <crackkd/loss.hpp>
#include <crackkd/model.hpp>

#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

int main(int argc, char** argv) {
  std::int64_t size = 224, batch = 2;
  int steps = 10, threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
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
  at::globalContext().setFlushDenormal(true);  // as crackkd does at start-up
  crackkd::app::reuse_freed_memory();          // likewise

  crackkd::host::PluginHost host;
  std::vector<std::filesystem::path> dirs;
  std::stringstream list(CRACKKD_BENCH_PLUGIN_DIRS);
  for (std::string d; std::getline(list, d, ':');) dirs.emplace_back(d);
  host.scan(dirs);
  const auto config = [](const char* plugin, const char* kind) {
    return crackkd::ComponentConfig{plugin, crackkd::Params(kind, {}), {}};
  };
  torch::manual_seed(0);
  auto teacher = host.create<crackkd::SegmentationModel>("model", config("poolingcrack", "model"));
  auto student = host.create<crackkd::SegmentationModel>("model", config("pct", "model"));
  auto distiller = host.create<crackkd::Distiller>("distiller", config("rfkd", "distiller"));
  auto dice = host.create<crackkd::Loss>("loss", config("dice", "loss"));  // a distill stage's default `loss`
  distiller->set_ground_truth_loss([dice](const at::Tensor& logits, const at::Tensor& masks) {
    return crackkd::LossTerms{{"dice", dice->compute(logits, masks)}};
  });
  distiller->prepare(*teacher, *student);
  teacher->eval();
  student->train();
  auto parameters = student->parameters();
  for (const auto& p : distiller->parameters()) parameters.push_back(p);
  torch::optim::AdamW optimizer(parameters, torch::optim::AdamWOptions(1e-3));

  crackkd::Batch data;
  data.images = torch::rand({batch, 3, size, size});
  data.masks = (torch::rand({batch, 1, size, size}) > 0.95).to(torch::kFloat);
  crackkd::training::TeacherForward teacher_forward(*teacher, "model.poolingcrack");
  const double step_ms = crackkd::bench::median_ms(2, steps, [&] {
    const crackkd::ModelOutput t = teacher_forward(data.images);  // as the distill stage
    at::Tensor total;
    for (const auto& [name, value] : distiller->loss(student->forward(data.images), t, data))
      total = total.defined() ? total + value : value;
    optimizer.zero_grad();
    total.backward();
    optimizer.step();
  });
  // The teacher's forward alone, as the stage runs it (a frozen graph) and eagerly.
  crackkd::training::TeacherForward eager_teacher(*teacher, "model.poolingcrack", /*frozen=*/false);
  const double frozen_ms = crackkd::bench::median_ms(2, steps, [&] { teacher_forward(data.images); });
  const double eager_ms = crackkd::bench::median_ms(2, steps, [&] { eager_teacher(data.images); });
  std::int64_t teacher_params = 0, student_params = 0;
  for (const auto& p : teacher->parameters()) teacher_params += p.numel();
  for (const auto& p : student->parameters()) student_params += p.numel();

  std::printf("RFKD step: model.poolingcrack (%lld params) teaching model.pct (%lld params), input %lldx3x%lldx%lld, "
              "%d threads, median of %d\n",
              static_cast<long long>(teacher_params), static_cast<long long>(student_params),
              static_cast<long long>(batch), static_cast<long long>(size), static_cast<long long>(size), threads, steps);
  std::printf("CrackKD  %8.1f ms\n", step_ms);
  std::printf("teacher forward alone: frozen graph %.1f ms, eager %.1f ms: %.2fx\n", frozen_ms, eager_ms,
              eager_ms / frozen_ms);
  const std::string py = crackkd::bench::run_python(
      std::string(CRACKKD_BENCH_SOURCE_DIR) + "/tests/bench/python/rfkd_step_bench.py",
      "--size " + std::to_string(size) + " --batch " + std::to_string(batch) + " --steps " + std::to_string(steps) +
          " --threads " + std::to_string(threads));
  if (py.empty() || crackkd::bench::field(py, "step_ms") < 0) {
    std::printf("Python peer unavailable (needs Debian's python3-torch: apt-get install python3-torch)\n%s", py.c_str());
    return 0;
  }
  if (static_cast<std::int64_t>(crackkd::bench::field(py, "teacher_params")) != teacher_params ||
      static_cast<std::int64_t>(crackkd::bench::field(py, "student_params")) != student_params)
    std::printf("warning: the Python networks differ in size: %s", py.c_str());
  const double py_ms = crackkd::bench::field(py, "step_ms");
  std::printf("Python   %8.1f ms\n", py_ms);
  std::printf("speed-up (Python time / CrackKD time): %.2fx\n", py_ms / step_ms);
  return 0;
}
