#pragma once
// A pipeline as read from its TOML file: the [pipeline] settings, the named datasets and
// models, and the stages. Loading checks the file's shape (known tables, a `plugin` in
// every component, a `kind` in every stage); `runner::validate_pipeline` checks the rest.

#include <crackkd/options.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace crackkd::pipeline {

/// The [pipeline] table.
struct PipelineOptions {
  std::string name;  ///< defaults to the file's stem
  std::string device = "auto";
  std::int64_t seed = 0;
  std::vector<std::int64_t> seeds;
  std::int64_t threads = 0;
  std::int64_t jobs = 1;
  static void declare(OptionSchema<PipelineOptions>& s) {
    s.optional("name", &PipelineOptions::name, "run folder name under the workdir; \"\" = the file's name without .toml");
    s.optional("device", &PipelineOptions::device, "where stages run; auto = CUDA when present")
        .one_of({"auto", "cpu", "cuda"});
    s.optional("seed", &PipelineOptions::seed, "seed of every random choice (order, augmentation, noise)");
    s.optional("seeds", &PipelineOptions::seeds,
               "train and distill stages run once per seed (into <stage>/seed-<s>/) and reports give mean ± std; "
               "[] = once, with `seed`");
    s.optional("threads", &PipelineOptions::threads,
               "CPU threads for LibTorch in each process; 0 = the hardware threads (OMP_NUM_THREADS when set), "
               "split over the jobs that run side by side")
        .in_range(0, 1024);
    s.optional("jobs", &PipelineOptions::jobs,
               "stages (and seeds of a stage) run side by side, each in a worker process; `crackkd run -j` overrides")
        .in_range(1, 256);
  }
  void check(const Params& params) const;
};

/// One [stages.NAME] table: its `kind` and the kind's options (everything else).
struct StageConfig {
  std::string name;
  std::string kind;
  Params params;
  SourceLocation where;       ///< of the stage's table
  SourceLocation kind_where;  ///< of its `kind` value
};

struct Pipeline {
  std::filesystem::path file;
  PipelineOptions options;
  std::map<std::string, ComponentConfig> datasets;
  std::map<std::string, ComponentConfig> models;
  std::map<std::string, ComponentConfig> noises;  ///< [noises.NAME]: noise components stages refer to
  std::map<std::string, StageConfig> stages;
};

/// Reads `file`, applies `overrides` (`a.b.c=value`) and splits it into its parts.
/// Throws ConfigError (`file:line:col: message`) on any malformed part.
Pipeline load_pipeline(const std::filesystem::path& file, const std::vector<std::string>& overrides);

}  // namespace crackkd::pipeline
