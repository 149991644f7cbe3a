#include "runtime/run_progress.hpp"

#include "runtime/progress.hpp"

#include <algorithm>
#include <chrono>

namespace crackkd::runtime {

namespace {
double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

RunProgress::RunProgress(std::vector<Stage> stages, std::function<double()> clock)
    : stages_(std::move(stages)), clock_(clock ? std::move(clock) : steady_seconds) {}

void RunProgress::start_stage(std::size_t index) {
  current_ = index;
  running_ = true;
  stage_start_ = clock_();
  replicate_offset_ = current_done_ = current_seconds_ = baseline_seconds_ = 0;
  baseline_.reset();
}

void RunProgress::start_replicate(std::size_t k) {
  replicate_offset_ = static_cast<double>(k) * stages_[current_].epochs;
}

void RunProgress::report_to(std::function<void(double)> listener) { listener_ = std::move(listener); }

void RunProgress::epochs_done(double epochs) {
  if (listener_) listener_(epochs);
  current_done_ = replicate_offset_ + epochs;
  current_seconds_ = clock_() - stage_start_;
  // The first report sets the baseline: a resumed stage starts at the epoch it stopped
  // at, and the epochs before it took no time in this run.
  if (!baseline_) {
    baseline_ = current_done_;
    baseline_seconds_ = current_seconds_;
  }
}

void RunProgress::end_stage() {
  if (!running_) return;
  const Rate rate = current_rate();
  auto& total = finished_[stages_[current_].kind];
  total.epochs += rate.epochs;
  total.seconds += rate.seconds;
  stages_[current_].will_run = false;  // nothing of it is left
  running_ = false;
}

RunProgress::Rate RunProgress::current_rate() const {
  // Measured from the first report on: the time before it (data loading, a teacher's
  // checkpoint) is the stage's own, not its epochs'.
  if (!running_ || !baseline_ || current_done_ <= *baseline_) return {};
  return {current_done_ - *baseline_, current_seconds_ - baseline_seconds_};
}

std::optional<double> RunProgress::seconds_per_epoch(const std::string& kind) const {
  Rate own = finished_.count(kind) ? finished_.at(kind) : Rate{};
  if (running_ && stages_[current_].kind == kind) {
    own.epochs += current_rate().epochs;
    own.seconds += current_rate().seconds;
  }
  if (own.epochs > 0) return own.seconds / own.epochs;
  for (const auto& [other, rate] : finished_)
    if (rate.epochs > 0) return rate.seconds / rate.epochs;
  if (const Rate now = current_rate(); now.epochs > 0) return now.seconds / now.epochs;
  return std::nullopt;
}

std::optional<double> RunProgress::eta_seconds() const {
  double seconds = 0;
  bool training_left = false;
  for (std::size_t i = running_ ? current_ : current_ + 1; i < stages_.size(); ++i) {
    const auto& stage = stages_[i];
    const double total = stage.epochs * static_cast<double>(stage.replicates);
    if (!stage.will_run || total <= 0) continue;
    const auto rate = seconds_per_epoch(stage.kind);
    if (!rate) return std::nullopt;
    training_left = true;
    seconds += std::max(total - (running_ && i == current_ ? current_done_ : 0.0), 0.0) * *rate;
  }
  if (!training_left) return std::nullopt;
  return seconds;
}

std::string RunProgress::position() const {
  return "stage " + std::to_string(current_ + 1) + "/" + std::to_string(stages_.size());
}

std::string RunProgress::status() const {
  if (listener_) return "";
  const auto eta = eta_seconds();
  return position() + (eta ? ", pipeline ETA " + format_duration(*eta) : "");
}

}  // namespace crackkd::runtime
