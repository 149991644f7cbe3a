#pragma once
// A dataset: random access to samples. The loader calls `get` from several worker
// threads at once, so implementations must be safe for concurrent reads.

#include <crackkd/sample.hpp>

#include <cstddef>
#include <string>

namespace crackkd {

/// Example: `for (std::size_t i = 0; i < ds.size(); ++i) train_on(ds.get(i));`
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual std::size_t size() const = 0;
  /// Sample `index` in [0, size()), with tensors the caller owns (transforms may write
  /// into them); throws crackkd::Error naming the file on bad data.
  virtual Sample get(std::size_t index) const = 0;
  /// How masks become crack pixels, as `crackkd check` shows it ("0/1: crack = 1"); ""
  /// when there is nothing to say.
  virtual std::string mask_convention() const { return ""; }
};

}  // namespace crackkd
