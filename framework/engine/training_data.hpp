#pragma once
// The samples a training stage sees: a dataset, its augmentations, and optionally the
// seed paper's mix of clean and noisy copies (`noise_mix`). Every sample's randomness
// comes from (pipeline seed, stream, epoch, position), so an epoch is the same whatever
// the number of loader threads, and stages sharing a stream (`stream`, by default the
// stage's name) see the same samples: paired comparisons.
//
//   augment   = [{ plugin = "hflip" }, { plugin = "color_jitter" }]
//   noise_mix = { clean = 2, noisy = 1, noises = ["salt", "pepper", "blur", "texture"], intensity = [0.1, 0.5] }

#include "data/epoch_plan.hpp"
#include "engine/stage.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/noise.hpp>
#include <crackkd/transform.hpp>

#include <optional>

namespace crackkd::engine {

/// `noise_mix` table of a training stage.
struct NoiseMixOptions {
  std::int64_t clean = 2;
  std::int64_t noisy = 1;
  std::vector<std::string> noises;
  std::vector<double> intensity = {0.1, 0.5};
  static void declare(OptionSchema<NoiseMixOptions>& s) {
    s.optional("clean", &NoiseMixOptions::clean, "share of clean samples").in_range(1, 1000);
    s.optional("noisy", &NoiseMixOptions::noisy, "share of noisy extra copies (0 = none)").in_range(0, 1000);
    s.required("noises", &NoiseMixOptions::noises, "[noises.*] entries sharing the noisy copies equally");
    s.optional("intensity", &NoiseMixOptions::intensity, "[low, high] of the uniform noise intensity")
        .size_is(2).in_range(0.0, 1.0);
  }
  void check(const Params& p) const {
    if (intensity[0] > intensity[1])
      throw ConfigError(p.at("intensity").where, p.qualified("intensity") + ": low above high");
    if (noises.empty()) throw ConfigError(p.at("noises").where, p.qualified("noises") + ": name at least one noise");
  }
};

/// Validates `augment` (transform components) and `noise_mix` (may be an empty table:
/// no mix) of `stage`; appends their components to `plan`.
void plan_training_data(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                        host::PluginHost& host, const std::vector<ComponentConfig>& augment, const Params& noise_mix,
                        StagePlan& plan);

class TrainingData {
 public:
  /// `keep_clean`: every sample also carries its image before the noise (`clean_image`).
  TrainingData(StageContext& ctx, const std::string& stream, const std::string& dataset,
               const std::vector<ComponentConfig>& augment, const Params& noise_mix, bool keep_clean = false);

  std::size_t images() const { return dataset_->size(); }
  /// The epoch's samples in order (clean and noisy copies, shuffled).
  std::vector<data::PlannedSample> plan(std::int64_t epoch) const;
  /// Sample `position` of the epoch: read, augmented, then corrupted if planned so.
  /// Safe to call from several threads.
  Sample make(const data::PlannedSample& planned, std::int64_t epoch, std::size_t position) const;

 private:
  std::shared_ptr<Dataset> dataset_;
  std::vector<std::shared_ptr<Transform>> augment_;
  std::vector<std::shared_ptr<Noise>> noises_;
  std::optional<data::NoiseMix> mix_;
  std::uint64_t seed_;
  std::uint64_t stream_key_;
  bool keep_clean_;
};

/// FNV-1a of a name, to key random streams by stream or noise.
std::uint64_t name_key(const std::string& name);

/// The seed of torch's generator (model initialisation) for a stream (a stage's `stream`,
/// by default its name).
std::uint64_t stream_seed(std::int64_t pipeline_seed, const std::string& stream);

/// The random stream that corrupts image `index` with noise `noise_name` at `level` in
/// evaluation (and in `crackkd preview`): independent of the model, so every model is
/// scored on the very same corrupted image.
Rng evaluation_noise_stream(std::int64_t pipeline_seed, const std::string& noise_name, double level, std::size_t index);

}  // namespace crackkd::engine
