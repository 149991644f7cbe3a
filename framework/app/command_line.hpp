#pragma once
// The command line's grammar, parsed by CLI11: each subcommand declares its arguments
// into its Args struct (commands.hpp), and `dispatch` runs the one given.

#include "app/commands.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace crackkd::app {

/// Every number typed on the command line is a number: CLI11's ranges let "nan" through
/// (no comparison with NaN fails), and infinities mean nothing here either.
const CLI::Validator& finite_number();

class CommandLine {
 public:
  CommandLine();
  CLI::App& app() { return app_; }
  const std::string& log_level() const { return common_.log_level; }
  /// Runs the subcommand parsed from argc/argv (a launcher starts the workers instead).
  int dispatch(int argc, char** argv);

 private:
  void add_run();
  void add_validate_and_check();
  void add_plugins_and_inspect();
  void add_preview();
  void add_infer();
  void add_measure();
  void add_export();

  CLI::App app_{"CrackKD: robust crack segmentation by knowledge distillation"};
  Common common_;
  RunArgs run_, validate_;
  LaunchArgs launch_;
  bool no_data_check_ = false;
  CheckArgs check_;
  bool names_only_ = false, markdown_ = false;
  InspectArgs inspect_;
  PreviewArgs preview_;
  InferArgs infer_;
  std::vector<std::int64_t> infer_tile_;  ///< --tile S or --tile H W
  MeasureArgs measure_;
  ExportArgs export_;
  CLI::App *run_cmd_, *validate_cmd_, *check_cmd_, *plugins_cmd_, *inspect_cmd_, *preview_cmd_, *infer_cmd_,
      *measure_cmd_, *export_cmd_;
};

/// "crackkd 0.1.0", the plugin ABI and the LibTorch it runs on (`--version`).
std::string version_text();

/// Parses argc/argv into `command_line`; returns the exit code when the command should not
/// run: 0 after --help or --version, 2 (one line on stderr) for a bad command line.
std::optional<int> parse_command_line(CommandLine& command_line, int argc, char** argv);

/// The data-parallel launch options (--nproc, --nnodes, --node-rank, --master) on `command`.
void add_launch_options(CLI::App& command, LaunchArgs& launch);

/// argv without the program and the launch options: what a launcher passes its workers.
std::vector<std::string> worker_arguments(int argc, char** argv);

}  // namespace crackkd::app
