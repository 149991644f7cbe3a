#pragma once
// The training loop's observers, one job each. fit() makes them in the order below, which
// is the order files reach the disk at an epoch's end: validation, checkpoint.pt and
// best.pt, metrics.csv, steps.csv, then resume.pt (a kill between two leaves nothing a
// resumed run trusts wrongly), then the epoch's log line.

#include "training/fit_run.hpp"

#include <memory>

namespace crackkd::training {

/// Scores the validation dataset after every epoch (rank 0).
std::unique_ptr<FitObserver> make_validator(FitRun& run, const Dataset& validation);
/// checkpoint.pt after every epoch; best.pt when the validation mDS improves.
std::unique_ptr<FitObserver> make_checkpointer(FitRun& run);
/// metrics.csv: one row per epoch, one column per term.
std::unique_ptr<FitObserver> make_metrics_writer(FitRun& run);
/// steps.csv: one row per step, appended at each epoch's end; trimmed to the resumed step.
std::unique_ptr<FitObserver> make_steps_writer(FitRun& run);
/// resume.pt after every epoch and when stopped mid-epoch; removed when the stage ends.
std::unique_ptr<FitObserver> make_resume_writer(FitRun& run);
/// The epoch's progress bar, with the run's stage n/m and pipeline ETA; first, so the bar
/// ends before validation logs.
std::unique_ptr<FitObserver> make_progress_bar(FitRun& run);
/// The line that sums an epoch up: loss, each term, validation, time, throughput; last.
std::unique_ptr<FitObserver> make_epoch_summary(FitRun& run);
/// Each step at debug level: epoch, batch, step, lr, each term and the total.
std::unique_ptr<FitObserver> make_step_logger(FitRun& run);
/// Data-parallel runs: the ranks must end with identical weights.
std::unique_ptr<FitObserver> make_rank_agreement(FitRun& run);

/// A steps.csv number: nine significant digits bring a float loss back exactly.
std::string csv_number(double value);

}  // namespace crackkd::training
