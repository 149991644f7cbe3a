// The loop itself: epochs of steps, each epoch validated, and resume.pt after it. What
// happens around them (files, progress) is the observers' (observers.hpp).

#include "training/fit.hpp"

#include "data/loader.hpp"
#include "distributed/gradient_sync.hpp"
#include "runtime/interrupt.hpp"
#include "runtime/result_files.hpp"
#include "training/gradient_share.hpp"
#include "training/lr_schedule.hpp"
#include "training/observers.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cmath>
#include <utility>

namespace crackkd::training {

namespace {

FitObservers make_observers(FitRun& run) {
  FitObservers o;
  if (run.group) o.push_back(make_rank_agreement(run));  // first: resume.pt stays until the ranks agree
  if (!run.main) return o;                               // the other ranks neither validate nor write
  o.push_back(make_progress_bar(run));
  o.push_back(make_checkpointer(run));
  o.push_back(make_metrics_writer(run));
  o.push_back(make_steps_writer(run));
  if (spdlog::should_log(spdlog::level::debug)) o.push_back(make_step_logger(run));
  o.push_back(make_epoch_summary(run));
  return o;
}

std::string interrupted_message(const FitRun& run, std::int64_t epoch, std::size_t batches, std::size_t batch) {
  return "stage " + run.stage.name + " stopped by " + runtime::signal_name(runtime::stop_signal()) + " at epoch " +
         std::to_string(epoch) + ", batch " + std::to_string(batch + 1) + "/" + std::to_string(batches) + " (step " +
         std::to_string(run.progress.step) + "); its state is in " + (run.stage.out_dir / results::kResume).string() +
         ": run the same command again to resume";
}

class Loop {
 public:
  Loop(FitRun& run, FitData data, const StepTerms& terms, FitObservers& observers)
      : run_(run), data_(data), terms_(terms), observers_(observers) {
    // Data-parallel: every rank starts from rank 0's weights, takes its share of each
    // global batch of batch_size x ranks samples, and averages gradients before each step.
    if (run.group || run.options.amp)
      for (const auto& g : run.trainee.optimizer.param_groups())
        for (const auto& p : g.params()) synced_.push_back(p);
    ranks_ = run.group ? static_cast<std::size_t>(run.group->world_size()) : 1;
    rank_ = run.group ? static_cast<std::size_t>(run.group->rank()) : 0;
  }

  void run() {
    for (auto& o : observers_) o->fit_started();
    for (std::int64_t epoch = run_.progress.epoch + 1; epoch <= run_.options.epochs; ++epoch) run_epoch(epoch);
    for (auto& o : observers_) o->fit_done();
    if (run_.main) remove_fit_state(run_);
  }

 private:
  struct EpochSums {
    std::vector<double> terms;
    double total = 0;
  };

  void run_epoch(std::int64_t epoch);
  void run_step(std::int64_t epoch, std::size_t b, std::size_t batches, data::BatchLoader& loader, EpochSums& sums);
  std::vector<double> backward_terms(Batch batch, std::int64_t epoch, std::vector<double>& shares);
  bool agree_across_ranks(std::vector<double>& values, std::int64_t samples, bool stop);
  std::vector<std::size_t> rank_positions(std::size_t sample_count, std::size_t first_batch, std::size_t batches) const;

  FitRun& run_;
  FitData data_;
  const StepTerms& terms_;
  FitObservers& observers_;
  std::vector<at::Tensor> synced_;
  std::size_t ranks_ = 1, rank_ = 0;
  std::size_t first_batch_ = 0;   // of the running epoch: > 0 when it resumes mid-epoch
  bool stop_requested_ = false;   // by SIGINT/SIGTERM, on any rank
  training::LrSchedule schedule_;  // of the running epoch: its step count fixes the warm-up
};

/// Global batch g holds the epoch's sample positions [g·B·R, (g+1)·B·R); rank r takes the r-th B of them.
std::vector<std::size_t> Loop::rank_positions(std::size_t sample_count, std::size_t first_batch, std::size_t batches) const {
  const auto batch_size = static_cast<std::size_t>(run_.options.batch_size);
  std::vector<std::size_t> positions;
  for (std::size_t g = first_batch; g < batches; ++g)
    for (std::size_t i = 0; i < batch_size; ++i)
      if (const auto p = (g * ranks_ + rank_) * batch_size + i; p < sample_count) positions.push_back(p);
  return positions;
}

void Loop::run_epoch(std::int64_t epoch) {
  EpochRecord record;
  record.epoch = epoch;
  record.started = std::chrono::steady_clock::now();
  run_.trainee.model.train();
  const auto& o = run_.options;
  const auto samples = data_.training.samples(epoch);
  const auto batch_size = static_cast<std::size_t>(o.batch_size);
  const std::size_t batches = (samples.size() + batch_size * ranks_ - 1) / (batch_size * ranks_);
  // An interrupted epoch goes on after its last finished batch (resume_state.hpp).
  first_batch_ = static_cast<std::size_t>(std::exchange(run_.progress.epoch_batches, 0));
  const auto positions = rank_positions(samples.size(), first_batch_, batches);
  data::BatchLoader loader(
      positions.size(), batch_size,
      [&](std::size_t k) { return data_.training.make(samples[positions[k]], epoch, positions[k]); },
      static_cast<int>(o.workers), static_cast<int>(o.prefetch), run_.device.is_cuda());
  const auto steps_per_epoch = static_cast<std::int64_t>(batches);
  schedule_ = {o.lr_schedule, o.lr, o.warmup_epochs * steps_per_epoch, o.epochs * steps_per_epoch};
  for (auto& obs : observers_) obs->epoch_started(epoch, first_batch_, batches);
  EpochSums sums{std::exchange(run_.progress.epoch_term_sums, {}), std::exchange(run_.progress.epoch_total_sum, 0.0)};
  for (std::size_t b = first_batch_; b < batches; ++b) run_step(epoch, b, batches, loader, sums);

  record.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - record.started).count();
  const double divisor = static_cast<double>(std::max<std::size_t>(1, batches));
  for (const double sum : sums.terms) record.term_means.push_back(sum / divisor);
  record.loss = sums.total / divisor;
  record.batches = batches;
  record.samples = samples.size();
  if (data_.validation && run_.main) validate_epoch(run_, *data_.validation, record);
  record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - record.started).count();
  run_.progress.epoch = epoch;
  for (auto& obs : observers_) obs->epoch_done(record);
  if (run_.main) save_fit_state(run_, observers_);
  if (stop_requested_ && epoch < o.epochs)
    throw runtime::Interrupted(runtime::stop_signal(),
                              run_.main ? interrupted_message(run_, epoch, batches, batches - 1)
                                        : "stage " + run_.stage.name + ": stopped with rank 0");
}

void Loop::run_step(std::int64_t epoch, std::size_t b, std::size_t batches, data::BatchLoader& loader,
                    EpochSums& sums) {
  auto& optimizer = run_.trainee.optimizer;
  StepRecord s{epoch, b, batches, schedule_.at(run_.progress.step)};
  for (auto& group_options : optimizer.param_groups()) group_options.options().set_lr(s.lr);
  optimizer.zero_grad();
  std::int64_t samples = 0;
  if (b - first_batch_ < loader.batches()) {  // a rank may hold none of the epoch's last global batch
    Batch batch = loader.next();
    samples = batch.images.size(0);
    s.values = backward_terms(std::move(batch), epoch, s.shares);
  }
  bool stop = runtime::interrupt_signal() != 0;
  if (run_.group) stop = agree_across_ranks(s.values, samples, stop);
  stop_requested_ = stop;
  const bool finite = run_.scaler.unscale(synced_);  // identical on every rank: the gradients are averaged
  if (finite) optimizer.step();
  run_.scaler.update(finite);
  ++run_.progress.step;
  sums.terms.resize(s.values.size(), 0.0);
  for (std::size_t i = 0; i < s.values.size(); ++i) sums.terms[i] += s.values[i], s.total += s.values[i];
  sums.total += s.total;  // summed from the terms' values: no second device sync
  s.epoch_loss = sums.total / static_cast<double>(b + 1);
  for (auto& obs : observers_) obs->step_done(s);
  if (!stop || b + 1 == batches) return;
  run_.progress.epoch = epoch - 1;
  run_.progress.epoch_batches = static_cast<std::int64_t>(b + 1);
  run_.progress.epoch_term_sums = sums.terms;
  run_.progress.epoch_total_sum = sums.total;
  for (auto& obs : observers_) obs->interrupted();
  if (run_.main) save_fit_state(run_, observers_);
  throw runtime::Interrupted(runtime::stop_signal(), interrupted_message(run_, epoch, batches, b));
}

/// Runs the step's terms on `batch` and the backward pass of their (scaled) sum; returns
/// each term's value on this rank, and sets their gradient shares. A non-finite term stops
/// the stage, naming it.
std::vector<double> Loop::backward_terms(Batch batch, std::int64_t epoch, std::vector<double>& shares) {
  batch.images = batch.images.to(run_.device, /*non_blocking=*/true);
  batch.masks = batch.masks.to(run_.device, /*non_blocking=*/true);
  if (batch.clean_images.defined()) batch.clean_images = batch.clean_images.to(run_.device, /*non_blocking=*/true);
  StepLoss loss;
  {
    runtime::AutocastGuard autocast(run_.options.amp);
    loss = terms_(batch);
  }
  const LossTerms& terms = loss.terms;
  if (run_.term_names.empty())
    for (const auto& [name, value] : terms) run_.term_names.push_back(name);
  std::vector<double> values;
  at::Tensor total;
  for (const auto& [name, term] : terms) {
    const double value = term.item<double>();
    if (!std::isfinite(value))
      throw Error("stage " + run_.stage.name + ": loss term '" + name + "' is " + std::to_string(value) +
                  " at epoch " + std::to_string(epoch) + ", step " + std::to_string(run_.progress.step + 1) +
                  " (the last good checkpoint is kept)");
    values.push_back(value);
    total = total.defined() ? total + term : term;
  }
  // Only rank 0 writes steps.csv. Each share costs a backward pass per term through the
  // loss: 30 % of a cached RFKD step (PCT at 224, 239 against 170 ms) when taken at every step.
  const auto every = run_.options.share_every;
  if (run_.main && every > 0 && run_.progress.step % every == 0) shares = gradient_shares(terms, loss.outputs);
  run_.scaler.scale(total).backward();
  return values;
}

/// Averages the gradients and the term values over the ranks, and whether any rank was
/// asked to stop, so that all stop at the same step.
bool Loop::agree_across_ranks(std::vector<double>& values, std::int64_t samples, bool stop) {
  values.resize(run_.term_names.size(), 0.0);
  if (run_.term_names.empty())
    throw Error("stage " + run_.stage.name + ": rank " + std::to_string(rank_) +
                " has no samples in the first batch; use fewer ranks or a larger dataset");
  values.push_back(stop ? 1.0 : 0.0);
  distributed::average_gradients(synced_, samples, values, *run_.group);
  stop = values.back() > 0;
  values.pop_back();
  return stop;
}

}  // namespace

void fit(const FitStage& stage, Trainee trainee, FitData data, c10::Device device,
         const training::TrainingOptions& options, const StepTerms& step_terms) {
  auto* group = stage.group;
  FitRun run{stage, trainee, options, device, group, !group || group->is_main(), {}, runtime::GradScaler(options.amp), {}};
  auto observers = make_observers(run);
  restore_fit_state(run, observers);
  if (group) {
    distributed::broadcast_module(trainee.model, *group);
    if (trainee.extra) distributed::broadcast_module(*trainee.extra, *group);
  }
  Loop(run, data, step_terms, observers).run();
}

}  // namespace crackkd::training
