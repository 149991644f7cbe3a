#pragma once
// The samples a training stage sees: a dataset, its augmentations, and optionally the
// reference paper's mix of clean and noisy copies (`noise_mix`). Every sample's randomness
// comes from (pipeline seed, stream, epoch, position), so an epoch is the same whatever
// the number of loader threads, and stages sharing a stream (`stream`, by default the
// stage's name) see the same samples: paired comparisons.
//
//   augment   = [{ plugin = "hflip" }, { plugin = "color_jitter" }]
//   noise_mix = { clean = 2, noisy = 1, noises = ["salt", "pepper", "blur", "texture"], intensity = [0.1, 0.5] }

#include "data/epoch_plan.hpp"
#include "data/random_streams.hpp"
#include "pipeline/pipeline.hpp"
#include "plugin_host/plugin_host.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/noise.hpp>
#include <crackkd/transform.hpp>

#include <optional>

namespace crackkd::training {

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

class TrainingData {
 public:
  /// `keep_clean`: every sample also carries its image before the noise (`clean_image`).
  TrainingData(const pipeline::Pipeline& pipeline, host::PluginHost& host, const std::string& stream, const std::string& dataset,
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

}  // namespace crackkd::training
