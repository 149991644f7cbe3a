#include "data/size_batcher.hpp"

#include "data/batching.hpp"

namespace crackkd::data {

void SizeBatcher::add(Sample s) {
  if (!pending_.empty() && (pending_.size() >= limit_ || s.image.sizes() != pending_[0].image.sizes())) flush();
  pending_.push_back(std::move(s));
}

void SizeBatcher::flush() {
  if (pending_.empty()) return;
  const Batch batch = collate(pending_);
  pending_.clear();
  consume_(batch);
}

}  // namespace crackkd::data
