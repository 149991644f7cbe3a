#include "engine/evaluation.hpp"

#include "data/batching.hpp"
#include "engine/progress.hpp"

#include <torch/torch.h>

#include <memory>

namespace crackkd::engine {

metrics::ScoreMeans evaluate_model(SegmentationModel& model, const Dataset& dataset, c10::Device device,
                                   double threshold, const std::string& label, const ImageScoreSink& sink,
                                   std::size_t batch_size) {
  const bool was_training = model.is_training();
  model.eval();
  torch::NoGradGuard no_grad;
  metrics::ScoreMeans means;
  std::unique_ptr<Progress> progress;
  if (!label.empty()) progress = std::make_unique<Progress>(label, dataset.size());
  std::vector<Sample> pending;  // consecutive images of one size, scored in one forward pass
  const auto flush = [&] {
    if (pending.empty()) return;
    const Batch batch = data::collate(pending);
    const auto logits = data::predict_logits(model, batch.images.to(device));
    const auto scores = metrics::score_images(logits, batch.masks.to(device), threshold);
    for (std::size_t k = 0; k < scores.size(); ++k) {
      means.add(scores[k]);
      if (sink) sink(batch.ids[k], scores[k]);
      if (progress) progress->advance();
    }
    pending.clear();
  };
  for (std::size_t i = 0; i < dataset.size(); ++i) {
    Sample s = dataset.get(i);
    if (!pending.empty() && (pending.size() >= batch_size || s.image.sizes() != pending[0].image.sizes())) flush();
    pending.push_back(std::move(s));
  }
  flush();
  model.train(was_training);
  return means;
}

}  // namespace crackkd::engine
