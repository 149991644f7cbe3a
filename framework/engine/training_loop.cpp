#include "engine/training_loop.hpp"

#include "data/loader.hpp"
#include "distributed/gradient_sync.hpp"
#include "engine/checkpoint.hpp"
#include "engine/evaluation.hpp"
#include "engine/interrupt.hpp"
#include "engine/lr_schedule.hpp"
#include "engine/mixed_precision.hpp"
#include "engine/progress.hpp"
#include "engine/resume_state.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>

namespace crackkd::engine {

namespace fs = std::filesystem;

namespace {

/// A steps.csv number: nine significant digits bring a float loss back exactly.
std::string csv_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

/// Makes steps.csv hold the rows of the finished steps 1..`last_step` only. Rows past it
/// (an epoch appended before a kill stopped its resume.pt, or a row cut short) would
/// otherwise appear twice once the resumed run appends that epoch again; a fresh start
/// (`last_step` 0) begins a new file.
void keep_finished_steps(const fs::path& file, std::int64_t last_step) {
  if (!fs::exists(file)) return;
  if (last_step == 0) {
    fs::remove(file);
    return;
  }
  std::ifstream in(file, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string kept;
  for (std::size_t begin = 0, end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
    const std::string_view line(text.data() + begin, end - begin + 1);
    // The header, then rows "epoch,step,...": keep those whose step is finished.
    bool keep = begin == 0;
    if (const auto comma = line.find(','); !keep && comma != std::string_view::npos) {
      std::int64_t step = 0;
      const auto parsed = std::from_chars(line.data() + comma + 1, line.data() + line.size(), step);
      keep = parsed.ec == std::errc() && *parsed.ptr == ',' && step <= last_step;
    }
    if (keep) kept += line;
  }
  if (kept == text) return;
  write_atomically(file, kept);
}

/// Appends an epoch's (or an interrupted epoch's) rows to steps.csv, with the header first
/// in a new file, synced to disk.
void append_step_rows(const fs::path& file, const std::vector<std::string>& term_names, const std::string& rows) {
  std::string header;
  if (!fs::exists(file) || fs::file_size(file) == 0) {
    header = "epoch,step,lr";
    for (const auto& n : term_names) header += "," + n;
    header += ",total\n";
  }
  append_durably(file, header + rows);
}

/// An interrupted epoch's state: its steps.csv rows, then resume.pt holding the batches
/// done, so that the rerun goes on after the last finished step.
void save_interrupted(StageContext& ctx, ResumeProgress& done, const GradScaler& scaler, const std::string& step_rows,
                      const std::vector<std::string>& term_names, SegmentationModel& model,
                      torch::optim::Optimizer& optimizer, torch::nn::Module* extra) {
  append_step_rows(ctx.out_dir / "steps.csv", term_names, step_rows);
  done.amp_scale = scaler.current();
  done.amp_good_steps = scaler.good_steps();
  save_resume_state(ctx.out_dir / "resume.pt", ctx.fingerprint, ctx.build, done, model, optimizer, extra);
}

std::string interrupted_message(const StageContext& ctx, std::int64_t epoch, std::int64_t step,
                                std::size_t batches, std::size_t batch) {
  return "stage " + ctx.stage.name + " stopped by " + signal_name(stop_signal()) + " at epoch " +
         std::to_string(epoch) + ", batch " + std::to_string(batch + 1) + "/" + std::to_string(batches) + " (step " +
         std::to_string(step) + "); its state is in " + (ctx.out_dir / "resume.pt").string() +
         ": run the same command again to resume";
}

}  // namespace

void fit(StageContext& ctx, SegmentationModel& model, const ComponentConfig& model_config, const TrainingData& data,
         const Dataset* validation, torch::optim::Optimizer& optimizer, c10::Device device, const FitOptions& o,
         const StepTerms& step_terms, torch::nn::Module* extra) {
  const auto batch_size = static_cast<std::size_t>(o.batch_size);
  const auto resume_file = ctx.out_dir / "resume.pt";
  // "<pipeline>/<stage>[/<replicate>]": checkpoints say what trained them.
  const std::string trained_by = ctx.out_dir.lexically_relative(ctx.run_dir.parent_path()).generic_string();
  std::vector<std::string> term_names;
  ResumeProgress done;
  if (auto resumed = load_resume_state(resume_file, ctx.fingerprint, ctx.build, model, optimizer, extra)) {
    done = *resumed;
    const std::string within = done.epoch_batches == 0 ? "" : " and batch " + std::to_string(done.epoch_batches) +
                                                                 " of epoch " + std::to_string(done.epoch + 1);
    spdlog::info("{}: resuming after epoch {}{} (step {}) from {}", ctx.stage.name, done.epoch, within, done.step,
                 resume_file.string());
  }
  // Data-parallel: every rank starts from rank 0's weights, takes its share of each
  // global batch of batch_size x ranks samples, and averages gradients before each step;
  // rank 0 alone validates and writes.
  auto* group = distributed::ProcessGroup::current();
  const bool main = !group || group->is_main();
  const std::size_t ranks = group ? static_cast<std::size_t>(group->world_size()) : 1;
  const std::size_t rank = group ? static_cast<std::size_t>(group->rank()) : 0;
  GradScaler scaler(o.amp);
  scaler.restore(done.amp_scale, done.amp_good_steps);
  std::vector<at::Tensor> synced;
  if (group || o.amp)
    for (const auto& g : optimizer.param_groups())
      for (const auto& p : g.params()) synced.push_back(p);
  if (group) {
    distributed::broadcast_module(model, *group);
    if (extra) distributed::broadcast_module(*extra, *group);
  }
  const auto steps_file = ctx.out_dir / "steps.csv";
  if (main) keep_finished_steps(steps_file, done.step);
  double& best_dice = done.best_dice;
  std::int64_t& step = done.step;
  bool stop_requested = false;  // by SIGINT/SIGTERM, on any rank
  for (std::int64_t epoch = done.epoch + 1; epoch <= o.epochs; ++epoch) {
    const auto started = std::chrono::steady_clock::now();
    model.train();
    const auto plan = data.plan(epoch);
    // Global batch g holds plan positions [g·B·R, (g+1)·B·R); rank r takes the r-th B of them.
    const std::size_t global_batches = (plan.size() + batch_size * ranks - 1) / (batch_size * ranks);
    // An interrupted epoch goes on after its last finished batch (resume_state.hpp).
    const std::size_t first_batch = static_cast<std::size_t>(std::exchange(done.epoch_batches, 0));
    std::vector<std::size_t> positions;
    for (std::size_t g = first_batch; g < global_batches; ++g)
      for (std::size_t i = 0; i < batch_size; ++i)
        if (const auto p = (g * ranks + rank) * batch_size + i; p < plan.size()) positions.push_back(p);
    data::BatchLoader loader(
        positions.size(), batch_size, [&](std::size_t k) { return data.make(plan[positions[k]], epoch, positions[k]); },
        static_cast<int>(o.workers), static_cast<int>(o.prefetch), device.is_cuda());
    Progress progress(ctx.stage.name + " epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs),
                      main ? global_batches : 0);
    const auto steps_per_epoch = static_cast<std::int64_t>(global_batches);
    const LrSchedule schedule{o.lr_schedule, o.lr, o.warmup_epochs * steps_per_epoch, o.epochs * steps_per_epoch};
    std::vector<double> term_sums = std::exchange(done.epoch_term_sums, {});
    double total_sum = std::exchange(done.epoch_total_sum, 0.0);
    std::string step_rows;  // the epoch's steps.csv rows, appended when the epoch is saved
    const bool log_steps = spdlog::should_log(spdlog::level::debug);
    for (std::size_t b = first_batch; b < global_batches; ++b) {
      const double lr = schedule.at(step);
      for (auto& group_options : optimizer.param_groups()) group_options.options().set_lr(lr);
      optimizer.zero_grad();
      std::vector<double> values;  // this rank's term means; with ranks, then the global batch's
      std::int64_t samples = 0;
      if (b - first_batch < loader.batches()) {  // a rank may hold none of the epoch's last global batch
        Batch batch = loader.next();
        batch.images = batch.images.to(device, /*non_blocking=*/true);
        batch.masks = batch.masks.to(device, /*non_blocking=*/true);
        samples = batch.images.size(0);
        LossTerms terms;
        {
          AutocastGuard autocast(o.amp);
          terms = step_terms(batch);
        }
        if (term_names.empty())
          for (const auto& [name, value] : terms) term_names.push_back(name);
        at::Tensor total;
        for (std::size_t i = 0; i < terms.size(); ++i) {
          const double value = terms[i].second.item<double>();
          if (!std::isfinite(value))
            throw Error("stage " + ctx.stage.name + ": loss term '" + terms[i].first + "' is " + std::to_string(value) +
                        " at epoch " + std::to_string(epoch) + ", step " + std::to_string(step + 1) +
                        " (the last good checkpoint is kept)");
          values.push_back(value);
          total = total.defined() ? total + terms[i].second : terms[i].second;
        }
        scaler.scale(total).backward();
      }
      bool stop = interrupt_signal() != 0;
      if (group) {
        values.resize(term_names.size(), 0.0);
        if (term_names.empty()) throw Error("stage " + ctx.stage.name + ": rank " + std::to_string(rank) +
                                            " has no samples in the first batch; use fewer ranks or a larger dataset");
        values.push_back(stop ? 1.0 : 0.0);  // the ranks stop at the same step
        distributed::average_gradients(synced, samples, values, *group);
        stop = values.back() > 0;
        values.pop_back();
      }
      stop_requested = stop;
      const bool finite = scaler.unscale(synced);  // identical on every rank: the gradients are averaged
      if (finite) optimizer.step();
      scaler.update(finite);
      ++step;
      term_sums.resize(values.size(), 0.0);
      double total_value = 0;  // summed from the terms' values: no second device sync
      for (std::size_t i = 0; i < values.size(); ++i) term_sums[i] += values[i], total_value += values[i];
      total_sum += total_value;
      if (main) {
        step_rows += std::to_string(epoch) + "," + std::to_string(step) + "," + csv_number(lr);
        for (const double v : values) step_rows += "," + csv_number(v);
        step_rows += "," + csv_number(total_value) + "\n";
      }
      if (log_steps) {
        std::string text;
        for (std::size_t i = 0; i < values.size(); ++i) text += term_names[i] + " " + csv_number(values[i]) + ", ";
        spdlog::debug("{} epoch {}/{} batch {}/{} (step {}): lr {}, {}total {}", ctx.stage.name, epoch, o.epochs, b + 1,
                      global_batches, step, csv_number(lr), text, csv_number(total_value));
      }
      char status[48];
      std::snprintf(status, sizeof status, "loss %.4f", total_sum / static_cast<double>(b + 1));
      if (main) progress.advance(status);
      if (stop && b + 1 < global_batches) {
        done.epoch = epoch - 1;
        done.epoch_batches = static_cast<std::int64_t>(b + 1);
        done.epoch_term_sums = term_sums;
        done.epoch_total_sum = total_sum;
        if (main) save_interrupted(ctx, done, scaler, step_rows, term_names, model, optimizer, extra);
        throw Interrupted(stop_signal(), interrupted_message(ctx, epoch, step, global_batches, b));
      }
    }
    progress.finish();
    const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double batches = static_cast<double>(std::max<std::size_t>(1, global_batches));
    if (!main) {  // the other ranks neither validate nor write
      done.epoch = epoch;
      if (stop_requested && epoch < o.epochs)
        throw Interrupted(stop_signal(), "stage " + ctx.stage.name + ": stopped with rank 0");
      continue;
    }
    std::string val_dice, val_iou;
    double dice = -1;
    if (validation) {
      const auto means = evaluate_model(model, *validation, device, o.threshold, "");
      dice = means.mean_dice();
      val_dice = std::to_string(dice);
      val_iou = std::to_string(means.mean_iou());
    }
    save_checkpoint(ctx.out_dir / "checkpoint.pt", model, model_config, epoch, trained_by, o.threshold);
    if (validation && dice > best_dice) {
      best_dice = dice;
      save_checkpoint(ctx.out_dir / "best.pt", model, model_config, epoch, trained_by, o.threshold);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (done.metrics_csv.empty()) {
      done.metrics_csv = "epoch,step";
      for (const auto& n : term_names) done.metrics_csv += "," + n;
      done.metrics_csv += ",train_loss,val_mDS,val_mIoU,seconds\n";
    }
    std::ostringstream row;
    std::string terms_text;
    row << epoch << "," << step;
    for (std::size_t i = 0; i < term_sums.size(); ++i) {
      row << "," << term_sums[i] / batches;
      char t[64];
      std::snprintf(t, sizeof t, "%s%s %.4g", terms_text.empty() ? "" : ", ", term_names[i].c_str(), term_sums[i] / batches);
      terms_text += t;
    }
    row << "," << total_sum / batches << "," << val_dice << "," << val_iou << "," << seconds << "\n";
    done.metrics_csv += row.str();
    done.epoch = epoch;
    write_atomically(ctx.out_dir / "metrics.csv", done.metrics_csv);
    // Before resume.pt: a kill in between leaves rows past the resumed step, dropped on resume.
    append_step_rows(steps_file, term_names, step_rows);
    done.amp_scale = scaler.current();
    done.amp_good_steps = scaler.good_steps();
    save_resume_state(resume_file, ctx.fingerprint, ctx.build, done, model, optimizer, extra);
    spdlog::info("{} epoch {}/{}: loss {:.4f} ({}){} ({:.1f} s, {:.1f} training samples/s)", ctx.stage.name, epoch,
                 o.epochs, total_sum / batches, terms_text,
                 validation ? ", val mDS " + val_dice + " mIoU " + val_iou : std::string(), seconds,
                 static_cast<double>(plan.size()) / std::max(1e-9, train_seconds));
    if (stop_requested && epoch < o.epochs)
      throw Interrupted(stop_signal(),
                        interrupted_message(ctx, epoch, step, global_batches, global_batches - 1));
  }
  if (group) {
    std::vector<at::Tensor> weights;
    for (const auto& p : model.parameters()) weights.push_back(p);
    const double divergence = distributed::max_divergence(weights, *group);
    if (divergence > 0)
      throw Error("stage " + ctx.stage.name + ": the " + std::to_string(group->world_size()) +
                  " ranks ended with different weights (max difference " + std::to_string(divergence) + ")");
    spdlog::info("{}: the {} ranks end with identical weights", ctx.stage.name, group->world_size());
  }
  if (main) std::filesystem::remove(resume_file);  // finished: checkpoint.pt and best.pt are the results
}

}  // namespace crackkd::engine
