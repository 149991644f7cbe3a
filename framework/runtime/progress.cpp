#include "runtime/progress.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <unistd.h>

namespace crackkd::runtime {

std::string format_duration(double seconds) {
  long s = static_cast<long>(seconds + 0.5);
  char text[32];
  if (s >= 3600) std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
  return text;
}

Progress::Progress(std::string label, std::size_t total)
    : label_(std::move(label)), total_(total), terminal_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { finish(); }

void Progress::advance(const std::string& status) {
  ++done_;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = done_ ? elapsed / static_cast<double>(done_) * static_cast<double>(total_ - std::min(done_, total_)) : 0;
  if (terminal_) {
    const int width = 24;
    const int filled = total_ ? static_cast<int>(width * done_ / total_) : width;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%s [%s] %zu/%zu %s ETA %s %s\033[K", label_.c_str(), bar.c_str(), done_, total_,
                format_duration(elapsed).c_str(), format_duration(eta).c_str(), status.c_str());
    std::fflush(stderr);
  } else {
    const std::size_t decile = total_ ? done_ * 10 / total_ : 10;
    if (decile > last_logged_decile_ || done_ == total_) {
      last_logged_decile_ = decile;
      spdlog::info("{} {}/{} elapsed {} ETA {} {}", label_, done_, total_, format_duration(elapsed),
                   format_duration(eta), status);
    }
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (terminal_ && done_ > 0) {
    std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }
}

}  // namespace crackkd::runtime
