#include "evaluation/evaluation.hpp"

#include "data/batching.hpp"
#include "data/size_batcher.hpp"
#include "inference/tiled_prediction.hpp"
#include "runtime/interrupt.hpp"
#include "runtime/progress.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <memory>

namespace crackkd::evaluation {

namespace {

/// A photo larger than this (1024x1024) is scored tile by tile, as `crackkd infer` does:
/// PCT over a 4000x3000 photo peaked at 6.7 GiB in one pass, at 1.4 GiB in 448-pixel tiles.
constexpr std::int64_t kLargestUntiledPixels = 1024 * 1024;

/// Each image's record to `measures`, when asked.
void send_measures(const at::Tensor& logits, const at::Tensor& masks, const std::vector<std::string>& ids,
                   double threshold, const ImageMeasuresSink* measures) {
  if (!measures) return;
  auto options = measures->options;
  options.threshold = threshold;
  auto records = metrics::measure_images(logits, masks, options);
  for (std::size_t k = 0; k < records.size(); ++k) measures->sink(ids[k], std::move(records[k]));
}

void score_large_image(SegmentationModel& model, const Sample& sample, c10::Device device, double threshold,
                       metrics::ScoreMeans& means, const ImageScoreSink& sink, const ImageMeasuresSink* measures) {
  const inference::TileOptions tiles{448, 64, model.input_stride(), 4};
  const auto logits_of = [&](const at::Tensor& images) { return model.forward(images).logits; };
  const auto probability = inference::predict_probabilities(logits_of, sample.image.unsqueeze(0).to(device), tiles);
  // Scores threshold sigmoid(logits): the logit of the blended probability decides alike.
  const auto logits = torch::logit(probability), mask = sample.mask.unsqueeze(0).to(device);
  const auto scores = metrics::score_images(logits, mask, threshold);
  send_measures(logits, mask, {sample.id}, threshold, measures);
  spdlog::debug("{}: {}x{} pixels, scored in {}-pixel tiles overlapping by {}", sample.id, sample.image.size(-1),
                sample.image.size(-2), tiles.tile, tiles.overlap);
  means.add(scores[0]);
  if (sink) sink(sample.id, scores[0]);
}

}  // namespace

metrics::ScoreMeans evaluate_model(SegmentationModel& model, const Dataset& dataset, c10::Device device,
                                   double threshold, const std::string& label, const ImageScoreSink& sink,
                                   const ImageMeasuresSink* measures, std::size_t batch_size) {
  const bool was_training = model.is_training();
  model.eval();
  torch::NoGradGuard no_grad;
  metrics::ScoreMeans means;
  std::unique_ptr<runtime::Progress> progress;
  if (!label.empty()) progress = std::make_unique<runtime::Progress>(label, dataset.size());
  data::SizeBatcher batches(batch_size, [&](const Batch& batch) {  // one forward pass each
    const auto logits = data::predict_logits(model, batch.images.to(device));
    const auto masks = batch.masks.to(device);
    const auto scores = metrics::score_images(logits, masks, threshold);
    send_measures(logits, masks, batch.ids, threshold, measures);
    for (std::size_t k = 0; k < scores.size(); ++k) {
      means.add(scores[k]);
      if (sink) sink(batch.ids[k], scores[k]);
      if (progress) progress->advance();
    }
  });
  for (std::size_t i = 0; i < dataset.size(); ++i) {
    if (progress) runtime::throw_if_interrupted(label);  // a stage's evaluation; validation finishes its epoch
    Sample s = dataset.get(i);
    if (s.image.size(-2) * s.image.size(-1) > kLargestUntiledPixels) {
      batches.flush();
      score_large_image(model, s, device, threshold, means, sink, measures);
      if (progress) progress->advance();
      continue;
    }
    batches.add(std::move(s));
  }
  batches.flush();
  model.train(was_training);
  return means;
}

}  // namespace crackkd::evaluation
