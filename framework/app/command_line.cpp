#include "app/command_line.hpp"

#include <crackkd/error.hpp>
#include <crackkd/params.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>

namespace crackkd::app {

namespace {

/// The arguments every pipeline command takes: the file and --set overrides.
void add_pipeline_arguments(CLI::App* command, std::filesystem::path& file, std::vector<std::string>& sets) {
  command->add_option("pipeline", file, "pipeline TOML file")->required();
  command->add_option("--set", sets, "override a value: a.b.c=value (repeatable)");
}

/// The first word that is not a global option: the subcommand as typed, or "".
std::string typed_subcommand(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--plugin-path" || a == "--log-level") ++i;
    else if (a.empty() || a.front() != '-') return a;
  }
  return "";
}

}  // namespace

const CLI::Validator& finite_number() {
  static const CLI::Validator finite(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (end != text.c_str() && *end == '\0' && !std::isfinite(value))
          return "'" + text + "' is not a finite number";
        return "";
      },
      "FINITE");
  return finite;
}

std::optional<int> parse_command_line(CommandLine& command_line, int argc, char** argv) {
  CLI::App& app = command_line.app();
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  const std::string word = typed_subcommand(argc, argv);
  if (!word.empty() && std::find(names.begin(), names.end(), word) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    std::cerr << "error: unknown command '" << word << "'" << did_you_mean(word, names) << "; the commands are " << list
              << " (crackkd --help)" << std::endl;
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "error: " << e.what() << " (crackkd " << (word.empty() ? "" : word + " ") << "--help)" << std::endl;
    return 2;
  }
  return std::nullopt;
}

void add_launch_options(CLI::App& command, LaunchArgs& launch) {
  command.add_option("--nproc", launch.nproc, "data-parallel worker processes on this host (Gloo on CPU)")
      ->check(CLI::Range(1, 1024));
  command.add_option("--nnodes", launch.nnodes, "hosts taking part (each runs crackkd run … --nproc N)")
      ->check(CLI::Range(1, 4096));
  command.add_option("--node-rank", launch.node_rank, "this host's index among the --nnodes")->check(CLI::Range(0, 4095));
  command.add_option("--master", launch.master, "ADDR:PORT of rank 0's rendezvous (MASTER_ADDR, MASTER_PORT)");
}

std::vector<std::string> worker_arguments(int argc, char** argv) {
  // The same declarations, every other argument kept in order as an extra.
  CLI::App launcher;
  launcher.allow_extras();
  launcher.prefix_command(false);
  LaunchArgs ignored;
  add_launch_options(launcher, ignored);
  launcher.parse(argc, argv);
  return launcher.remaining();
}

CommandLine::CommandLine() {
  app_.require_subcommand(1);
  app_.set_version_flag("--version", std::function<std::string()>(version_text));  // asked only when used
  app_.add_option("--plugin-path", common_.plugin_path,
                  "folder with plugins, searched before CRACKKD_PLUGIN_PATH (repeatable)");
  app_.add_option("--log-level", common_.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  add_run();
  add_validate_and_check();
  add_plugins_and_inspect();
  add_preview();
  add_infer();
  add_measure();
  add_export();
}

void CommandLine::add_run() {
  run_cmd_ = app_.add_subcommand("run", "validate a pipeline, then run its stages in dependency order");
  add_pipeline_arguments(run_cmd_, run_.pipeline, run_.overrides);
  run_cmd_->add_option("--force", run_.force, "rerun this stage, every seed of it, even when up to date (repeatable)");
  run_cmd_->add_option("--workdir", run_.workdir, "folder for results (runs/<pipeline>/<stage>/)");
  add_launch_options(*run_cmd_, launch_);
  run_cmd_->add_option("--timeout", run_.timeout_s, "seconds a rank waits for the others before failing")
      ->check(CLI::Range(1, 86400));
  run_cmd_->add_flag("--no-data-check", no_data_check_, "start without checking the data (crackkd check) first");
  run_cmd_->add_option("-j,--jobs", run_.jobs,
                       "stages (and seeds of a stage) run side by side, each in a worker process with its share of "
                       "the cores (default: [pipeline] jobs, 1)")
      ->check(CLI::Range(1, 256));
  // A side-by-side run's workers (runner/parallel_run.hpp); not for users, so not listed.
  run_cmd_->add_option("--job", run_.job)->group("");
  run_cmd_->add_option("--worker-threads", run_.worker_threads)->group("")->check(CLI::Range(1, 1024));
}

void CommandLine::add_validate_and_check() {
  validate_cmd_ = app_.add_subcommand("validate", "check a pipeline completely without running it");
  add_pipeline_arguments(validate_cmd_, validate_.pipeline, validate_.overrides);
  validate_.data_check = false;
  validate_cmd_->add_flag("--data", validate_.data_check,
                          "also open every dataset and read each sample (crackkd check)");
  check_cmd_ = app_.add_subcommand("check", "open every dataset of a pipeline and read each sample once: sizes, "
                                            "crack share, empty masks, unreadable files, duplicates");
  add_pipeline_arguments(check_cmd_, check_.pipeline, check_.overrides);
  check_cmd_->add_flag("--json", check_.json, "the findings as JSON");
}

void CommandLine::add_plugins_and_inspect() {
  plugins_cmd_ = app_.add_subcommand("plugins", "list components with their options, and the stage kinds");
  plugins_cmd_->add_flag("--names", names_only_, "one kind.name per line");
  plugins_cmd_->add_flag("--markdown", markdown_, "the pipeline reference as Markdown (docs/pipeline_reference.md)");
  inspect_cmd_ = app_.add_subcommand(
      "inspect", "parameters, multiply-accumulates and latency of a model (plugin name or checkpoint)");
  inspect_cmd_->add_option("model", inspect_.model, "model plugin name, or a checkpoint .pt")->required();
  inspect_cmd_->add_option("--size", inspect_.size, "input side in pixels for the shape check")
      ->check(CLI::Range(32, 8192));
  inspect_cmd_->add_option("--set", inspect_.options, "model option key=value (repeatable)");
  inspect_cmd_->add_flag("--json", inspect_.json, "print JSON");
  inspect_cmd_->add_option("--device", inspect_.device, "auto (CUDA when present), cpu, cuda or cuda:N");
  inspect_cmd_->add_option("--runs", inspect_.runs, "timed batch-1 forwards (after 3 warm-up ones)")
      ->check(CLI::Range(1, 100000));
}

void CommandLine::add_preview() {
  preview_cmd_ = app_.add_subcommand("preview", "PNG grid of one image under each of a pipeline's noises at each level");
  add_pipeline_arguments(preview_cmd_, preview_.pipeline, preview_.overrides);
  preview_cmd_->add_option("--dataset", preview_.dataset, "dataset to take the image from (default: the first)");
  preview_cmd_->add_option("--index", preview_.index, "image index in the dataset");
  preview_cmd_->add_option("--levels", preview_.levels, "intensities, one column each")
      ->delimiter(',')
      ->check(finite_number())
      ->check(CLI::Range(0.0, 1.0));
  preview_cmd_->add_option("--workdir", preview_.workdir, "results folder (writes <workdir>/<pipeline>/preview.png)");
  preview_cmd_->add_option("--out", preview_.out, "PNG file to write instead");
}

void CommandLine::add_export() {
  export_cmd_ = app_.add_subcommand("export", "a trained model as a file that runs without CrackKD: TorchScript "
                                              "(LibTorch, PyTorch) or ONNX (ONNX Runtime), with its input contract");
  auto* c = export_cmd_;
  c->add_option("checkpoint", export_.checkpoint, "checkpoint .pt of a train or distill stage")->required();
  c->add_option("--out", export_.out, "file to write (.ts, .onnx)")->required();
  c->add_option("--format", export_.format, "torchscript or onnx (default: from --out's extension)")
      ->check(CLI::IsMember({"torchscript", "onnx"}));
  c->add_option("--size", export_.size, "input height and width (multiples of the model's stride)")
      ->expected(2)
      ->check(CLI::Range(1, 16384));
  c->add_option("--batch", export_.batch, "images per call")->check(CLI::Range(1, 4096));
  c->add_flag("--dynamic", export_.dynamic, "any batch and size (refused when the traced graph fixes sizes)");
  c->add_option("--threshold", export_.threshold, "crack threshold recorded for deployers (default: the stage's)")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 1.0));
  c->add_option("--overlap", export_.overlap,
                "pixels neighbouring tiles share in the tiling recorded for deployers (a multiple of the stride; "
                "default 64, less for tiles under 256)")
      ->check(CLI::Range(0, 16384));
  c->add_option("--opset", export_.opset, "ONNX opset")->check(CLI::Range(16, 17));
}

int CommandLine::dispatch(int argc, char** argv) {
  if (*run_cmd_ && (launch_.nproc > 1 || launch_.nnodes > 1) && run_.jobs > 1)
    throw ConfigError({"-j", 0, 0}, "-j " + std::to_string(run_.jobs) + " with --nproc/--nnodes: a data-parallel run "
                                    "spreads each stage over its ranks, one stage at a time; use one or the other");
  if (*run_cmd_ && (launch_.nproc > 1 || launch_.nnodes > 1) && !std::getenv("RANK"))
    return launch_workers(launch_, worker_arguments(argc, argv));
  run_.data_check = !no_data_check_;
  if (*run_cmd_) return run_command(common_, run_);
  if (*validate_cmd_) return validate_command(common_, validate_);
  if (*check_cmd_) return check_command(common_, check_);
  if (*plugins_cmd_) return plugins_command(common_, names_only_, markdown_);
  if (*inspect_cmd_) return inspect_command(common_, inspect_);
  if (*preview_cmd_) return preview_command(common_, preview_);
  if (*infer_cmd_) {
    infer_.tile_given = !infer_tile_.empty();
    if (infer_tile_.size() >= 1) infer_.tile = infer_tile_[0];
    if (infer_tile_.size() == 2) infer_.tile_width = infer_tile_[1];
    return infer_command(common_, infer_);
  }
  if (*measure_cmd_) return measure_command(common_, measure_);
  return export_command(common_, export_);
}

}  // namespace crackkd::app
