#include "engine/runner.hpp"

#include "distributed/process_group.hpp"
#include "engine/interrupt.hpp"
#include "io/content_hash.hpp"
#include "io/run_lock.hpp"

#include "pipeline/toml_params.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

namespace crackkd::engine {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Which run of a stage a stage.done file records: its first two lines (fingerprint, run
/// id), what a later stage depends on; the third (the build) is not.
std::string stage_run(const fs::path& done) {
  std::istringstream in(read_file(done));
  std::string print, run_id;
  in >> print >> run_id;
  return print + " " + run_id;
}

const std::string& host_binary_hash() {
  static const std::string hash = io::content_hash(read_file(boost::dll::program_location()));
  return hash;
}

// What a stage computes: the seed, the device, its options, its components' plugin names,
// declared versions, options and inputs, and the runs of the stages it reads. The code
// that computes it is kept apart (build_print): a rebuilt or reinstalled host must not
// throw away hours of finished training, so a new build alone never reruns a stage; it is
// reported instead. A plugin's declared version (`crackkd_add_plugin(... VERSION x.y.z)`,
// CrackKD's own for the first-party ones) is how its author says that its results change,
// so a bumped version does rerun the stages that use it.
std::string fingerprint(const pipeline::Pipeline& pipeline, const pipeline::StageConfig& stage, const StagePlan& plan,
                        host::PluginHost& host, const fs::path& run_dir) {
  std::ostringstream text;
  text << "seed " << pipeline.options.seed << "\ndevice " << pipeline.options.device << "\nkind " << stage.kind << "\n"
       << pipeline::to_toml(stage.params);
  for (const auto& [kind, config] : plan.components) {
    const ComponentEntry& entry = host.entry(kind, config.plugin);
    text << kind << "." << config.plugin << " " << (entry.version ? entry.version : "") << " {"
         << pipeline::to_toml(config.params) << "} " << entry.input_fingerprint(config.params) << "\n";
  }
  for (const auto& dep : plan.depends_on) text << "after " << dep << " " << stage_run(run_dir / dep / kStageDoneFile) << "\n";
  // Files from outside the pipeline count by their bytes: a checkpoint replaced at the
  // same path reruns the stages that read it.
  for (const auto& file : plan.input_files) text << "reads " << file.string() << " " << io::file_hash(file) << "\n";
  return io::content_hash(text.str());
}

/// The code a stage runs: the host binary and its components' plugin libraries.
std::string build_print(const StagePlan& plan, host::PluginHost& host) {
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

/// Adds `file` as a log sink for the lifetime of this object.
class LogFile {
 public:
  explicit LogFile(const fs::path& file) : sink_(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string())) {
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogFile() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }

 private:
  spdlog::sink_ptr sink_;
};

/// The stage print of a train/distill stage with [pipeline] seeds also holds the seed list,
/// so a changed list reruns the stage; each replicate's print holds its own seed only, so
/// replicates already finished are kept (replicate.done).
std::string with_seeds(const std::string& print, const pipeline::PipelineOptions& options) {
  if (options.seeds.empty()) return print;
  std::string list;
  for (const auto seed : options.seeds) list += " " + std::to_string(seed);
  return io::content_hash(print + "\nseeds" + list);
}

/// Runs a stage: once, or a train/distill stage once per replicate (stage.hpp). On the
/// other ranks of a data-parallel run `base.out_dir` is not written.
void run_stage(const StageKind& kind, StageContext& base, bool trains, distributed::ProcessGroup* group) {
  const bool main = !group || group->is_main();
  if (!trains || base.pipeline.options.seeds.empty()) return kind.run(base);
  const auto all = replicates(base.pipeline.options);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& r = all[i];
    pipeline::Pipeline seeded = base.pipeline;
    seeded.options.seed = r.seed;
    StageContext ctx{seeded, base.stage, base.host, base.run_dir, base.out_dir / r.folder,
                     io::content_hash(base.fingerprint + "\nreplicate " + std::to_string(r.seed)), base.build, r.folder};
    const fs::path done = ctx.out_dir / "replicate.done";
    const auto decide = [&]() -> std::string {
      std::istringstream previous(fs::exists(done) ? read_file(done) : "");
      std::string previous_print;
      previous >> previous_print;
      return previous_print == ctx.fingerprint ? "keep" : "run";
    };
    if ((group ? group->agree("replicate " + base.stage.name + " " + r.folder, decide) : decide()) == "keep") {
      if (main) spdlog::info("stage {}: seed {} was finished before, kept", base.stage.name, r.seed);
      continue;
    }
    if (main) {
      fs::create_directories(ctx.out_dir);
      fs::remove(done);
      spdlog::info("stage {}: seed {} ({} of {})", base.stage.name, r.seed, i + 1, all.size());
    }
    kind.run(ctx);
    if (main) std::ofstream(done) << ctx.fingerprint << "\n";
  }
}

}  // namespace

RunSummary run_pipeline(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                        const RunOptions& options) {
  RunSummary summary;
  summary.run_dir = options.workdir / pipeline.options.name;
  // Data-parallel runs: rank 0 decides which stages run and alone writes; the other ranks
  // join its training stages and skip the rest.
  auto* group = distributed::ProcessGroup::current();
  const bool main = !group || group->is_main();
  std::unique_ptr<io::RunLock> lock;
  std::unique_ptr<LogFile> log;
  if (main) {
    lock = std::make_unique<io::RunLock>(summary.run_dir);
    log = std::make_unique<LogFile>(summary.run_dir / "log.txt");
    spdlog::info("pipeline {} ({}): {} stages into {}{}", pipeline.options.name, pipeline.file.string(), plan.order.size(),
                 summary.run_dir.string(), group ? " on " + std::to_string(group->world_size()) + " ranks" : "");
  }
  for (const auto& name : plan.order) {
    // Ctrl-C during a stage without steps to stop at (a benchmark) stops before the next
    // one. Ranks of a data-parallel run agree on stopping inside training steps only: here
    // one rank could stop while another already waits for it.
    if (!group)
      throw_if_interrupted("pipeline " + pipeline.options.name + " before stage " + name +
                           " (run the same command again to go on)");
    const auto& stage = pipeline.stages.at(name);
    const fs::path out_dir = summary.run_dir / name;
    const fs::path done = out_dir / kStageDoneFile;
    std::string core, print, previous_build;
    const std::string build = build_print(plan.stages.at(name), host);
    const bool trains = stage.kind == "train" || stage.kind == "distill";
    const auto decide = [&]() -> std::string {
      core = fingerprint(pipeline, stage, plan.stages.at(name), host, summary.run_dir);
      print = trains ? with_seeds(core, pipeline.options) : core;
      if (options.force.count(name) || !fs::exists(done)) return "run";
      std::istringstream previous(read_file(done));
      std::string previous_print, run_id;
      previous >> previous_print >> run_id >> previous_build;
      return previous_print == print ? "skip" : "run";
    };
    const std::string decision = group ? group->agree("stage " + name, decide) : decide();
    if (decision == "skip") {
      if (main)
        spdlog::info("stage {} ({}) is up to date, skipped (--force {} reruns it){}", name, stage.kind, name,
                     previous_build == build ? "" : "; it was made by another build of crackkd or of its plugins");
      summary.skipped.push_back(name);
      continue;
    }
    if (!main) {
      if (trains) {
        StageContext context{pipeline, stage, host, summary.run_dir, out_dir,
                             group->agree("fingerprint " + name, [] { return std::string(); }), build};
        run_stage(*find_stage_kind(stage.kind), context, trains, group);
      }
      continue;
    }
    if (group && trains) group->agree("fingerprint " + name, [&] { return core; });
    fs::create_directories(out_dir);
    fs::remove(done);
    spdlog::info("stage {} ({}) starts", name, stage.kind);
    const auto started = std::chrono::steady_clock::now();
    StageContext context{pipeline, stage, host, summary.run_dir, out_dir, core, build};
    try {
      run_stage(*find_stage_kind(stage.kind), context, trains, group);
    } catch (const std::exception& e) {
      spdlog::error("stage {} failed: {}", name, e.what());  // also into log.txt, before the sink goes
      throw;
    }
    std::ofstream(done) << print << "\n" << new_run_id() << "\n" << build << "\n";
    spdlog::info("stage {} finished in {:.1f} s; outputs in {}", name,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), out_dir.string());
    summary.ran.push_back(name);
  }
  return summary;
}

}  // namespace crackkd::engine
