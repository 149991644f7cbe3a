#include "runner/fingerprint.hpp"

#include "io/content_hash.hpp"
#include "pipeline/toml_params.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

namespace crackkd::runner {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string& host_binary_hash() {
  static const std::string hash = io::content_hash(read_file(boost::dll::program_location()));
  return hash;
}

}  // namespace

StageDone read_stage_done(const fs::path& file) {
  std::istringstream in(read_file(file));
  StageDone done;
  in >> done.fingerprint >> done.run_id >> done.build;
  return done;
}

std::string stage_fingerprint(const pipeline::Pipeline& pipeline, const pipeline::StageConfig& stage,
                              const stages::StagePlan& plan, host::PluginHost& host, const fs::path& run_dir) {
  std::ostringstream text;
  text << "seed " << pipeline.options.seed << "\ndevice " << pipeline.options.device << "\nkind " << stage.kind << "\n"
       << pipeline::to_toml(stage.params);
  for (const auto& [kind, config] : plan.components) {
    const ComponentEntry& entry = host.entry(kind, config.plugin);
    text << kind << "." << config.plugin << " " << (entry.version ? entry.version : "") << " {"
         << pipeline::to_toml(config.params) << "} " << entry.input_fingerprint(config.params) << "\n";
  }
  // A stage read counts by its run (fingerprint and run id), not its build.
  for (const auto& dep : plan.depends_on) {
    const StageDone done = read_stage_done(run_dir / dep / results::kStageDone);
    text << "after " << dep << " " << done.fingerprint << " " << done.run_id << "\n";
  }
  // Files from outside the pipeline count by their bytes: a checkpoint replaced at the
  // same path reruns the stages that read it.
  for (const auto& file : plan.input_files) text << "reads " << file.string() << " " << io::file_hash(file) << "\n";
  return io::content_hash(text.str());
}

std::string done_fingerprint(const std::string& fingerprint, const stages::StagePlan& plan, const pipeline::PipelineOptions& options) {
  if (!plan.can(stages::Capability::RunsPerSeed) || options.seeds.empty()) return fingerprint;
  std::string list;
  for (const auto seed : options.seeds) list += " " + std::to_string(seed);
  return io::content_hash(fingerprint + "\nseeds" + list);
}

std::string build_fingerprint(const stages::StagePlan& plan, host::PluginHost& host) {
  std::ostringstream text;
  text << "host " << host_binary_hash() << "\n";
  for (const auto& [kind, config] : plan.components)
    text << kind << "." << config.plugin << " " << host.library_of(kind, config.plugin).content_hash << "\n";
  return io::content_hash(text.str());
}

std::string new_run_id() {
  std::random_device device;
  return std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "-" + std::to_string(device());
}

}  // namespace crackkd::runner
