#pragma once
// What the export tests share: float32 tensor files that the independent runtimes read
// and write, and where those runtimes are.

#include "test_support.hpp"

#include <torch/torch.h>

#include <fstream>
#include <iterator>

namespace crackkd::test {

/// `t` as raw float32 values in NCHW order.
inline void write_floats(const fs::path& file, const at::Tensor& t) {
  const auto values = t.to(torch::kFloat).contiguous();
  std::ofstream(file, std::ios::binary)
      .write(static_cast<const char*>(values.data_ptr()), static_cast<std::streamsize>(values.nbytes()));
}

/// The largest |expected - values in file|; infinity when the file holds another count.
inline double max_difference(const at::Tensor& expected, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() != static_cast<std::size_t>(expected.numel()) * sizeof(float)) return INFINITY;
  const auto got = torch::from_blob(bytes.data(), expected.sizes(), torch::kFloat);
  return (expected.to(torch::kFloat) - got).abs().max().item<double>();
}

/// Raw float32 values from `file` as a tensor of `sizes`; empty (undefined) when the file
/// holds another count.
inline at::Tensor read_floats(const fs::path& file, const std::vector<std::int64_t>& sizes) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::int64_t count = 1;
  for (const auto s : sizes) count *= s;
  if (bytes.size() != static_cast<std::size_t>(count) * sizeof(float)) return {};
  return torch::from_blob(bytes.data(), sizes, torch::kFloat).clone();
}

/// max(1, max |t|): tolerances are relative to the logits' size.
inline double scale_of(const at::Tensor& t) { return std::max(1.0, t.abs().max().item<double>()); }

inline fs::path deploy_helper(const std::string& name) { return source_dir() / "tests/framework/deploy" / name; }
/// node with the npm packages `make` installs (onnxruntime-node, pngjs) on its path.
inline std::string node_command() { return "NODE_PATH=" + node_modules().string() + " node"; }

}  // namespace crackkd::test
