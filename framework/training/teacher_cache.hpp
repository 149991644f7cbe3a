#pragma once
// The frozen teacher's outputs computed once for every distill stage that shows it the same
// inputs (`teacher_cache = true`): the students of a paired comparison share a stream, so
// for a seed they give the teacher the very same images, and only the first stage has to
// run it. Each sample's outputs (logits and features) are stored in float16 under the hash
// of the exact input the teacher saw, one file per sample in
// <run>/teacher_outputs/<hash of the teacher checkpoint>/; a stage finding a sample there
// reads it instead of running the teacher. Outputs are rounded to float16 whether read or
// computed, so a stage's results do not depend on which stage filled the cache. A file that
// cannot be read whole (a killed writer) counts as missing and is written again.

#include "training/teacher_forward.hpp"

#include <crackkd/model.hpp>

#include <cstdint>
#include <filesystem>

namespace crackkd::training {

class TeacherCache {
 public:
  /// Stores under `folder` (created) unless `store` is false: then it only reads.
  TeacherCache(std::filesystem::path folder, bool store);

  /// The teacher's outputs for `images` (a batch of one size): read per sample where
  /// stored, the rest computed in one pass of `teacher` and stored.
  ModelOutput forward(TeacherForward& teacher, const at::Tensor& images);

  /// Bytes one sample of `image`'s size takes: the teacher run once on it.
  static std::uint64_t bytes_per_sample(TeacherForward& teacher, const at::Tensor& image);

  const std::filesystem::path& folder() const { return folder_; }
  std::size_t read() const { return read_; }
  std::size_t computed() const { return computed_; }

 private:
  std::filesystem::path entry(const at::Tensor& image) const;
  std::filesystem::path folder_;
  bool store_;
  std::size_t read_ = 0, computed_ = 0;
};

/// The cache folder of a teacher checkpoint: <run_dir>/teacher_outputs/<hash of its bytes>.
std::filesystem::path teacher_cache_folder(const std::filesystem::path& run_dir,
                                           const std::filesystem::path& teacher_checkpoint);

}  // namespace crackkd::training
