#pragma once
// Progress of long work: a bar with ETA redrawn in place when stderr is a terminal (stdout
// carries results only), and
// plain log lines (about every 10 %) when it is not (CI logs, files).

#include <chrono>
#include <cstddef>
#include <string>

namespace crackkd::runtime {

class Progress {
 public:
  Progress(std::string label, std::size_t total);
  ~Progress();
  /// One more unit done; `status` is shown after the bar ("loss 0.412").
  void advance(const std::string& status = "");
  /// Ends the bar line (called by the destructor too).
  void finish();

 private:
  std::string label_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::size_t last_logged_decile_ = 0;
  bool terminal_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
};

/// "1:05" or "2:03:04".
std::string format_duration(double seconds);

}  // namespace crackkd::runtime
