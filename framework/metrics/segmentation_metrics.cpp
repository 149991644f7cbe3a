#include "metrics/segmentation_metrics.hpp"

#include <crackkd/error.hpp>

#include <ATen/ATen.h>

namespace crackkd::metrics {

std::vector<ImageScore> score_images(const at::Tensor& logits, const at::Tensor& masks, double threshold, double eps) {
  if (logits.sizes() != masks.sizes()) throw Error("score_images: logits and masks differ in shape");
  // sigmoid(z) > t  <=>  z > logit(t): no sigmoid needed.
  const double cut = std::log(threshold / (1.0 - threshold));
  const auto pred = logits.detach().gt(cut).flatten(1).to(at::kDouble).cpu();
  const auto gt = masks.detach().gt(0.5).flatten(1).to(at::kDouble).cpu();
  const auto intersection = (pred * gt).sum(1);
  const auto p = pred.sum(1), g = gt.sum(1);
  const auto dice = (2 * intersection + eps) / (p + g + eps);
  const auto iou = (intersection + eps) / (p + g - intersection + eps);
  std::vector<ImageScore> out(static_cast<std::size_t>(logits.size(0)));
  auto d = dice.accessor<double, 1>();
  auto u = iou.accessor<double, 1>();
  auto t = intersection.accessor<double, 1>();
  auto pa = p.accessor<double, 1>();
  auto ga = g.accessor<double, 1>();
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto k = static_cast<std::int64_t>(i);
    out[i] = {d[k], u[k], {t[k], pa[k] - t[k], ga[k] - t[k]}};
  }
  return out;
}

}  // namespace crackkd::metrics
