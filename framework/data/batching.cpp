#include "data/batching.hpp"

#include <crackkd/error.hpp>
#include <crackkd/rng.hpp>

#include <ATen/ATen.h>

#include <numeric>

namespace crackkd::data {

std::vector<std::size_t> epoch_order(std::size_t n, std::uint64_t seed, std::int64_t epoch) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng rng = Rng::derive(seed, {0x6f72646572ull /* "order" */, static_cast<std::uint64_t>(epoch)});
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[static_cast<std::size_t>(rng.integer(0, static_cast<std::int64_t>(i) - 1))]);
  return order;
}

namespace {
std::string shape(const at::Tensor& t) {
  std::string s;
  for (auto d : t.sizes()) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}
}  // namespace

Batch collate(const std::vector<Sample>& samples) {
  if (samples.empty()) throw Error("cannot collate an empty batch");
  std::vector<at::Tensor> images, masks, clean_images;
  Batch batch;
  for (const auto& s : samples) {
    if (s.image.sizes() != samples[0].image.sizes())
      throw Error("batch mixes image sizes: " + shape(samples[0].image) + " in " + samples[0].id + " and " +
                  shape(s.image) + " in " + s.id +
                  " (give them one size in the stage's augment, e.g. resize or random_crop, or use batch_size = 1)");
    images.push_back(s.image);
    masks.push_back(s.mask);
    if (s.clean_image.defined()) clean_images.push_back(s.clean_image);
    batch.ids.push_back(s.id);
  }
  batch.images = at::stack(images);
  batch.masks = at::stack(masks);
  if (clean_images.size() == samples.size()) batch.clean_images = at::stack(clean_images);
  return batch;
}

ModelOutput forward_padded(SegmentationModel& model, const at::Tensor& images) {
  const std::int64_t stride = model.input_stride();
  const std::int64_t h = images.size(2), w = images.size(3);
  const std::int64_t pad_h = (stride - h % stride) % stride, pad_w = (stride - w % stride) % stride;
  if (pad_h == 0 && pad_w == 0) return model.forward(images);
  auto out = model.forward(at::replication_pad2d(images, {0, pad_w, 0, pad_h}));
  out.logits = out.logits.slice(2, 0, h).slice(3, 0, w);
  return out;
}

at::Tensor predict_logits(SegmentationModel& model, const at::Tensor& images) {
  return forward_padded(model, images).logits;
}

}  // namespace crackkd::data
