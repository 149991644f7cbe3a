#include "checkpoints/checkpoint.hpp"
#include "runtime/result_files.hpp"
#include "training/observers.hpp"

namespace crackkd::training {

namespace {

class Checkpointer : public FitObserver {
 public:
  explicit Checkpointer(FitRun& run)
      : run_(run),
        // "<pipeline>/<stage>[/<replicate>]": checkpoints say what trained them.
        trained_by_(run.stage.out_dir.lexically_relative(run.stage.run_dir.parent_path()).generic_string()) {}

  void epoch_done(const EpochRecord& epoch) override {
    save(run_.stage.out_dir / results::kCheckpoint, epoch.epoch);
    if (epoch.val_dice && *epoch.val_dice > best_dice_) {
      best_dice_ = *epoch.val_dice;
      save(run_.stage.out_dir / results::kBest, epoch.epoch);
    }
  }
  void save_state(ResumeParts& parts) const override { parts.put("best_dice", best_dice_); }
  void restore_state(const ResumeParts& parts) override {
    if (const auto best = parts.get("best_dice")) best_dice_ = best->toDouble();
  }

 private:
  void save(const std::filesystem::path& file, std::int64_t epoch) {
    checkpoints::save_checkpoint(file, run_.trainee.model, run_.trainee.config, epoch, trained_by_, run_.options.threshold,
                            run_.options.init_from.empty() ? ""
                                                           : std::filesystem::absolute(run_.options.init_from).string());
  }

  FitRun& run_;
  std::string trained_by_;
  double best_dice_ = -1;  ///< the best validation mDS so far
};

}  // namespace

std::unique_ptr<FitObserver> make_checkpointer(FitRun& run) { return std::make_unique<Checkpointer>(run); }

}  // namespace crackkd::training
