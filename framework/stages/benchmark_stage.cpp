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
#include "checkpoints/checkpoint_labels.hpp"
#include "inference/inference_model.hpp"
#include "io/csv_writer.hpp"
#include "metrics/model_cost.hpp"
#include "runtime/device.hpp"
#include "stages/stage.hpp"
#include "stages/stage_kind_of.hpp"

#include <torch/cuda.h>

#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

namespace crackkd::stages {

namespace {

struct BenchmarkOptions {
  std::vector<std::string> models;
  std::vector<std::string> checkpoints;
  std::vector<std::string> labels;
  std::int64_t size = 448;
  std::int64_t runs = 50;
  std::int64_t warmup = 5;
  std::string device = "pipeline";
  std::string engine = "frozen";
  std::vector<std::string> after;

  static void declare(OptionSchema<BenchmarkOptions>& s) {
    s.optional("models", &BenchmarkOptions::models, "train/distill stages whose checkpoint's model to measure");
    s.optional("checkpoints", &BenchmarkOptions::checkpoints, "checkpoint files to measure, besides the stages'");
    s.optional("labels", &BenchmarkOptions::labels,
               "names of the checkpoint files in the results, one per file; [] = each file's shortest path tail "
               "that tells it apart (runA/train/best)");
    s.optional("size", &BenchmarkOptions::size, "input side in pixels (the reference paper's tables use 448)").in_range(32, 8192);
    s.optional("runs", &BenchmarkOptions::runs, "timed batch-1 forwards").in_range(1, 100000);
    s.optional("warmup", &BenchmarkOptions::warmup, "untimed forwards first").in_range(0, 1000);
    s.optional("device", &BenchmarkOptions::device, "pipeline = the [pipeline] device").one_of({"pipeline", "auto", "cpu", "cuda"});
    s.optional("engine", &BenchmarkOptions::engine, "frozen: the traced graph optimised for inference, as crackkd infer "
               "runs it; eager: the plugin's forward").one_of({"frozen", "eager"});
    s.optional("after", &BenchmarkOptions::after, "stages that must finish first");
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
  const char* doc() const override {
    return "Parameters, MACs and batch-1 latency (median, p90) of models; writes efficiency.csv";
  }

  StagePlan plan(const BenchmarkOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost&) const override {
    if (o.models.empty() && o.checkpoints.empty())
      throw ConfigError(stage.where, "stages." + stage.name + ": give 'models' (stage names) or 'checkpoints' (files)");
    StagePlan plan;
    plan.writes = {results::kEfficiency};
    plan.runs_alone = true;  // latency beside another stage would measure the other stage too
    for (std::size_t i = 0; i < o.models.size(); ++i)
      read_result_of(stage, "models", o.models[i], results::kCheckpoint, pipeline, plan, i);
    for (std::size_t i = 0; i < o.after.size(); ++i) require_reference(stage, "after", o.after[i], pipeline.stages, "stage", i);
    for (std::size_t i = 0; i < o.checkpoints.size(); ++i) {
      require_input_file(stage, "checkpoints", o.checkpoints[i], i);
      // MACs are counted on the plugin's forward: an exported graph does not report them all.
      if (inference::is_exported_model(o.checkpoints[i]))
        throw ConfigError(stage.params.at("checkpoints").where, "stages." + stage.name + ".checkpoints[" +
                                                                    std::to_string(i) + "]: " + o.checkpoints[i] +
                                                                    " is an exported model; give its checkpoint");
    }
    checkpoints::checkpoint_labels(stage, o.checkpoints, o.labels, o.models);
    plan.input_files.assign(o.checkpoints.begin(), o.checkpoints.end());
    plan.depends_on.insert(plan.depends_on.end(), o.after.begin(), o.after.end());
    return plan;
  }

  void run(StageContext& ctx, const BenchmarkOptions& o) const override {
    const auto device = runtime::resolve_device(o.device, ctx.pipeline, ctx.local_rank());
    std::vector<std::pair<std::string, std::filesystem::path>> targets;
    // With [pipeline] seeds the first seed's model stands for all: the seeds change weights, not cost.
    const auto first = replicates(ctx.pipeline.options).front().folder;
    for (const auto& m : o.models) targets.emplace_back(m, checkpoints::stage_checkpoint(ctx.stage_dir(m) / first));
    const auto labels = checkpoints::checkpoint_labels(ctx.stage, o.checkpoints, o.labels, o.models);
    for (std::size_t i = 0; i < o.checkpoints.size(); ++i) targets.emplace_back(labels[i], o.checkpoints[i]);
    io::CsvWriter efficiency(ctx.out_dir / results::kEfficiency, {"model", "plugin", "params", "MACs", "latency_ms",
                                                          "latency_p90_ms", "device", "size", "threads", "engine"});
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const auto& [label, file] = targets[i];
      auto loaded = checkpoints::load_checkpoint(file, ctx.host, device);
      if (i < o.models.size()) require_model_of_stage(ctx, loaded, file, o.models[i]);
      const auto cost = cost_of(loaded, file, device, o);
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
