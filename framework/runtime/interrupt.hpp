#pragma once
// Stopping on request. SIGINT (Ctrl-C) and SIGTERM (a scheduler's stop) only set a flag;
// long work polls it at safe points (after a training step, between evaluated images) and
// throws Interrupted there, after a training stage has written its resume state. The CLI
// then exits 130 (SIGINT) or 143 (SIGTERM) and the same command resumes. A second signal
// ends the process at once, as without a handler.

#include <crackkd/error.hpp>

#include <string>

namespace crackkd::runtime {

/// Thrown at a safe point after SIGINT or SIGTERM; `signal()` says which.
class Interrupted : public Error {
 public:
  Interrupted(int signal, const std::string& message) : Error(message), signal_(signal) {}
  int signal() const { return signal_; }
  /// 128 + the signal: 130 for SIGINT, 143 for SIGTERM.
  int exit_code() const { return 128 + signal_; }

 private:
  int signal_;
};

/// Installs the SIGINT and SIGTERM handlers (the CLI does, once).
void install_interrupt_handlers();

/// The signal received since start, or 0.
int interrupt_signal();

/// The signal to stop for: the one received, or SIGINT when another rank of a
/// data-parallel run received it.
int stop_signal();

/// "SIGINT", "SIGTERM".
std::string signal_name(int signal);

/// Throws Interrupted("<what>: stopped by SIGINT") when a signal arrived.
void throw_if_interrupted(const std::string& what);

/// For tests: forget a received signal.
void clear_interrupt();

}  // namespace crackkd::runtime
