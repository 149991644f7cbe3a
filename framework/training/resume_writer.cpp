#include "training/observers.hpp"

#include <spdlog/spdlog.h>

namespace crackkd::training {

namespace {

class ResumeWriter : public FitObserver {
 public:
  explicit ResumeWriter(FitRun& run) : run_(run) {}

  void epoch_done(EpochRecord&) override { save(); }
  void interrupted() override { save(); }
  void fit_done() override { std::filesystem::remove(file()); }  // checkpoint.pt and best.pt are the results

 private:
  std::filesystem::path file() const { return run_.stage.out_dir / "resume.pt"; }
  void save() {
    run_.state.amp_scale = run_.scaler.current();
    run_.state.amp_good_steps = run_.scaler.good_steps();
    training::save_resume_state(file(), run_.stage.fingerprint, run_.stage.build, run_.state, run_.trainee.model,
                              run_.trainee.optimizer, run_.trainee.extra);
  }

  FitRun& run_;
};

}  // namespace

std::unique_ptr<FitObserver> make_resume_writer(FitRun& run) { return std::make_unique<ResumeWriter>(run); }

}  // namespace crackkd::training
