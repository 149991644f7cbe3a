#include "training/training_data.hpp"

namespace crackkd::training {

TrainingData::TrainingData(const pipeline::Pipeline& pipeline, host::PluginHost& host, const std::string& stream, const std::string& dataset,
                           const std::vector<ComponentConfig>& augment, const std::optional<NoiseMixOptions>& noise_mix,
                           bool keep_clean)
    : dataset_(host.create<Dataset>("dataset", pipeline.datasets.at(dataset))),
      seed_(static_cast<std::uint64_t>(pipeline.options.seed)),
      stream_key_(data::name_key(stream)),
      keep_clean_(keep_clean) {
  for (const auto& t : augment) augment_.push_back(host.create<Transform>("transform", t));
  if (noise_mix) {
    const NoiseMixOptions& o = *noise_mix;
    data::NoiseMix mix;
    mix.clean = o.clean;
    mix.noisy = o.noisy;
    mix.noise_types = o.noises.size();
    mix.intensity_low = o.intensity[0];
    mix.intensity_high = o.intensity[1];
    mix_ = mix;
    for (const auto& name : o.noises) noises_.push_back(host.create<Noise>("noise", pipeline.noises.at(name)));
  }
}

std::vector<data::EpochSample> TrainingData::samples(std::int64_t epoch) const {
  return data::epoch_samples(dataset_->size(), mix_ ? &*mix_ : nullptr, seed_ ^ stream_key_, epoch);
}

Sample TrainingData::make(const data::EpochSample& sample, std::int64_t epoch, std::size_t position) const {
  Rng rng = Rng::derive(seed_, {stream_key_, static_cast<std::uint64_t>(epoch), position});
  Sample s = dataset_->get(sample.index);
  for (const auto& t : augment_) s = t->apply(std::move(s), rng);
  // A copy: a noise may corrupt the image in place, and may return a new Sample.
  at::Tensor clean = keep_clean_ ? (sample.noise >= 0 ? s.image.clone() : s.image) : at::Tensor();
  if (sample.noise >= 0)
    s = noises_[static_cast<std::size_t>(sample.noise)]->apply(std::move(s), sample.intensity, rng);
  s.clean_image = std::move(clean);
  return s;
}

}  // namespace crackkd::training
