#pragma once
// The frozen teacher's outputs for a batch, computed under inference mode (no autograd
// bookkeeping at all: ~20 % of an RFKD step on CPU, measured by tests/bench/rfkd_step)
// and then copied out of it, so a distiller may use them in any differentiable
// expression with the student's outputs (inference tensors cannot be saved for backward).

#include <crackkd/model.hpp>

namespace crackkd::engine {

ModelOutput teacher_forward(SegmentationModel& teacher, const at::Tensor& images);

}  // namespace crackkd::engine
