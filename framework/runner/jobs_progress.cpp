#include "runner/jobs_progress.hpp"

#include "runtime/progress.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace crackkd::runner {

namespace {
double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

JobsProgress::JobsProgress(std::size_t workers, std::function<double()> clock)
    : workers_(std::max<std::size_t>(1, workers)), clock_(clock ? std::move(clock) : steady_seconds) {}

void JobsProgress::add(const std::string& label, const std::string& kind, double epochs) {
  if (!jobs_.count(label)) order_.push_back(label);
  jobs_[label] = Entry{kind, epochs};
}

void JobsProgress::started(const std::string& label) { jobs_.at(label).running = true; }

void JobsProgress::epochs_done(const std::string& label, double epochs) {
  Entry& e = jobs_.at(label);
  e.done = epochs;
  e.last_seconds = clock_();
  // The first report is the baseline: a resumed job starts where it stopped, and the time
  // before it (loading data and models) is not its epochs'.
  if (!e.first_done) {
    e.first_done = epochs;
    e.first_seconds = e.last_seconds;
  }
}

void JobsProgress::finished(const std::string& label) {
  Entry& e = jobs_.at(label);
  e.running = false;
  e.finished = true;
  e.done = e.epochs;
}

std::optional<double> JobsProgress::seconds_per_epoch(const std::string& kind) const {
  std::map<std::string, std::pair<double, double>> measured;  // kind -> (epochs, seconds)
  for (const auto& [label, e] : jobs_) {
    if (!e.first_done || e.done <= *e.first_done) continue;
    auto& m = measured[e.kind];
    m.first += e.done - *e.first_done;
    m.second += e.last_seconds - e.first_seconds;
  }
  if (measured.count(kind)) return measured[kind].second / measured[kind].first;
  if (!measured.empty()) return measured.begin()->second.second / measured.begin()->second.first;
  return std::nullopt;
}

std::optional<double> JobsProgress::eta_seconds() const {
  double seconds = 0;
  std::size_t left = 0;
  for (const auto& [label, e] : jobs_) {
    if (e.finished) continue;
    ++left;
    if (e.epochs <= 0) continue;
    const auto rate = seconds_per_epoch(e.kind);
    if (!rate) return std::nullopt;
    seconds += std::max(e.epochs - e.done, 0.0) * *rate;
  }
  if (seconds <= 0) return std::nullopt;
  return seconds / static_cast<double>(std::min(workers_, left));
}

std::string JobsProgress::status() const {
  std::string running;
  std::size_t done = 0;
  for (const auto& label : order_) {
    const Entry& e = jobs_.at(label);
    done += e.finished ? 1 : 0;
    if (!e.running) continue;
    running += (running.empty() ? "" : ", ") + label;
    if (e.epochs > 0) {
      char epochs[64];
      std::snprintf(epochs, sizeof epochs, " (epoch %.1f/%g)", e.done, e.epochs);
      running += epochs;
    }
  }
  const auto eta = eta_seconds();
  return (running.empty() ? "" : "running " + running + "; ") + std::to_string(done) + "/" +
         std::to_string(jobs_.size()) + " jobs done" + (eta ? ", pipeline ETA " + runtime::format_duration(*eta) : "");
}

}  // namespace crackkd::runner
