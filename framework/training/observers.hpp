#pragma once
// The training loop's observers, one job each. fit() makes them in the order below, which
// is the order files reach the disk at an epoch's end: checkpoint.pt and best.pt,
// metrics.csv, steps.csv; the loop writes resume.pt after them all (a kill between two
// leaves nothing a resumed run trusts wrongly). Validation is the loop's own: every
// observer sees the epoch with its scores.

#include "training/fit_run.hpp"

#include <memory>

namespace crackkd::training {

/// checkpoint.pt after every epoch; best.pt when the validation mDS improves (the best so
/// far is its part of resume.pt).
std::unique_ptr<FitObserver> make_checkpointer(FitRun& run);
/// metrics.csv: one row per epoch, one column per term (the rows so far are its part of
/// resume.pt: a resumed run appends to them).
std::unique_ptr<FitObserver> make_metrics_writer(FitRun& run);
/// steps.csv: one row per step, appended at each epoch's end; trimmed to the resumed step.
std::unique_ptr<FitObserver> make_steps_writer(FitRun& run);
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
