#pragma once
// What `crackkd check` finds in a dataset: every sample read once, through the dataset's
// own plugin (so any plugin is checked, not only folders), with the figures a user needs
// before training (sizes, channels, crack share, empty masks) and every problem found
// (a sample that cannot be read, a mask of another size, the same image twice, within a
// dataset or across them), each named by the sample. Sizes are width x height.

#include <crackkd/dataset.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace crackkd::data {

struct DatasetCheck {
  std::string name;    ///< "train", as the pipeline names it
  std::string plugin;  ///< "folder"
  std::string masks;   ///< how the dataset reads its masks ("0/1: crack = 1"), or ""
  std::size_t samples = 0;  ///< the dataset's size
  std::size_t read = 0;     ///< samples read without an error
  std::int64_t min_height = 0, max_height = 0, min_width = 0, max_width = 0;
  std::vector<std::int64_t> channels;  ///< distinct image channel counts
  std::vector<std::size_t> size_examples;  ///< the first sample of each distinct size (16 at most)
  double crack_share = 0;              ///< crack pixels / all mask pixels read
  std::size_t empty_masks = 0;
  std::vector<std::string> problems;   ///< one line each
  std::size_t duplicates = 0;          ///< of the problems, images seen before (the rest stop a run)
};

/// Reads every sample of `dataset`. `seen` maps an image's content hash to the sample
/// ("train: a.png") that first had it; pass the same map for every dataset of a pipeline
/// to find duplicates across them.
DatasetCheck check_dataset(const std::string& name, const std::string& plugin, const Dataset& dataset,
                           std::map<std::string, std::string>& seen);

/// One table row per dataset, then each dataset's problems (the first 20, then a count).
std::string check_table(const std::vector<DatasetCheck>& checks);
/// The same as a JSON array of objects.
std::string check_json(const std::vector<DatasetCheck>& checks);

}  // namespace crackkd::data
