#include "training/resume_state.hpp"

#include "checkpoints/checkpoint.hpp"
#include "io/durable_file.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <spdlog/spdlog.h>
#include <torch/serialize.h>
#include <torch/types.h>

#include <mutex>
#include <sstream>

namespace crackkd::training {

namespace fs = std::filesystem;

void save_resume_state(const fs::path& file, const std::string& fingerprint, const std::string& build,
                       const ResumeProgress& progress,
                       torch::nn::Module& model, torch::optim::Optimizer& optimizer, torch::nn::Module* extra) {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive, extra_archive;
  model.save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  if (extra) {
    extra->save(extra_archive);
    archive.write("extra", extra_archive);
  }
  auto generator = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    archive.write("torch_generator", generator.get_state());
  }
  archive.write("fingerprint", c10::IValue(fingerprint));
  archive.write("build", c10::IValue(build));
  archive.write("epoch", c10::IValue(progress.epoch));
  archive.write("step", c10::IValue(progress.step));
  archive.write("best_dice", c10::IValue(progress.best_dice));
  archive.write("metrics_csv", c10::IValue(progress.metrics_csv));
  archive.write("amp_scale", c10::IValue(progress.amp_scale));
  archive.write("amp_good_steps", c10::IValue(progress.amp_good_steps));
  archive.write("epoch_batches", c10::IValue(progress.epoch_batches));
  archive.write("epoch_term_sums", torch::tensor(progress.epoch_term_sums, torch::kDouble));
  archive.write("epoch_total_sum", c10::IValue(progress.epoch_total_sum));
  std::ostringstream bytes;  // in memory first, then checked writes (see save_checkpoint)
  archive.save_to(bytes);
  io::write_atomically(file, std::move(bytes).str());
}

namespace {

/// The model's, the optimiser's and the connectors' (`extra`) state, and torch's CPU
/// generator, as resume.pt saved them.
void restore_weights_and_generator(torch::serialize::InputArchive& archive, torch::nn::Module& model,
                                   torch::optim::Optimizer& optimizer, torch::nn::Module* extra) {
  torch::serialize::InputArchive model_archive, optimizer_archive, extra_archive;
  archive.read("model", model_archive);
  model.load(model_archive);
  archive.read("optimizer", optimizer_archive);
  optimizer.load(optimizer_archive);
  if (extra) {
    archive.read("extra", extra_archive);
    extra->load(extra_archive);
  }
  at::Tensor generator_state;
  archive.read("torch_generator", generator_state);
  auto generator = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(generator_state);
  }
}

}  // namespace

std::optional<ResumeProgress> load_resume_state(const fs::path& file, const std::string& fingerprint,
                                                const std::string& build,
                                                torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                                                torch::nn::Module* extra) {
  if (!fs::exists(file)) return std::nullopt;
  torch::serialize::InputArchive archive;
  c10::IValue saved_fingerprint, saved_build, epoch, step, best, metrics;
  try {
    archive.load_from(file.string());
    archive.read("fingerprint", saved_fingerprint);
  } catch (const c10::Error& e) {
    spdlog::warn("ignoring unreadable {}: {}", file.string(), e.what_without_backtrace());
    return std::nullopt;
  }
  if (saved_fingerprint.toStringRef() != fingerprint) {
    // A warning: the epochs it holds are given up (its options, its data's files or a
    // plugin's version changed since it was written).
    c10::IValue saved_epoch;
    const bool has_epoch = archive.try_read("epoch", saved_epoch);
    spdlog::warn("{}{} is from another configuration (options, data files or plugin versions changed): starting afresh",
                 file.string(), has_epoch ? " (after epoch " + std::to_string(saved_epoch.toInt()) + ")" : "");
    return std::nullopt;
  }
  if (!archive.try_read("build", saved_build) || saved_build.toStringRef() != build)
    spdlog::warn("{} was written by another build of crackkd or of its plugins: resuming, but the result may differ "
                 "from an uninterrupted run",
                 file.string());
  restore_weights_and_generator(archive, model, optimizer, extra);
  archive.read("epoch", epoch);
  archive.read("step", step);
  archive.read("best_dice", best);
  archive.read("metrics_csv", metrics);
  ResumeProgress progress{epoch.toInt(), step.toInt(), best.toDouble(), metrics.toStringRef()};
  c10::IValue amp_scale, amp_good_steps;  // absent from files of older versions
  if (archive.try_read("amp_scale", amp_scale) && archive.try_read("amp_good_steps", amp_good_steps)) {
    progress.amp_scale = amp_scale.toDouble();
    progress.amp_good_steps = amp_good_steps.toInt();
  }
  c10::IValue epoch_batches, epoch_total_sum;  // absent from files of older versions, and 0 there
  at::Tensor epoch_term_sums;
  if (archive.try_read("epoch_batches", epoch_batches) && archive.try_read("epoch_total_sum", epoch_total_sum)) {
    archive.read("epoch_term_sums", epoch_term_sums);
    progress.epoch_batches = epoch_batches.toInt();
    progress.epoch_total_sum = epoch_total_sum.toDouble();
    const auto sums = epoch_term_sums.contiguous();
    progress.epoch_term_sums.assign(sums.data_ptr<double>(), sums.data_ptr<double>() + sums.numel());
  }
  return progress;
}

}  // namespace crackkd::training
