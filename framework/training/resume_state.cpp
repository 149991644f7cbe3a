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

std::optional<c10::IValue> ResumeParts::get(const std::string& name) const {
  if (const auto found = put_.find(name); found != put_.end()) return found->second;
  c10::IValue value;
  if (file_ && file_->try_read(name, value)) return value;
  return std::nullopt;
}

void LoopProgress::save(ResumeParts& parts) const {
  parts.put("epoch", epoch);
  parts.put("step", step);
  parts.put("epoch_batches", epoch_batches);
  parts.put("epoch_term_sums", torch::tensor(epoch_term_sums, torch::kDouble));
  parts.put("epoch_total_sum", epoch_total_sum);
}

void LoopProgress::restore(const ResumeParts& parts) {
  if (const auto v = parts.get("epoch")) epoch = v->toInt();
  if (const auto v = parts.get("step")) step = v->toInt();
  const auto batches = parts.get("epoch_batches"), total = parts.get("epoch_total_sum");
  const auto sums = parts.get("epoch_term_sums");
  if (!batches || !total || !sums) return;  // files of older versions: 0 there
  epoch_batches = batches->toInt();
  epoch_total_sum = total->toDouble();
  const auto values = sums->toTensor().contiguous();
  epoch_term_sums.assign(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
}

void save_resume_state(const fs::path& file, const std::string& fingerprint, const std::string& build,
                       const ResumeParts& parts, torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                       torch::nn::Module* extra) {
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
  for (const auto& [name, value] : parts.parts()) {
    if (value.isTensor()) archive.write(name, value.toTensor());  // as files of older versions hold them
    else archive.write(name, value);
  }
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

std::optional<ResumeParts> load_resume_state(const fs::path& file, const std::string& fingerprint,
                                             const std::string& build, torch::nn::Module& model,
                                             torch::optim::Optimizer& optimizer, torch::nn::Module* extra) {
  if (!fs::exists(file)) return std::nullopt;
  auto archive = std::make_shared<torch::serialize::InputArchive>();
  c10::IValue saved_fingerprint, saved_build;
  try {
    archive->load_from(file.string());
    archive->read("fingerprint", saved_fingerprint);
  } catch (const c10::Error& e) {
    spdlog::warn("ignoring unreadable {}: {}", file.string(), e.what_without_backtrace());
    return std::nullopt;
  }
  if (saved_fingerprint.toStringRef() != fingerprint) {
    // A warning: the epochs it holds are given up (its options, its data's files or a
    // plugin's version changed since it was written).
    c10::IValue saved_epoch;
    const bool has_epoch = archive->try_read("epoch", saved_epoch);
    spdlog::warn("{}{} is from another configuration (options, data files or plugin versions changed): starting afresh",
                 file.string(), has_epoch ? " (after epoch " + std::to_string(saved_epoch.toInt()) + ")" : "");
    return std::nullopt;
  }
  if (!archive->try_read("build", saved_build) || saved_build.toStringRef() != build)
    spdlog::warn("{} was written by another build of crackkd or of its plugins: resuming, but the result may differ "
                 "from an uninterrupted run",
                 file.string());
  restore_weights_and_generator(*archive, model, optimizer, extra);
  return ResumeParts(std::move(archive));
}

}  // namespace crackkd::training
