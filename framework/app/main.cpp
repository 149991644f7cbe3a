// crackkd: the command-line host. Parses arguments, sets LibTorch's thread count from the
// hardware, and turns every failure into one line on stderr and a non-zero exit: 2 for a
// configuration error, 130/143 when SIGINT/SIGTERM stopped it at a safe point, 1 for
// anything else. Results go to stdout, logs and progress to stderr.

#include "app/commands.hpp"
#include "app/memory.hpp"
#include "engine/interrupt.hpp"

#include <crackkd/error.hpp>

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <thread>

namespace {

/// Logs go to stderr, so that stdout holds only results (`plugins --names`, `inspect
/// --json`); every line at info and above reaches log.txt at once, so a killed run keeps
/// its log up to its last line.
void use_stderr_log(const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>("", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace crackkd::app;
  CLI::App cli{"CrackKD: robust crack segmentation by knowledge distillation"};
  cli.require_subcommand(1);
  Common common;
  std::string log_level = "info";
  cli.add_option("--plugin-path", common.plugin_path, "folder with plugins, searched before CRACKKD_PLUGIN_PATH (repeatable)");
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error")->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  // The arguments every pipeline command takes: the file and --set overrides.
  const auto pipeline_arguments = [](CLI::App* command, std::filesystem::path& file, std::vector<std::string>& sets) {
    command->add_option("pipeline", file, "pipeline TOML file")->required();
    command->add_option("--set", sets, "override a value: a.b.c=value (repeatable)");
  };

  RunArgs run_args;
  auto* run = cli.add_subcommand("run", "validate a pipeline, then run its stages in dependency order");
  pipeline_arguments(run, run_args.pipeline, run_args.overrides);
  run->add_option("--force", run_args.force, "rerun this stage even when it is up to date (repeatable)");
  run->add_option("--workdir", run_args.workdir, "folder for results (runs/<pipeline>/<stage>/)");
  LaunchArgs launch;
  run->add_option("--nproc", launch.nproc, "data-parallel worker processes on this host (Gloo on CPU)")
      ->check(CLI::Range(1, 1024));
  run->add_option("--nnodes", launch.nnodes, "hosts taking part (each runs crackkd run … --nproc N)")->check(CLI::Range(1, 4096));
  run->add_option("--node-rank", launch.node_rank, "this host's index among the --nnodes")->check(CLI::Range(0, 4095));
  run->add_option("--master", launch.master, "ADDR:PORT of rank 0's rendezvous (MASTER_ADDR, MASTER_PORT)");
  run->add_option("--timeout", run_args.timeout_s, "seconds a rank waits for the others before failing")
      ->check(CLI::Range(1, 86400));

  RunArgs validate_args;
  auto* validate = cli.add_subcommand("validate", "check a pipeline completely without running it");
  pipeline_arguments(validate, validate_args.pipeline, validate_args.overrides);

  CheckArgs check_args;
  auto* check = cli.add_subcommand("check", "open every dataset of a pipeline and read each sample once: sizes, "
                                            "crack share, empty masks, unreadable files, duplicates");
  pipeline_arguments(check, check_args.pipeline, check_args.overrides);
  check->add_flag("--json", check_args.json, "the findings as JSON");

  bool names_only = false, markdown = false;
  auto* plugins = cli.add_subcommand("plugins", "list components with their options, and the stage kinds");
  plugins->add_flag("--names", names_only, "one kind.name per line");
  plugins->add_flag("--markdown", markdown, "the pipeline reference as Markdown (docs/pipeline_reference.md)");

  InspectArgs inspect_args;
  auto* inspect = cli.add_subcommand("inspect", "parameters, multiply-accumulates and latency of a model (plugin name or checkpoint)");
  inspect->add_option("model", inspect_args.model, "model plugin name, or a checkpoint .pt")->required();
  inspect->add_option("--size", inspect_args.size, "input side in pixels for the shape check")->check(CLI::Range(32, 8192));
  inspect->add_option("--set", inspect_args.options, "model option key=value (repeatable)");
  inspect->add_flag("--json", inspect_args.json, "print JSON");
  inspect->add_option("--device", inspect_args.device, "auto (CUDA when present), cpu, cuda or cuda:N");
  inspect->add_option("--runs", inspect_args.runs, "timed batch-1 forwards (after 3 warm-up ones)")->check(CLI::Range(1, 100000));

  PreviewArgs preview_args;
  auto* preview = cli.add_subcommand("preview", "PNG grid of one image under each of a pipeline's noises at each level");
  pipeline_arguments(preview, preview_args.pipeline, preview_args.overrides);
  preview->add_option("--dataset", preview_args.dataset, "dataset to take the image from (default: the first)");
  preview->add_option("--index", preview_args.index, "image index in the dataset");
  preview->add_option("--levels", preview_args.levels, "intensities, one column each")->delimiter(',');
  preview->add_option("--workdir", preview_args.workdir, "results folder (writes <workdir>/<pipeline>/preview.png)");
  preview->add_option("--out", preview_args.out, "PNG file to write instead");

  InferArgs infer_args;
  auto* infer = cli.add_subcommand("infer", "segment cracks in photos of any size with a trained checkpoint; "
                                            "writes probability, mask and overlay PNGs and summary.csv (area, length, width)");
  infer->add_option("--model,--checkpoint", infer_args.model,
                    "checkpoint .pt of a train or distill stage, or a file of `crackkd export --format torchscript`")
      ->required();
  infer->add_option("--engine", infer_args.engine, "frozen (the traced graph, optimised for inference) or eager")
      ->check(CLI::IsMember({"frozen", "eager"}));
  infer->add_option("inputs", infer_args.inputs, "image files and folders of images")->required();
  infer->add_option("--out", infer_args.out, "folder for the results")->required();
  infer->add_option("--device", infer_args.device, "auto (CUDA when present), cpu, cuda or cuda:N");
  infer->add_option("--tile", infer_args.tile, "tile side in pixels for large photos (a multiple of the model's stride)")
      ->check(CLI::Range(32, 16384));
  infer->add_option("--overlap", infer_args.overlap, "pixels shared by neighbouring tiles, blended")->check(CLI::Range(0, 16384));
  infer->add_option("--batch", infer_args.batch, "tiles per forward pass")->check(CLI::Range(1, 1024));
  infer->add_option("--threshold", infer_args.threshold, "probability above which a pixel is crack (default: the model file's)")->check(CLI::Range(0.0, 1.0));
  infer->add_option("--mm-per-px", infer_args.mm_per_px, "photo scale: adds area, length and width in millimetres")
      ->check(CLI::PositiveNumber);

  ExportArgs export_args;
  auto* export_ = cli.add_subcommand("export", "a trained model as a file that runs without CrackKD: TorchScript "
                                               "(LibTorch, PyTorch) or ONNX (ONNX Runtime), with its input contract");
  export_->add_option("checkpoint", export_args.checkpoint, "checkpoint .pt of a train or distill stage")->required();
  export_->add_option("--out", export_args.out, "file to write (.ts, .onnx)")->required();
  export_->add_option("--format", export_args.format, "torchscript or onnx (default: from --out's extension)")
      ->check(CLI::IsMember({"torchscript", "onnx"}));
  export_->add_option("--size", export_args.size, "input height and width (multiples of the model's stride)")
      ->expected(2)->check(CLI::Range(1, 16384));
  export_->add_option("--batch", export_args.batch, "images per call")->check(CLI::Range(1, 4096));
  export_->add_flag("--dynamic", export_args.dynamic, "any batch and size (refused when the traced graph fixes sizes)");
  export_->add_option("--threshold", export_args.threshold, "crack threshold recorded for deployers (default: the stage's)")
      ->check(CLI::Range(0.0, 1.0));
  export_->add_option("--opset", export_args.opset, "ONNX opset")->check(CLI::Range(16, 17));

  CLI11_PARSE(cli, argc, argv);
  use_stderr_log(log_level);
  crackkd::engine::install_interrupt_handlers();
  // Debian's LibTorch starts with one thread; use the machine.
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  // Denormal floats (tiny layer scales and gradients late in training) are ~100x slower
  // on x86 CPUs; flushing them to zero changes no result that matters.
  at::globalContext().setFlushDenormal(true);
  reuse_freed_memory();

  try {
    if (*run && (launch.nproc > 1 || launch.nnodes > 1) && !std::getenv("RANK")) {
      // The launcher: the workers get these arguments without the launch options.
      std::vector<std::string> worker_args;
      for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        bool launch_option = false;
        for (const char* o : {"--nproc", "--nnodes", "--node-rank", "--master"}) {
          if (a == o) launch_option = true, ++i;  // and its value
          else if (a.rfind(std::string(o) + "=", 0) == 0) launch_option = true;
        }
        if (!launch_option) worker_args.push_back(a);
      }
      return launch_workers(launch, worker_args);
    }
    if (*run) return run_command(common, run_args);
    if (*validate) return validate_command(common, validate_args);
    if (*check) return check_command(common, check_args);
    if (*plugins) return plugins_command(common, names_only, markdown);
    if (*inspect) return inspect_command(common, inspect_args);
    if (*preview) return preview_command(common, preview_args);
    if (*infer) return infer_command(common, infer_args);
    if (*export_) return export_command(common, export_args);
  } catch (const crackkd::engine::Interrupted& e) {
    std::cerr << e.what() << std::endl;
    return e.exit_code();
  } catch (const crackkd::ConfigError& e) {
    std::cerr << e.what() << std::endl;
    return 2;
  } catch (const c10::Error& e) {
    std::string message = e.what_without_backtrace();
    std::cerr << "error: " << message.substr(0, message.find('\n')) << std::endl;
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
