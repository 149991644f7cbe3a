// Stage kind `benchmark`: what each model costs to run, the reference paper's efficiency table.
//
//   [stages.benchmark]
//   kind        = "benchmark"
//   models      = ["teacher", "rfkd"]   # train/distill stages (their checkpoints' models)
//   checkpoints = []                    # and/or checkpoint files
//   labels      = []                    # their names in efficiency.csv (checkpoints/checkpoint_labels.hpp)
//   size        = 448                   # input side: 1x3xSIZExSIZE
//   runs        = 50                    # timed batch-1 forwards, after `warmup` untimed ones
//   engine      = "frozen"              # as `crackkd infer` runs models; "eager": the plugin's forward
//
// Writes efficiency.csv: model, plugin, params, MACs (counted from a real forward pass, see
// metrics/model_cost.hpp), the median and 90th percentile of batch-1 latency in ms, the
// device, input size, thread count and engine. Latency depends on the machine: compare
// rows of one run only.

#include "checkpoints/checkpoint.hpp"
#include "inference/inference_model.hpp"
#include "io/csv_writer.hpp"
#include "metrics/model_cost.hpp"
#include "stages/scored_checkpoints.hpp"
#include "stages/stage.hpp"
#include "stages/stage_kind_of.hpp"

#include <torch/cuda.h>

#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

namespace crackkd::stages {

namespace {

struct BenchmarkOptions : ScoredCheckpointsOptions {
  std::int64_t size = 448;
  std::int64_t runs = 50;
  std::int64_t warmup = 5;
  std::string engine = "frozen";

  static void declare(OptionSchema<BenchmarkOptions>& s) {
    declare_scored(s, "measure");
    s.optional("size", &BenchmarkOptions::size, "input side in pixels (the reference paper's tables use 448)").in_range(32, 8192);
    s.optional("runs", &BenchmarkOptions::runs, "timed batch-1 forwards").in_range(1, 100000);
    s.optional("warmup", &BenchmarkOptions::warmup, "untimed forwards first").in_range(0, 1000);
    s.optional("engine", &BenchmarkOptions::engine, "frozen: the traced graph optimised for inference, as crackkd infer "
               "runs it; eager: the plugin's forward").one_of({"frozen", "eager"});
    declare_common(s);
  }
};

/// Batch-1 latency of `model` on a 1x3xSIZExSIZE input.
metrics::Latency latency_of(const inference::InferenceModel& model, c10::Device device, const BenchmarkOptions& o) {
  const auto images = torch::rand({1, 3, o.size, o.size}, torch::TensorOptions().device(device));
  torch::InferenceMode inference;
  const auto synchronize = [device] {
    if (device.is_cuda()) torch::cuda::synchronize();
  };
  return metrics::measure_latency([&] { model.logits(images); }, static_cast<int>(o.warmup), static_cast<int>(o.runs),
                                  synchronize);
}

/// Parameters and MACs from the plugin's forward (`loaded`), latency in `o.engine`.
metrics::ModelCost cost_of(checkpoints::LoadedModel& loaded, const std::filesystem::path& file, c10::Device device,
                           const BenchmarkOptions& o) {
  const bool frozen = o.engine == "frozen";
  auto cost = metrics::measure_model_cost(*loaded.model, device, o.size, o.size, frozen ? 0 : static_cast<int>(o.warmup),
                                          frozen ? 1 : static_cast<int>(o.runs));
  if (frozen) cost.latency = latency_of(inference::inference_model_of(loaded, file, inference::Engine::Frozen), device, o);
  return cost;
}

class BenchmarkStage : public StageKindOf<BenchmarkOptions> {
 public:
  const char* name() const override { return "benchmark"; }
  const char* summary() const override { return "Parameters, MACs and batch-1 latency (median, p90) of models"; }
  std::vector<Result> results() const override { return {{results::kEfficiency, "", {}}}; }

  StagePlan plan(const BenchmarkOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost&) const override {
    StagePlan plan;
    plan.runs_alone = true;  // latency beside another stage would measure the other stage too
    // A stage's best.pt when it writes one, else its checkpoint.pt: the seeds and epochs change weights, not cost.
    plan_scored(o, stage, pipeline, plan, results::kCheckpoint, results::kBest);
    for (std::size_t i = 0; i < o.checkpoints.size(); ++i)
      // MACs are counted on the plugin's forward: an exported graph does not report them all.
      if (inference::is_exported_model(o.checkpoints[i]))
        throw ConfigError(stage.params.at("checkpoints").where, "stages." + stage.name + ".checkpoints[" +
                                                                    std::to_string(i) + "]: " + o.checkpoints[i] +
                                                                    " is an exported model; give its checkpoint");
    return plan;
  }

  void run(StageContext& ctx, const BenchmarkOptions& o) const override {
    const auto device = device_of(ctx, o);
    // With [pipeline] seeds the first seed's model stands for all: the seeds change weights, not cost.
    const auto targets = scored_checkpoints(ctx, o, /*first_seed_only=*/true);
    io::CsvWriter efficiency(ctx.out_dir / results::kEfficiency, {"model", "plugin", "params", "MACs", "latency_ms",
                                                          "latency_p90_ms", "device", "size", "threads", "engine"});
    for (const auto& target : targets) {
      const auto& label = target.label;
      auto loaded = load_scored(ctx, target, device);
      const auto cost = cost_of(loaded, target.file, device, o);
      const auto& plugin = loaded.config.plugin;
      efficiency.row(label, plugin, cost.params, cost.macs, cost.latency.median_ms, cost.latency.p90_ms, device.str(), o.size,
                     at::get_num_threads(), o.engine);
      spdlog::info("benchmark {}: {} (model.{}): {:.3f} M parameters, {:.3f} G MACs, {:.2f} ms median ({:.2f} ms p90) at "
                   "{}x{} on {}, {} engine",
                   ctx.stage.name, label, plugin, static_cast<double>(cost.params) / 1e6,
                   static_cast<double>(cost.macs) / 1e9, cost.latency.median_ms, cost.latency.p90_ms, o.size, o.size,
                   device.str(), o.engine);
    }
    efficiency.commit();
  }
};

}  // namespace

CRACKKD_STAGE_KIND(BenchmarkStage, 40)

}  // namespace crackkd::stages
