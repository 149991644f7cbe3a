#include "io/durable_file.hpp"
#include "runtime/result_files.hpp"
#include "training/observers.hpp"

#include <sstream>

namespace crackkd::training {

namespace {

class MetricsWriter : public FitObserver {
 public:
  explicit MetricsWriter(FitRun& run) : run_(run) {}

  void epoch_done(EpochRecord& epoch) override {
    epoch.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch.started).count();
    std::string& csv = run_.state.metrics_csv;  // resume.pt keeps it: a resumed run appends to the same rows
    if (csv.empty()) {
      csv = "epoch,step";
      for (const auto& n : run_.term_names) csv += "," + n;
      csv += ",train_loss,val_mDS,val_mIoU,seconds\n";
    }
    std::ostringstream row;
    row << epoch.epoch << "," << run_.state.step;
    for (const double mean : epoch.term_means) row << "," << mean;
    row << "," << epoch.loss << "," << (epoch.val_dice ? std::to_string(*epoch.val_dice) : "") << ","
        << (epoch.val_iou ? std::to_string(*epoch.val_iou) : "") << "," << epoch.seconds << "\n";
    csv += row.str();
    io::write_atomically(run_.stage.out_dir / results::kMetrics, csv);
  }

 private:
  FitRun& run_;
};

}  // namespace

std::unique_ptr<FitObserver> make_metrics_writer(FitRun& run) { return std::make_unique<MetricsWriter>(run); }

}  // namespace crackkd::training
