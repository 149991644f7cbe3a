// The crack-paper measures against an independent brute-force implementation in Python
// (image_measures_reference.py: every pixel pair compared, its own Zhang-Suen thinning)
// on small random crack-like images.

#include "metrics/image_measures.hpp"
#include "test_files.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

using namespace crackkd::metrics;

namespace {

/// A wandering crack 1 to 3 pixels wide across a rows x cols image.
at::Tensor wandering_crack(int rows, int cols, std::mt19937& rng) {
  auto mask = at::zeros({rows, cols});
  int y = static_cast<int>(rng() % rows);
  const int width = 1 + static_cast<int>(rng() % 3);
  for (int x = 0; x < cols; ++x) {
    y = std::clamp(y + static_cast<int>(rng() % 3) - 1, 0, rows - 1);
    for (int w = 0; w < width && y + w < rows; ++w) mask[y + w][x] = 1;
  }
  return mask;
}

}  // namespace

TEST(ImageMeasuresReference, AgreeWithABruteForcePythonReading) {
  constexpr int kImages = 4, kRows = 14, kCols = 18;
  std::mt19937 rng(11);
  at::manual_seed(11);
  auto masks = at::zeros({kImages, 1, kRows, kCols}), logits = at::zeros({kImages, 1, kRows, kCols});
  for (int i = 0; i < kImages; ++i) {
    masks[i][0] = wandering_crack(kRows, kCols, rng);
    // The prediction: the crack moved by up to 3 pixels, with noise that makes specks and gaps.
    const auto moved = at::roll(masks[i][0], {i % 4, (i + 1) % 3}, {0, 1});
    logits[i][0] = (moved * 2 - 1) * 3 + at::randn({kRows, kCols}) * 2.5;
  }
  if (kImages > 3) masks[3].zero_();  // a crack-free image with false alarms
  MeasureOptions o;
  o.tolerance = {2, false};
  o.centerline_tolerance = 3;
  const auto ours = measure_images(logits, masks, o);

  crackkd::test::TempDir dir;
  {
    std::ofstream in(dir.path / "input.txt");
    in << kImages << ' ' << kRows << ' ' << kCols << " 2 3 0.5\n";
    in.precision(17);  // each float exactly, as the double CrackKD compares
    for (int i = 0; i < kImages; ++i) {
      for (int y = 0; y < kRows; ++y, in << '\n')
        for (int x = 0; x < kCols; ++x) in << static_cast<double>(logits[i][0][y][x].item<float>()) << ' ';
      for (int y = 0; y < kRows; ++y, in << '\n')
        for (int x = 0; x < kCols; ++x) in << masks[i][0][y][x].item<float>() << ' ';
    }
  }
  const auto script = crackkd::test::source_dir() / "tests/framework/metrics/image_measures_reference.py";
  const std::string command = crackkd::test::torch_python() + " " + script.string() + " " +
                              (dir.path / "input.txt").string() + " " + (dir.path / "output.txt").string();
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  std::ifstream out(dir.path / "output.txt");
  for (int i = 0; i < kImages; ++i) {
    std::string line;
    ASSERT_TRUE(std::getline(out, line)) << "image " << i;
    std::istringstream f(line);
    const auto read_match = [&] {
      MatchCounts c;
      f >> c.matched_predicted >> c.predicted >> c.matched_truth >> c.truth;
      return c;
    };
    const auto expect_match = [&](const MatchCounts& mine, const MatchCounts& theirs, const std::string& what) {
      EXPECT_EQ(mine.matched_predicted, theirs.matched_predicted) << what << ", image " << i;
      EXPECT_EQ(mine.predicted, theirs.predicted) << what << ", image " << i;
      EXPECT_EQ(mine.matched_truth, theirs.matched_truth) << what << ", image " << i;
      EXPECT_EQ(mine.truth, theirs.truth) << what << ", image " << i;
    };
    const auto& m = ours[static_cast<std::size_t>(i)];
    expect_match(m.tolerant, read_match(), "tolerance counts");
    double cl_dice = 0;
    CenterlineCounts centerline;
    f >> cl_dice >> centerline.tp >> centerline.fp >> centerline.fn;
    EXPECT_NEAR(m.cl_dice, cl_dice, 1e-12) << "image " << i;
    EXPECT_EQ(m.centerline.tp, centerline.tp) << "image " << i;
    EXPECT_EQ(m.centerline.fp, centerline.fp) << "image " << i;
    EXPECT_EQ(m.centerline.fn, centerline.fn) << "image " << i;
    expect_match(m.boundary, read_match(), "boundary counts");
    for (std::size_t k = 0; k < m.tolerant_sweep.size(); ++k)
      expect_match(m.tolerant_sweep[k], read_match(), "sweep threshold " + std::to_string(k + 1) + " %");
    EXPECT_TRUE(f) << "image " << i << ": the reference wrote fewer fields";
  }
}
