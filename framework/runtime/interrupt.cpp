#include "runtime/interrupt.hpp"

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace crackkd::runtime {

namespace {

std::atomic<int> received{0};

extern "C" void on_stop_signal(int signal) {
  received.store(signal);
  std::signal(signal, SIG_DFL);  // a second Ctrl-C stops at once
  static const char note[] = "\ncrackkd: stopping at the next safe point (again to stop at once)\n";
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, note, sizeof note - 1);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads and writes in progress complete; the flag is polled after
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interrupt_signal() { return received.load(); }

int stop_signal() {
  const int signal = received.load();
  return signal ? signal : SIGINT;
}

std::string signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(signal);
}

void throw_if_interrupted(const std::string& what) {
  if (const int signal = interrupt_signal()) throw Interrupted(signal, what + ": stopped by " + signal_name(signal));
}

void clear_interrupt() { received.store(0); }

}  // namespace crackkd::runtime
