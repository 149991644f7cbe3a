#include "engine/training_data.hpp"

#include "io/content_hash.hpp"

#include <cmath>

namespace crackkd::engine {

std::uint64_t name_key(const std::string& name) { return io::content_key(name); }

std::uint64_t stream_seed(std::int64_t pipeline_seed, const std::string& stream) {
  return Rng::derive(static_cast<std::uint64_t>(pipeline_seed), {name_key(stream)}).next() >> 1;
}

Rng evaluation_noise_stream(std::int64_t pipeline_seed, const std::string& noise_name, double level, std::size_t index) {
  return Rng::derive(static_cast<std::uint64_t>(pipeline_seed),
                     {name_key(noise_name), static_cast<std::uint64_t>(std::llround(level * 1e6)), index});
}

void plan_training_data(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                        host::PluginHost& host, const std::vector<ComponentConfig>& augment, const Params& noise_mix,
                        StagePlan& plan) {
  for (const auto& t : augment) {
    host.validate("transform", t);
    plan.components.emplace_back("transform", t);
  }
  if (noise_mix.entries().empty()) return;
  const auto mix = parse_options<NoiseMixOptions>(noise_mix);
  for (std::size_t i = 0; i < mix.noises.size(); ++i) {
    if (pipeline.noises.count(mix.noises[i])) {
      plan.components.emplace_back("noise", pipeline.noises.at(mix.noises[i]));
      continue;
    }
    std::vector<std::string> known;
    for (const auto& [k, v] : pipeline.noises) known.push_back(k);
    throw ConfigError(noise_mix.at("noises").array[i].where,
                      "stages." + stage.name + ".noise_mix.noises: undefined noise '" + mix.noises[i] + "'" +
                          did_you_mean(mix.noises[i], known) + (known.empty() ? " (the pipeline has no [noises.*])" : ""));
  }
}

TrainingData::TrainingData(StageContext& ctx, const std::string& stream, const std::string& dataset,
                           const std::vector<ComponentConfig>& augment, const Params& noise_mix, bool keep_clean)
    : dataset_(ctx.host.create<Dataset>("dataset", ctx.pipeline.datasets.at(dataset))),
      seed_(static_cast<std::uint64_t>(ctx.pipeline.options.seed)),
      stream_key_(name_key(stream)),
      keep_clean_(keep_clean) {
  for (const auto& t : augment) augment_.push_back(ctx.host.create<Transform>("transform", t));
  if (!noise_mix.entries().empty()) {
    const auto o = parse_options<NoiseMixOptions>(noise_mix);
    data::NoiseMix mix;
    mix.clean = o.clean;
    mix.noisy = o.noisy;
    mix.noise_types = o.noises.size();
    mix.intensity_low = o.intensity[0];
    mix.intensity_high = o.intensity[1];
    mix_ = mix;
    for (const auto& name : o.noises) noises_.push_back(ctx.host.create<Noise>("noise", ctx.pipeline.noises.at(name)));
  }
}

std::vector<data::PlannedSample> TrainingData::plan(std::int64_t epoch) const {
  return data::plan_epoch(dataset_->size(), mix_ ? &*mix_ : nullptr, seed_ ^ stream_key_, epoch);
}

Sample TrainingData::make(const data::PlannedSample& planned, std::int64_t epoch, std::size_t position) const {
  Rng rng = Rng::derive(seed_, {stream_key_, static_cast<std::uint64_t>(epoch), position});
  Sample s = dataset_->get(planned.index);
  for (const auto& t : augment_) s = t->apply(std::move(s), rng);
  // A copy: a noise may corrupt the image in place, and may return a new Sample.
  at::Tensor clean = keep_clean_ ? (planned.noise >= 0 ? s.image.clone() : s.image) : at::Tensor();
  if (planned.noise >= 0)
    s = noises_[static_cast<std::size_t>(planned.noise)]->apply(std::move(s), planned.intensity, rng);
  s.clean_image = std::move(clean);
  return s;
}

}  // namespace crackkd::engine
