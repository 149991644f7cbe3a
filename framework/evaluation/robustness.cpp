#include "evaluation/robustness.hpp"

#include "data/batching.hpp"
#include "data/random_streams.hpp"
#include "data/size_batcher.hpp"
#include "metrics/dataset_measures.hpp"
#include "runtime/interrupt.hpp"
#include "runtime/progress.hpp"

#include <torch/torch.h>

#include <spdlog/spdlog.h>

namespace crackkd::evaluation {

namespace {

Sample deep_copy(const Sample& s) {
  Sample copy = s;
  copy.image = s.image.clone(), copy.mask = s.mask.clone();
  return copy;
}

bool unchanged(const Sample& clean, const Sample& noisy) {
  return noisy.image.sizes() == clean.image.sizes() && noisy.mask.sizes() == clean.mask.sizes() &&
         torch::equal(noisy.image, clean.image) && torch::equal(noisy.mask, clean.mask);
}

/// Each model's records under `noise` at `level`, in dataset order.
std::vector<std::vector<metrics::ImageMeasures>> score_level(const RobustnessScoring& scoring, const std::string& noise_name,
                                                             const Noise& noise, double level, const Dataset& dataset,
                                                             const std::vector<ScoredModel>& models, c10::Device device) {
  std::vector<std::vector<metrics::ImageMeasures>> records(models.size());
  data::SizeBatcher batches(8, [&](const Batch& batch) {  // each corrupted image made once, for all models
    const auto images = batch.images.to(device), masks = batch.masks.to(device);
    for (std::size_t m = 0; m < models.size(); ++m) {
      const auto logits = data::predict_logits(*models[m].model, images);
      for (auto& r : metrics::measure_images(logits, masks, scoring.measures)) records[m].push_back(std::move(r));
    }
  });
  std::size_t as_clean = 0;
  for (std::size_t i = 0; i < dataset.size(); ++i) {
    runtime::throw_if_interrupted(scoring.what);
    Rng rng = data::evaluation_noise_stream(scoring.pipeline_seed, noise_name, level, i);
    const Sample clean = dataset.get(i);
    Sample noisy = noise.apply(deep_copy(clean), level, rng);  // a noise may change its input in place
    if (!unchanged(clean, noisy)) {
      batches.add(std::move(noisy));
      continue;
    }
    batches.flush();  // the records stay in dataset order
    for (std::size_t m = 0; m < models.size(); ++m) records[m].push_back(models[m].clean->at(i));
    ++as_clean;
  }
  batches.flush();
  if (as_clean > 0)
    spdlog::debug("{}: {} at {} left {} of {} images as they were: their clean records reused", scoring.what, noise_name,
                  level, as_clean, dataset.size());
  return records;
}

}  // namespace

io::CsvWriter score_robustness(const std::filesystem::path& file, const RobustnessScoring& scoring, const Dataset& dataset,
                           const std::vector<ScoredModel>& models, c10::Device device) {
  io::CsvWriter robustness(file, {"model", "seed", "noise", "level", "mDS", "mIoU", "images", "F1", "ODS", "OIS", "AP",
                              "F1_tol", "ODS_tol", "OIS_tol", "AP_tol", "clDice", "clIoU", "BF"});
  torch::NoGradGuard no_grad;
  for (const auto& m : models) m.model->eval();
  runtime::Progress progress(scoring.what, scoring.noises.size() * scoring.levels.size());
  for (const auto& [noise_name, noise] : scoring.noises) {
    for (const double level : scoring.levels) {
      const auto records = score_level(scoring, noise_name, *noise, level, dataset, models, device);
      for (std::size_t m = 0; m < models.size(); ++m) {
        const auto d = metrics::summarize(records[m]);
        robustness.row(models[m].label, models[m].seed, noise_name, level, io::Score{d.mds}, io::Score{d.miou}, d.images,
                       io::Score{d.f1}, io::Score{d.ods}, io::Score{d.ois}, io::Score{d.ap}, io::Score{d.f1_tol}, io::Score{d.ods_tol},
                       io::Score{d.ois_tol}, io::Score{d.ap_tol}, io::Score{d.cl_dice}, io::Score{d.cl_iou}, io::Score{d.boundary_f1});
      }
      progress.advance(noise_name + " " + std::to_string(level).substr(0, 4));
    }
  }
  return robustness;
}

}  // namespace crackkd::evaluation
