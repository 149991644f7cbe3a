#pragma once
// Consecutive samples of one size gathered into batches, for scoring: a data set of mixed
// photo sizes is scored in as few forward passes as its order allows.

#include <crackkd/sample.hpp>

#include <functional>
#include <vector>

namespace crackkd::data {

/// Example: `SizeBatcher b(8, score); for (...) b.add(dataset.get(i)); b.flush();`
class SizeBatcher {
 public:
  SizeBatcher(std::size_t limit, std::function<void(const Batch&)> consume)
      : limit_(limit), consume_(std::move(consume)) {}
  /// Hands the batch so far to `consume` first when `s` has another size or it is full.
  void add(Sample s);
  /// Hands the samples gathered so far, if any, to `consume`.
  void flush();

 private:
  std::size_t limit_;
  std::function<void(const Batch&)> consume_;
  std::vector<Sample> pending_;
};

}  // namespace crackkd::data
