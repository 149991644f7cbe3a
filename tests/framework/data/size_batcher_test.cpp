// Batches of one image size, in order, never over the limit.

#include "data/size_batcher.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

using namespace crackkd;

namespace {
Sample of_side(std::int64_t side, const std::string& id) {
  return {at::zeros({3, side, side}), at::zeros({1, side, side}), id};
}
}  // namespace

TEST(SizeBatcher, GroupsConsecutiveSamplesOfOneSizeUpToTheLimit) {
  std::vector<std::vector<std::string>> batches;
  data::SizeBatcher batcher(2, [&](const Batch& b) { batches.push_back(b.ids); });
  for (const auto& [side, id] : std::vector<std::pair<int, std::string>>{
           {32, "a"}, {32, "b"}, {32, "c"}, {64, "d"}, {32, "e"}})
    batcher.add(of_side(side, id));
  EXPECT_EQ(batches.size(), 3u) << "the last batch waits for flush()";
  batcher.flush();
  batcher.flush();  // nothing left: no empty batch
  EXPECT_EQ(batches, (std::vector<std::vector<std::string>>{{"a", "b"}, {"c"}, {"d"}, {"e"}}));
}
