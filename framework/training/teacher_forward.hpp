#pragma once
// The frozen teacher's outputs for a batch. On the CPU the teacher runs as a frozen graph
// (traced once per input shape with its features, batch norms folded into convolutions,
// optimised by LibTorch for inference): 1.67x faster than the eager teacher for
// PoolingCrack at batch 2 on 224, 1 thread (bench_rfkd_step), equal to it within float
// rounding, which the teacher cache's float16 storage is far coarser than. A teacher the
// tracer cannot reproduce (its forward branches on values), a device other than the CPU and
// mixed precision run it eagerly under inference mode, as before. Either way the outputs
// are ordinary tensors, so a distiller may use them in any differentiable expression with
// the student's outputs (inference tensors cannot be saved for backward).

#include <crackkd/model.hpp>

#include <memory>
#include <string>

namespace torch::jit {
struct Module;
}

namespace crackkd::training {

class TeacherForward {
 public:
  /// `teacher` is put in eval mode; `name` ("model.poolingcrack") names it in messages.
  TeacherForward(SegmentationModel& teacher, std::string name, bool frozen = true);
  ~TeacherForward();
  TeacherForward(const TeacherForward&) = delete;
  TeacherForward& operator=(const TeacherForward&) = delete;

  ModelOutput operator()(const at::Tensor& images);

  /// Whether it runs frozen graphs (false once a trace was refused).
  bool frozen() const { return graphs_ != nullptr; }

 private:
  struct Graphs;
  torch::jit::Module* graph_for(const at::Tensor& images);
  SegmentationModel& teacher_;
  std::string name_;
  std::unique_ptr<Graphs> graphs_;  // null: eager
};

}  // namespace crackkd::training
