// steps.csv: one row per optimiser step (epoch, step, lr, each term, total, and with two
// or more terms each term's share of the gradient norm at the student's outputs,
// `share_<term>`: gradient_share.hpp). An epoch's
// rows reach the file, synced, at its end just before its resume.pt; a resumed run first
// drops the rows past its resume point, so its steps.csv equals an uninterrupted run's.

#include "io/durable_file.hpp"
#include "runtime/result_files.hpp"
#include "training/observers.hpp"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string_view>

namespace crackkd::training {

namespace fs = std::filesystem;

std::string csv_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

namespace {

/// Whether a steps.csv line (not the header) is of a step up to `last_step`.
bool of_finished_step(std::string_view line, std::int64_t last_step) {
  const auto comma = line.find(',');
  if (comma == std::string_view::npos) return false;
  std::int64_t step = 0;
  const auto parsed = std::from_chars(line.data() + comma + 1, line.data() + line.size(), step);
  return parsed.ec == std::errc() && *parsed.ptr == ',' && step <= last_step;
}

/// Makes `file` hold the rows of steps 1..`last_step` only: rows past it (an epoch
/// appended before a kill stopped its resume.pt, or a row cut short) would otherwise
/// appear twice. A fresh start (`last_step` 0) begins a new file.
void keep_finished_steps(const fs::path& file, std::int64_t last_step) {
  if (!fs::exists(file)) return;
  if (last_step == 0) return (void)fs::remove(file);
  std::ifstream in(file, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string kept;
  for (std::size_t begin = 0, end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
    const std::string_view line(text.data() + begin, end - begin + 1);
    if (begin == 0 || of_finished_step(line, last_step)) kept += line;
  }
  if (kept != text) io::write_atomically(file, kept);
}

class StepsWriter : public FitObserver {
 public:
  explicit StepsWriter(FitRun& run) : run_(run), file_(run.stage.out_dir / results::kSteps) {}

  void fit_started() override {
    keep_finished_steps(file_, run_.progress.step);
    // A resumed fit continues the file's columns.
    std::string header;
    if (std::ifstream in(file_); in && std::getline(in, header) && !header.empty())
      with_shares_ = header.find(",share_") != std::string::npos;
  }
  void step_done(const StepRecord& s) override {
    rows_ += std::to_string(s.epoch) + "," + std::to_string(run_.progress.step) + "," + csv_number(s.lr);
    for (const double v : s.values) rows_ += "," + csv_number(v);
    rows_ += "," + csv_number(s.total);
    // Shares are taken every `share_every` steps (fit.cpp): the other rows leave them empty.
    if (!with_shares_) with_shares_ = s.values.size() >= 2 && run_.options.share_every > 0;
    if (*with_shares_)
      for (std::size_t t = 0; t < s.values.size(); ++t) rows_ += s.shares.empty() ? "," : "," + csv_number(s.shares[t]);
    rows_ += "\n";
  }
  void epoch_done(const EpochRecord&) override { append(); }
  void interrupted() override { append(); }

 private:
  void append() {
    std::string header;
    if (!fs::exists(file_) || fs::file_size(file_) == 0) {
      header = "epoch,step,lr";
      for (const auto& n : run_.term_names) header += "," + n;
      header += ",total";
      if (with_shares_.value_or(false))
        for (const auto& n : run_.term_names) header += ",share_" + n;
      header += "\n";
    }
    io::append_durably(file_, header + rows_);
    rows_.clear();
  }

  FitRun& run_;
  fs::path file_;
  std::string rows_;  // the epoch's rows so far
  std::optional<bool> with_shares_;  // share_* columns: known from the file or the first step
};

}  // namespace

std::unique_ptr<FitObserver> make_steps_writer(FitRun& run) { return std::make_unique<StepsWriter>(run); }

}  // namespace crackkd::training
