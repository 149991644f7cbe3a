#pragma once
// The measures crack papers and crack benchmarks report, per image, beside the exact
// pixel counts: each image's record keeps what a data-set figure needs, so the data set's
// figures and their bootstrap intervals are sums and means over records
// (metrics/dataset_measures.hpp).
//
//   tolerance     a predicted crack pixel is correct when an annotated one lies within τ
//                 pixels (Euclidean, the disk x² + y² ≤ τ²), an annotated pixel is found
//                 when a predicted one lies within τ: precision = correct / predicted,
//                 recall = found / annotated, F1 their harmonic mean; the same at each
//                 threshold of the sweep (ODS, OIS, AP). Every pixel within τ counts: unlike
//                 BSDS, which matches predicted and annotated pixels one to one (a
//                 prediction three pixels thick around a one-pixel annotation has BSDS
//                 precision near 1/3, here 1). τ = 0 gives the exact counts.
//   clDice        (Shit et al., CVPR 2021) the predicted skeleton's share inside the
//                 annotated mask (Tprec) and the annotated skeleton's share inside the
//                 prediction (Tsens), 2·Tprec·Tsens / (Tprec + Tsens); skeletons by
//                 Guo-Hall thinning (Zhang-Suen erases a crack two pixels thick along a
//                 diagonal down to two pixels).
//   clIoU         centerline IoU at a tolerance, as OmniCrack30k's evaluation.py defines
//                 it (github.com/ben-z-original/omnicrack30k, src/omnicrack30k/
//                 evaluation.py): on the two skeletons, TP = annotated skeleton pixels
//                 within τc of the predicted skeleton, FP = predicted skeleton pixels
//                 farther than τc from the annotated one, FN = the other annotated
//                 skeleton pixels; TP / (TP + FP + FN). OmniCrack30k thins with
//                 scikit-image's `thin`, Guo and Hall's algorithm, as here.
//   boundary F1   (Csurka et al., BMVC 2013) the tolerance F1 of the two masks' boundaries
//                 (mask pixels with a 4-neighbour outside the mask; the photo's edge is
//                 not a boundary).
//   crack-free    on an image whose mask is empty: whether any predicted crack remains
//                 after dropping components (8-connected) under `min_crack_area` pixels,
//                 and how many pixels it covers.
//
// Empty conventions, as for the exact measures (metrics/precision_recall.hpp): precision with
// nothing predicted = 1, recall with nothing annotated = 1; F1, clDice, clIoU and boundary
// F1 = 1 when both sides are empty and 0 when exactly one is.

#include "metrics/precision_recall.hpp"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace crackkd::metrics {

/// How far a match may lie: `value` pixels, or `value` times the image's diagonal.
struct Tolerance {
  double value = 2.0;
  bool of_diagonal = false;
  double pixels(std::int64_t rows, std::int64_t cols) const;
  std::string describe() const;  ///< "2 px", "0.0075 x diagonal"
};

/// Centerline counts (clIoU).
struct CenterlineCounts {
  double tp = 0, fp = 0, fn = 0;
  CenterlineCounts& operator+=(const CenterlineCounts& o) { tp += o.tp, fp += o.fp, fn += o.fn; return *this; }
  double iou() const { return tp + fp + fn > 0 ? tp / (tp + fp + fn) : 1.0; }
};

struct MeasureOptions {
  double threshold = 0.5;
  Tolerance tolerance;                ///< the tolerance measures and boundary F1
  double centerline_tolerance = 4.0;  ///< pixels, clIoU
  std::int64_t min_crack_area = 0;    ///< pixels; smaller predicted components are not a crack on a crack-free image
};

/// One image's record.
struct ImageMeasures {
  ImageScore exact;                        ///< Dice, IoU and counts at the threshold
  std::vector<PixelCounts> exact_sweep;    ///< at each sweep threshold
  MatchCounts tolerant;                    ///< at the threshold
  std::vector<MatchCounts> tolerant_sweep; ///< at each sweep threshold
  double cl_dice = 1;
  CenterlineCounts centerline;
  MatchCounts boundary;
  bool crack_free = false;                 ///< the mask is empty
  double kept_crack_pixels = 0;            ///< predicted, in components of at least min_crack_area
  double pixels = 0;                       ///< the image's size
};

/// The records of a batch: `logits` and `masks` are Nx1xHxW ({0, 1} masks).
std::vector<ImageMeasures> measure_images(const at::Tensor& logits, const at::Tensor& masks,
                                          const MeasureOptions& options);

}  // namespace crackkd::metrics
