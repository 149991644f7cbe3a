// crackkd: the command-line host. Parses arguments, sets LibTorch's thread count from the
// hardware, and turns every failure into one line on stderr and a non-zero exit: 2 for a
// configuration error, 130/143 when SIGINT/SIGTERM stopped it at a safe point, 1 for
// anything else. Results go to stdout, logs and progress to stderr.

#include "app/blas_threads.hpp"
#include "app/command_line.hpp"
#include "app/memory.hpp"
#include "app/shared_cores.hpp"
#include "runtime/interrupt.hpp"

#include <crackkd/error.hpp>

#include <ATen/Context.h>
#include <ATen/Parallel.h>
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

/// One line on stderr and the exit code for an error that ended the command.
int report_failure() {
  try {
    throw;
  } catch (const crackkd::runtime::Interrupted& e) {
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
}

/// OMP_NUM_THREADS's first number when set, else one thread per hardware thread.
int default_threads() {
  if (const char* value = std::getenv("OMP_NUM_THREADS")) {
    char* end = nullptr;
    const long threads = std::strtol(value, &end, 10);
    if (end != value && (*end == '\0' || *end == ',') && threads > 0 && threads <= 1024) return static_cast<int>(threads);
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

int main(int argc, char** argv) {
  crackkd::app::CommandLine command_line;
  if (const auto exit_code = crackkd::app::parse_command_line(command_line, argc, argv)) return *exit_code;
  use_stderr_log(command_line.log_level());
  crackkd::app::sleep_while_waiting_beside_others(argv);
  crackkd::runtime::install_interrupt_handlers();
  // Debian's LibTorch starts with one thread; use the machine (or OMP_NUM_THREADS when the
  // user set it), through LibTorch's threads only (app/blas_threads.hpp).
  at::set_num_threads(default_threads());
  crackkd::app::single_threaded_blas();
  // Denormal floats (tiny layer scales and gradients late in training) are ~100x slower
  // on x86 CPUs; flushing them to zero changes no result that matters.
  at::globalContext().setFlushDenormal(true);
  crackkd::app::reuse_freed_memory();
  try {
    return command_line.dispatch(argc, argv);
  } catch (...) {
    return report_failure();
  }
}
