#pragma once
// The samples a training stage sees: a dataset, its augmentations, and optionally the
// reference paper's mix of clean and noisy copies (`noise_mix`). Every sample's randomness
// comes from (pipeline seed, stream, epoch, position), so an epoch is the same whatever
// the number of loader threads, and stages sharing a stream (`stream`, by default the
// stage's name) see the same samples: paired comparisons.
//
//   augment   = [{ plugin = "hflip" }, { plugin = "color_jitter" }]
//   noise_mix = { clean = 2, noisy = 1, noises = ["salt", "pepper", "blur", "texture"], intensity = [0.1, 0.5] }

#include "data/epoch_samples.hpp"
#include "data/random_streams.hpp"
#include "pipeline/pipeline.hpp"
#include "plugin_host/plugin_host.hpp"
#include "training/noise_mix_options.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/noise.hpp>
#include <crackkd/transform.hpp>

#include <optional>

namespace crackkd::training {

class TrainingData {
 public:
  /// `keep_clean`: every sample also carries its image before the noise (`clean_image`).
  TrainingData(const pipeline::Pipeline& pipeline, host::PluginHost& host, const std::string& stream, const std::string& dataset,
               const std::vector<ComponentConfig>& augment, const std::optional<NoiseMixOptions>& noise_mix,
               bool keep_clean = false);

  std::size_t images() const { return dataset_->size(); }
  /// The epoch's samples in order (clean and noisy copies, shuffled).
  std::vector<data::EpochSample> samples(std::int64_t epoch) const;
  /// Sample `position` of the epoch: read, augmented, then corrupted if `sample` says so.
  /// Safe to call from several threads.
  Sample make(const data::EpochSample& sample, std::int64_t epoch, std::size_t position) const;

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
