#pragma once
// Pipeline text shared by the tests of includes and of `extends`: one train stage with
// everything it refers to, on tiny synthetic data, and a way to find a line in it (the
// tests check that values keep the line they were written on).

#include <string>

namespace crackkd::test {

/// Datasets, a model and [stages.train] (epochs 5, lr 0.001, Dice loss).
inline const std::string kTrainStageText = R"([datasets.train]
plugin = "synthetic_cracks"
count = 4
size = 64

[models.unet]
plugin = "tiny_unet"
channels = [4, 8, 8, 8]

[stages.train]
kind = "train"
model = "unet"
data = "train"
epochs = 5
lr = 0.001
loss = { plugin = "dice" }
)";

/// The 1-based number of the first line of `text` that starts with `start`, 0 if none.
inline int line_starting(const std::string& text, const std::string& start) {
  int line = 1;
  for (std::size_t at = 0; at < text.size(); at = text.find('\n', at) + 1, ++line) {
    if (text.compare(at, start.size(), start) == 0) return line;
    if (text.find('\n', at) == std::string::npos) break;
  }
  return 0;
}

}  // namespace crackkd::test
