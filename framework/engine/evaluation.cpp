#include "engine/evaluation.hpp"

#include "data/batching.hpp"
#include "engine/progress.hpp"

#include <torch/torch.h>

#include <memory>

namespace crackkd::engine {

metrics::ScoreMeans evaluate_model(SegmentationModel& model, const Dataset& dataset, c10::Device device,
                                   double threshold, const std::string& label, const ImageScoreSink& sink) {
  const bool was_training = model.is_training();
  model.eval();
  torch::NoGradGuard no_grad;
  metrics::ScoreMeans means;
  std::unique_ptr<Progress> progress;
  if (!label.empty()) progress = std::make_unique<Progress>(label, dataset.size());
  for (std::size_t i = 0; i < dataset.size(); ++i) {
    Sample s = dataset.get(i);
    auto logits = data::predict_logits(model, s.image.unsqueeze(0).to(device));
    auto score = metrics::score_images(logits, s.mask.unsqueeze(0).to(device), threshold).at(0);
    means.add(score);
    if (sink) sink(s.id, score);
    if (progress) progress->advance();
  }
  model.train(was_training);
  return means;
}

}  // namespace crackkd::engine
