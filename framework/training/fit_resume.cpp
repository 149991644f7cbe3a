// resume.pt as the loop writes and reads it: the weights, then the named parts, each put
// and taken back by its owner (the loop, the scaler, every observer).

#include "runtime/result_files.hpp"
#include "training/fit_run.hpp"

#include <spdlog/spdlog.h>

namespace crackkd::training {

namespace {

std::filesystem::path resume_file(const FitRun& run) { return run.stage.out_dir / results::kResume; }

}  // namespace

void save_fit_state(FitRun& run, const FitObservers& observers) {
  ResumeParts parts;
  run.progress.save(parts);
  parts.put("amp_scale", run.scaler.current());
  parts.put("amp_good_steps", run.scaler.good_steps());
  for (const auto& o : observers) o->save_state(parts);
  const auto& t = run.trainee;
  save_resume_state(resume_file(run), run.stage.fingerprint, run.stage.build, parts, t.model, t.optimizer, t.extra);
}

void restore_fit_state(FitRun& run, FitObservers& observers) {
  const auto file = resume_file(run);
  const auto& t = run.trainee;
  const auto parts = load_resume_state(file, run.stage.fingerprint, run.stage.build, t.model, t.optimizer, t.extra);
  if (!parts) return;
  run.progress.restore(*parts);
  const auto scale = parts->get("amp_scale"), good_steps = parts->get("amp_good_steps");  // absent from older files
  if (scale && good_steps) run.scaler.restore(scale->toDouble(), good_steps->toInt());
  for (auto& o : observers) o->restore_state(*parts);
  const auto& p = run.progress;
  const std::string within = p.epoch_batches == 0 ? "" : " and batch " + std::to_string(p.epoch_batches) +
                                                             " of epoch " + std::to_string(p.epoch + 1);
  spdlog::info("{}: resuming after epoch {}{} (step {}) from {}", run.stage.name, p.epoch, within, p.step, file.string());
}

void remove_fit_state(const FitRun& run) { std::filesystem::remove(resume_file(run)); }

}  // namespace crackkd::training
