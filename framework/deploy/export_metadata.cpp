#include "deploy/export_metadata.hpp"

#include "io/json_text.hpp"

#include <cstdio>
#include <sstream>

namespace crackkd::deploy {

namespace {

const auto quoted = io::json_quoted;

/// [1, 3, 448, 448]; a dynamic shape has null for the batch, height and width.
std::string shape_json(const InputShape& s, std::int64_t channels) {
  if (s.dynamic) return "[null, " + std::to_string(channels) + ", null, null]";
  return "[" + std::to_string(s.batch) + ", " + std::to_string(channels) + ", " + std::to_string(s.height) + ", " +
         std::to_string(s.width) + "]";
}

/// The tile [H, W]: the input's fixed sides, or crackkd infer's default tile for a dynamic export.
std::string tile_json(const ExportMetadata& m) {
  if (m.input.dynamic) return "[448, 448]";
  return "[" + std::to_string(m.input.height) + ", " + std::to_string(m.input.width) + "]";
}

}  // namespace

std::string shape_text(const InputShape& s, std::int64_t size_multiple) {
  if (s.dynamic) return "Nx3xHxW (H, W multiples of " + std::to_string(size_multiple) + ")";
  return std::to_string(s.batch) + "x3x" + std::to_string(s.height) + "x" + std::to_string(s.width);
}

std::string to_json(const ExportMetadata& m) {
  std::ostringstream j;
  j << "{\n  \"format\": \"crackkd-export-1\",\n  \"crackkd_version\": " << quoted(CRACKKD_VERSION) << ",\n"
    << "  \"model\": {\"plugin\": " << quoted(m.model_plugin) << ", \"options\": " << quoted(m.model_options)
    << ", \"epoch\": " << m.epoch << "},\n"
    << "  \"source\": {\"checkpoint\": " << quoted(m.checkpoint) << ", \"trained_by\": " << quoted(m.origin) << "},\n"
    << "  \"input\": {\"name\": \"images\", \"shape\": " << shape_json(m.input, 3)
    << ", \"dynamic\": " << (m.input.dynamic ? "true" : "false") << ", \"size_multiple\": " << m.size_multiple
    << ", \"dtype\": \"float32\", \"layout\": \"NCHW\", \"channels\": \"RGB\", \"range\": [0, 1],"
    << " \"normalization\": \"pixel / 255, no mean or std subtracted\","
    << " \"other_sizes\": \"in tiles, as \\\"tiling\\\" says\"},\n"
    << "  \"tiling\": {\"tile\": " << tile_json(m) << ", \"overlap\": " << m.tile_overlap
    << ", \"padding\": \"repeat the border pixels at the bottom and right, to multiples of size_multiple and to at "
       "least one tile each way\", \"starts\": \"0, then every tile - overlap pixels, the last tile ending on the "
       "padded border\", \"blending\": \"per axis, on a side shared with another tile: weight 0 over the outer "
       "quarter of the overlap, rising linearly to 1 over its middle half; a pixel's probability is the weighted "
       "mean of its tiles' sigmoid(logit)\", \"crop\": \"back to the photo's size\"},\n"
    << "  \"output\": {\"name\": \"logits\", \"shape\": " << shape_json(m.input, 1)
    << ", \"meaning\": \"crack logit per pixel: sigmoid(logit) > threshold is crack\"},\n"
    << "  \"threshold\": " << m.threshold << ",\n"
    << "  \"threshold_from\": " << quoted(m.threshold_from) << "\n}\n";
  return j.str();
}

}  // namespace crackkd::deploy
