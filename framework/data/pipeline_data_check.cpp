#include "data/pipeline_data_check.hpp"

#include "io/content_hash.hpp"
#include "io/durable_file.hpp"
#include "pipeline/toml_params.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

namespace crackkd::data {

namespace fs = std::filesystem;

namespace {

/// `config` with `cache = false` when its plugin has that option: every bad file gets
/// listed instead of the first one stopping the dataset's cache.
ComponentConfig without_cache(host::PluginHost& host, ComponentConfig config) {
  for (const auto& option : host.entry("dataset", config.plugin).options())
    if (option.key == "cache") config.params.set("cache", Value::of_bool(false, config.where));
  return config;
}

DatasetCheck check_one(host::PluginHost& host, const std::string& name, const ComponentConfig& config,
                       std::map<std::string, std::string>& seen, const std::vector<BatchNeed>& needs) {
  std::shared_ptr<Dataset> dataset;
  try {
    dataset = host.create<Dataset>("dataset", without_cache(host, config));
  } catch (const std::exception& e) {  // no such folder, unpaired files, …: the dataset cannot open
    DatasetCheck failed{name, config.plugin};
    failed.problems.push_back(e.what());
    return failed;
  }
  spdlog::info("checking dataset {} ({} samples)", name, dataset->size());
  auto check = check_dataset(name, config.plugin, *dataset, seen);
  for (const auto& need : needs) {
    if (need.data != name) continue;
    try {
      const auto problem = check_batch_sizes(need, *dataset, check.size_examples, host);
      if (!problem.empty()) check.problems.push_back(problem);
    } catch (const std::exception& e) {  // an augment that fails on a sample: the run would fail there too
      check.problems.push_back("stages." + need.stage + "'s augment: " + e.what());
    }
  }
  return check;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::string text;
  std::getline(in, text);
  return text;
}

/// "train: 169 images, 224x224 to 224x224 (width x height), crack 4.12 %, masks 0/255: crack = value >= 128".
void log_summary(const DatasetCheck& c) {
  spdlog::info("data {}: {} images, {} to {} (width x height), crack {:.2f} %, {} empty masks{}", c.name, c.samples,
               width_x_height(c.min_height, c.min_width), width_x_height(c.max_height, c.max_width),
               100 * c.crack_share, c.empty_masks, c.masks.empty() ? "" : ", masks " + c.masks);
}

bool is_duplicate(const std::string& problem) { return problem.find(" is the same image as ") != std::string::npos; }

/// The problems that stop a run (unreadable or unpaired files, masks of another size),
/// the first three in full.
std::string problems_text(const std::vector<DatasetCheck>& checks) {
  std::string text;
  std::size_t count = 0;
  for (const auto& c : checks)
    for (const auto& problem : c.problems)
      if (!is_duplicate(problem) && ++count <= 3) text += "\n  " + c.name + ": " + problem;
  if (count > 3) text += "\n  and " + std::to_string(count - 3) + " more";
  return std::to_string(count) + (count == 1 ? " problem" : " problems") + text;
}

}  // namespace

std::vector<DatasetCheck> check_pipeline_data(const pipeline::Pipeline& pipeline, host::PluginHost& host,
                                              const std::vector<BatchNeed>& needs) {
  std::vector<DatasetCheck> checks;
  std::map<std::string, std::string> seen;  // image hash -> the sample that first had it
  for (const auto& [name, config] : pipeline.datasets) checks.push_back(check_one(host, name, config, seen, needs));
  return checks;
}

/// Duplicated images do not stop a run (a copy in one split is harmless, across splits it
/// flatters the scores): they are warned about, each once.
void warn_duplicates(const std::vector<DatasetCheck>& checks) {
  for (const auto& c : checks)
    if (c.duplicates > 0)
      spdlog::warn("data {}: {} image{} seen before, e.g. {} (crackkd check lists them)", c.name, c.duplicates,
                   c.duplicates == 1 ? " is" : "s are", [&] {
                     for (const auto& p : c.problems)
                       if (is_duplicate(p)) return p;
                     return std::string();
                   }());
}

bool stops_a_run(const std::vector<DatasetCheck>& checks) {
  for (const auto& c : checks)
    if (c.problems.size() > c.duplicates) return true;
  return false;
}

bool has_problems(const std::vector<DatasetCheck>& checks) {
  for (const auto& c : checks)
    if (!c.problems.empty()) return true;
  return false;
}

std::string data_fingerprint(const pipeline::Pipeline& pipeline, host::PluginHost& host, const std::vector<BatchNeed>& needs) {
  std::ostringstream text;
  for (const auto& [name, config] : pipeline.datasets) {
    const ComponentEntry& entry = host.entry("dataset", config.plugin);
    text << name << " dataset." << config.plugin << " " << (entry.version ? entry.version : "") << " {"
         << pipeline::to_toml(config.params) << "} " << entry.input_fingerprint(config.params) << "\n";
  }
  for (const auto& need : needs) {
    text << "batches " << need.stage << " " << need.data << " " << need.batch_size;
    for (const auto& a : need.augment) text << " " << a.plugin << " {" << pipeline::to_toml(a.params) << "}";
    text << "\n";
  }
  return io::content_hash(text.str());
}

void check_data_before_run(const pipeline::Pipeline& pipeline, host::PluginHost& host, const fs::path& record,
                           const std::vector<BatchNeed>& needs) {
  const std::string fingerprint = data_fingerprint(pipeline, host, needs);
  if (fs::exists(record) && read_text(record) == fingerprint) {
    spdlog::info("data: unchanged since it was last checked ({} datasets)", pipeline.datasets.size());
    return;
  }
  const auto checks = check_pipeline_data(pipeline, host, needs);
  for (const auto& c : checks) log_summary(c);
  warn_duplicates(checks);
  if (stops_a_run(checks))
    throw Error("the data check of " + pipeline.file.string() + " found " + problems_text(checks) +
                "\n`crackkd check " + pipeline.file.string() + "` lists them all; `crackkd run --no-data-check` runs "
                "anyway");
  std::error_code ec;  // a run folder that cannot be made is the run lock's to report
  fs::create_directories(record.parent_path(), ec);
  if (!ec) io::write_atomically(record, fingerprint + "\n");
}

}  // namespace crackkd::data
