// `crackkd check PIPELINE`: opens every dataset the pipeline declares and reads every
// sample once (data/dataset_check.hpp), so a wrong root, an unreadable file, a mask of
// another size or an image in two splits shows up before any training. Datasets that
// cache are opened without their cache, so that every bad file is listed instead of the
// first one stopping the dataset. Exit code 1 when a problem was found.

#include "app/commands.hpp"
#include "app/host_setup.hpp"
#include "data/dataset_check.hpp"
#include "pipeline/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

namespace crackkd::app {

namespace {

/// `config` with `cache = false` when its plugin has that option.
ComponentConfig without_cache(host::PluginHost& host, ComponentConfig config) {
  for (const auto& option : host.entry("dataset", config.plugin).options())
    if (option.key == "cache") config.params.set("cache", Value::of_bool(false, config.where));
  return config;
}

data::DatasetCheck check_one(host::PluginHost& host, const std::string& name, const ComponentConfig& config,
                             std::map<std::string, std::string>& seen) {
  std::shared_ptr<Dataset> dataset;
  try {
    dataset = host.create<Dataset>("dataset", without_cache(host, config));
  } catch (const std::exception& e) {  // no such folder, unpaired files, …: the dataset cannot open
    data::DatasetCheck failed{name, config.plugin};
    failed.problems.push_back(e.what());
    return failed;
  }
  spdlog::info("checking dataset {} ({} samples)", name, dataset->size());
  return data::check_dataset(name, config.plugin, *dataset, seen);
}

}  // namespace

int check_command(const Common& common, const CheckArgs& args) {
  auto host = scanned_host(common);
  // The datasets only: a pipeline whose teacher is not trained yet can have its data checked.
  const auto pipeline = pipeline::load_pipeline(args.pipeline, args.overrides);
  std::vector<data::DatasetCheck> checks;
  std::map<std::string, std::string> seen;
  for (const auto& [name, config] : pipeline.datasets) checks.push_back(check_one(*host, name, config, seen));
  std::cout << (args.json ? data::check_json(checks) : data::check_table(checks)) << std::flush;
  for (const auto& c : checks)
    if (!c.problems.empty()) return 1;
  return 0;
}

}  // namespace crackkd::app
