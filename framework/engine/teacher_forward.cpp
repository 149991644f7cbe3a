#include "engine/teacher_forward.hpp"

#include "data/batching.hpp"

#include <torch/torch.h>

namespace crackkd::engine {

ModelOutput teacher_forward(SegmentationModel& teacher, const at::Tensor& images) {
  ModelOutput inference_out;
  {
    torch::InferenceMode inference;
    inference_out = data::forward_padded(teacher, images);
  }
  ModelOutput out;
  out.logits = inference_out.logits.clone();
  for (const auto& f : inference_out.features) out.features.push_back(f.clone());
  return out;
}

}  // namespace crackkd::engine
