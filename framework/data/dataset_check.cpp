#include "data/dataset_check.hpp"

#include "data/batch_check.hpp"
#include "io/content_hash.hpp"
#include "io/json_text.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

namespace crackkd::data {

namespace {

constexpr std::size_t kProblemsShown = 20;

std::string image_hash(const at::Tensor& image) {
  const auto bytes = image.contiguous();
  return io::content_hash(std::string_view(static_cast<const char*>(bytes.data_ptr()), bytes.nbytes()));
}

void record_sizes(DatasetCheck& c, const Sample& s, std::size_t index,
                  std::set<std::pair<std::int64_t, std::int64_t>>& sizes) {
  const std::int64_t h = s.image.size(1), w = s.image.size(2);
  if (sizes.emplace(h, w).second && c.size_examples.size() < 16) c.size_examples.push_back(index);
  const bool first = c.read == 0;
  c.min_height = first ? h : std::min(c.min_height, h), c.max_height = first ? h : std::max(c.max_height, h);
  c.min_width = first ? w : std::min(c.min_width, w), c.max_width = first ? w : std::max(c.max_width, w);
  if (std::find(c.channels.begin(), c.channels.end(), s.image.size(0)) == c.channels.end())
    c.channels.push_back(s.image.size(0));
}

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f %%", 100 * share);
  return text;
}

std::string sizes_text(const DatasetCheck& c) {
  if (c.read == 0) return "-";
  const auto one = width_x_height;
  const bool same = c.min_height == c.max_height && c.min_width == c.max_width;
  return same ? one(c.min_height, c.min_width)
              : one(c.min_height, c.min_width) + " … " + one(c.max_height, c.max_width);
}

std::string channels_text(const DatasetCheck& c) {
  std::string text;
  for (const auto n : c.channels) text += (text.empty() ? "" : ", ") + std::to_string(n);
  return text.empty() ? "-" : text;
}

}  // namespace

DatasetCheck check_dataset(const std::string& name, const std::string& plugin, const Dataset& dataset,
                           std::map<std::string, std::string>& seen) {
  DatasetCheck c{name, plugin, dataset.mask_convention(), dataset.size()};
  double crack = 0, pixels = 0;
  std::set<std::pair<std::int64_t, std::int64_t>> sizes;
  for (std::size_t i = 0; i < c.samples; ++i) {
    Sample s;
    try {
      s = dataset.get(i);
    } catch (const std::exception& e) {
      c.problems.push_back(std::string(e.what()).substr(0, std::string(e.what()).find('\n')));
      continue;
    }
    if (s.mask.size(1) != s.image.size(1) || s.mask.size(2) != s.image.size(2)) {
      c.problems.push_back(s.id + ": mask and image differ in size: image " + width_x_height(s.image.size(1), s.image.size(2)) +
                           ", mask " + width_x_height(s.mask.size(1), s.mask.size(2)) + " (width x height)");
      continue;
    }
    const auto [first, inserted] = seen.emplace(image_hash(s.image), name + ": " + s.id);
    if (!inserted) {
      c.problems.push_back(name + ": " + s.id + " is the same image as " + first->second);
      ++c.duplicates;
    }
    record_sizes(c, s, i, sizes);
    ++c.read;
    const double in_mask = s.mask.sum().item<double>();
    crack += in_mask, pixels += static_cast<double>(s.mask.numel());
    if (in_mask == 0) ++c.empty_masks;
  }
  c.crack_share = pixels > 0 ? crack / pixels : 0;
  return c;
}

std::string check_table(const std::vector<DatasetCheck>& checks) {
  std::ostringstream out;
  out << "| dataset | plugin | images | read | size (W x H) | channels | masks | crack share | empty masks | problems |\n"
      << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& c : checks)
    out << "| " << c.name << " | " << c.plugin << " | " << c.samples << " | " << c.read << " | " << sizes_text(c)
        << " | " << channels_text(c) << " | " << (c.masks.empty() ? "-" : c.masks) << " | " << percent(c.crack_share)
        << " | " << c.empty_masks << " | " << c.problems.size() << " |\n";
  for (const auto& c : checks) {
    if (c.problems.empty()) continue;
    out << "\n" << c.name << ": " << c.problems.size() << (c.problems.size() == 1 ? " problem" : " problems") << "\n";
    for (std::size_t i = 0; i < std::min(c.problems.size(), kProblemsShown); ++i) out << "  " << c.problems[i] << "\n";
    if (c.problems.size() > kProblemsShown) out << "  and " << c.problems.size() - kProblemsShown << " more\n";
  }
  return out.str();
}

std::string check_json(const std::vector<DatasetCheck>& checks) {
  std::ostringstream out;
  out << "[";
  for (std::size_t k = 0; k < checks.size(); ++k) {
    const auto& c = checks[k];
    out << (k ? ",\n " : "\n ") << "{\"dataset\": " << io::json_quoted(c.name)
        << ", \"plugin\": " << io::json_quoted(c.plugin) << ", \"masks\": " << io::json_quoted(c.masks)
        << ", \"images\": " << c.samples << ", \"read\": " << c.read
        << ", \"height\": [" << c.min_height << ", " << c.max_height << "], \"width\": [" << c.min_width << ", "
        << c.max_width << "], \"channels\": [" << (c.channels.empty() ? "" : channels_text(c))
        << "], \"crack_share\": " << c.crack_share
        << ", \"empty_masks\": " << c.empty_masks << ", \"problems\": [";
    for (std::size_t i = 0; i < c.problems.size(); ++i) out << (i ? ", " : "") << io::json_quoted(c.problems[i]);
    out << "]}";
  }
  out << "\n]\n";
  return out.str();
}

}  // namespace crackkd::data
