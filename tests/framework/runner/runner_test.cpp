// The runner end to end on a tiny pipeline: stages run in order and write their files, an
// unchanged stage is skipped, --force, a changed option and a bumped plugin version rerun
// it, and a checkpoint rebuilds its own model.

#include "checkpoints/checkpoint.hpp"
#include "inference/chosen_threshold.hpp"
#include "pipeline/pipeline.hpp"
#include "report/csv_table.hpp"
#include "runner/plan.hpp"
#include "runner/runner.hpp"
#include "test_support.hpp"
#include "tiny_pipeline.hpp"

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

using namespace crackkd;
namespace fs = std::filesystem;

namespace {

const std::string kTiny = test::TinyPipeline{.val_images = 3}.text() + R"(
[stages.train]
kind = "train"
model = "unet"
data = "train"
validate_on = "val"
epochs = 2
batch_size = 3

[stages.evaluate]
kind = "evaluate"
models = ["train"]
data = "val"
)";

class Runner : public ::testing::Test {
 protected:
  runner::RunSummary run(std::vector<std::string> overrides = {}, std::set<std::string> force = {}) {
    auto pipeline = pipeline::load_pipeline(file_, overrides);
    auto plan = runner::validate_pipeline(pipeline, *host_);
    runner::RunOptions options;
    options.workdir = dir_.path / "runs";
    options.force = std::move(force);
    return runner::run_pipeline(pipeline, plan, *host_, options);
  }

  test::TempDir dir_;
  fs::path file_ = dir_.write("tiny.toml", kTiny);
  std::unique_ptr<host::PluginHost> host_ = test::make_host();
};

}  // namespace

TEST_F(Runner, RunsStagesAndWritesTheirResults) {
  auto summary = run();
  EXPECT_EQ(summary.ran, (std::vector<std::string>{"train", "evaluate"}));
  const fs::path runs = dir_.path / "runs" / "tiny";
  EXPECT_TRUE(fs::exists(runs / "train" / "checkpoint.pt"));
  EXPECT_TRUE(fs::exists(runs / "log.txt"));
  const auto metrics = test::read_file(runs / "train" / "metrics.csv");
  EXPECT_THAT(metrics, ::testing::StartsWith("epoch,step,dice,train_loss,val_mDS,val_mIoU,seconds\n1,2,"));
  EXPECT_TRUE(fs::exists(runs / "train" / "best.pt"));
  EXPECT_THAT(metrics, ::testing::HasSubstr("\n2,4,"));
  const auto scores = test::read_file(runs / "evaluate" / "scores.csv");
  EXPECT_THAT(scores, ::testing::StartsWith("model,seed,checkpoint,images,mDS,mIoU,precision,recall,F1,ODS,ODS_threshold,"
                                            "OIS,AP,tolerance,precision_tol,recall_tol,F1_tol,ODS_tol,"));
  EXPECT_THAT(scores, ::testing::HasSubstr(",mDS_low,mDS_high,"));
  EXPECT_THAT(scores, ::testing::HasSubstr("\ntrain,,"));
  EXPECT_THAT(scores, ::testing::HasSubstr(",2 px,"));
  EXPECT_THAT(scores, ::testing::HasSubstr(",3,"));
  // per_image.csv: a header and one row per image.
  const auto per_image = test::read_file(runs / "evaluate" / "per_image.csv");
  EXPECT_EQ(std::count(per_image.begin(), per_image.end(), '\n'), 4);
}

TEST_F(Runner, EvaluateWritesIntervalsAndRecordsTheOdsThresholdBesideTheCheckpoint) {
  run({"stages.evaluate.choose_threshold=\"ods\"", "stages.evaluate.bootstrap=200"});
  const fs::path runs = dir_.path / "runs" / "tiny";
  const auto scores = report::read_csv(runs / "evaluate" / "scores.csv");
  ASSERT_EQ(scores.rows.size(), 1u);
  for (const char* m : {"mDS", "F1_tol", "clDice", "BF"}) {
    EXPECT_LE(scores.number(0, std::string(m) + "_low"), scores.number(0, m)) << m;
    EXPECT_GE(scores.number(0, std::string(m) + "_high"), scores.number(0, m)) << m;
  }
  EXPECT_GE(scores.number(0, "F1_tol"), scores.number(0, "F1"));  // a tolerance only adds matches
  EXPECT_EQ(scores.rows[0][scores.column("crack_free_with_crack")], "");  // synthetic walls all have a crack
  const auto chosen = inference::read_chosen_threshold(runs / "train" / "checkpoint.pt");
  ASSERT_TRUE(chosen.has_value());
  EXPECT_DOUBLE_EQ(chosen->threshold, scores.number(0, "ODS_threshold"));
  EXPECT_EQ(chosen->chosen_by, "the ODS threshold on val, evaluate stage evaluate of pipeline tiny");
}

TEST_F(Runner, SkipsUnchangedStagesAndRerunsForcedOrChangedOnes) {
  run();
  auto again = run();
  EXPECT_TRUE(again.ran.empty());
  EXPECT_EQ(again.skipped, (std::vector<std::string>{"train", "evaluate"}));
  // Forcing train reruns evaluate too: it read train's checkpoint.
  auto forced = run({}, {"train"});
  EXPECT_EQ(forced.ran, (std::vector<std::string>{"train", "evaluate"}));
  auto changed = run({"stages.evaluate.threshold=0.4"});
  EXPECT_EQ(changed.ran, (std::vector<std::string>{"evaluate"}));
  EXPECT_EQ(changed.skipped, (std::vector<std::string>{"train"}));
}

TEST_F(Runner, TrainingIsReproducibleFromTheSeed) {
  run();
  const fs::path ckpt = dir_.path / "runs" / "tiny" / "train" / "checkpoint.pt";
  auto first = checkpoints::load_checkpoint(ckpt, *host_, c10::Device(c10::kCPU));
  run({}, {"train"});
  auto second = checkpoints::load_checkpoint(ckpt, *host_, c10::Device(c10::kCPU));
  auto a = first.model->parameters(), b = second.model->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i].equal(b[i])) << "parameter " << i;
}

TEST_F(Runner, CheckpointRebuildsItsOwnModel) {
  run();
  auto loaded = checkpoints::load_checkpoint(dir_.path / "runs" / "tiny" / "train" / "checkpoint.pt", *host_,
                                        c10::Device(c10::kCPU));
  EXPECT_EQ(loaded.config.plugin, "tiny_unet");
  EXPECT_EQ(loaded.epoch, 2);
  EXPECT_EQ(loaded.model->feature_channels(), (std::array<std::int64_t, 4>{4, 8, 8, 8}));
  loaded.model->eval();
  torch::NoGradGuard no_grad;
  EXPECT_EQ(loaded.model->forward(at::rand({1, 3, 64, 64})).logits.sizes(), (std::vector<std::int64_t>{1, 1, 64, 64}));
}

TEST_F(Runner, CorruptCheckpointIsAnErrorNamingTheFile) {
  auto file = dir_.write("bad.pt", "not a checkpoint");
  EXPECT_THAT(test::error_of([&] { checkpoints::load_checkpoint(file, *host_, c10::Device(c10::kCPU)); }),
              ::testing::HasSubstr("cannot read checkpoint " + file.string()));
}

TEST_F(Runner, ChangedDatasetFilesRerunTheStagesReadingThem) {
  const fs::path data = dir_.path / "data";
  fs::create_directories(data / "images");
  fs::create_directories(data / "masks");
  auto write_pair = [&](const std::string& name) {
    cv::imwrite((data / "images" / (name + ".png")).string(), cv::Mat(64, 64, CV_8UC3, cv::Scalar(90, 90, 90)));
    cv::imwrite((data / "masks" / (name + ".png")).string(), cv::Mat::eye(64, 64, CV_8UC1) * 255);
  };
  write_pair("a");
  // The validation set becomes the folder.
  std::string text = kTiny;
  text.replace(text.find("[datasets.val]"), text.find("[models.unet]") - text.find("[datasets.val]"),
               "[datasets.val]\nplugin = \"folder\"\nroot = \"" + data.string() + "\"\n\n");
  file_ = dir_.write("tiny.toml", text);
  EXPECT_EQ(run().ran, (std::vector<std::string>{"train", "evaluate"}));
  EXPECT_TRUE(run().ran.empty());
  write_pair("b");
  EXPECT_EQ(run().ran, (std::vector<std::string>{"train", "evaluate"}));
}

// A plugin whose author bumps its declared version reruns the stages that use it; the same
// version in another build of the library (other bytes) does not, it is only logged. The
// versions come from copies of the example model's library, one with its version string
// patched in place: what a rebuild with `crackkd_add_plugin(... VERSION ...)` would export.
TEST_F(Runner, ABumpedPluginVersionRerunsTheStagesUsingIt) {
  std::ifstream in(test::test_plugins("example") / "crackkd_test_tiny_unet.so", std::ios::binary);
  const std::string library{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string version = host_->entry("model", "tiny_unet").version;
  const std::string exported = '\0' + version + '\0';
  const auto at = library.find(exported);
  ASSERT_NE(at, std::string::npos) << "version \"" << version << "\" not found in the library";
  ASSERT_EQ(library.find(exported, at + 1), std::string::npos) << "version \"" << version << "\" found twice";
  std::string bumped_library = library;
  char& last = bumped_library[at + version.size()];
  last = last == '9' ? '8' : static_cast<char>(last + 1);
  const std::string bumped = bumped_library.substr(at + 1, version.size());

  // A host over one copy of the library (and the first-party plugins), in its own folder:
  // a path not loaded before, so the process loads this copy.
  auto run_with = [&](const std::string& folder, const std::string& bytes, const std::string& expected_version) {
    const fs::path dir = dir_.path / folder;
    fs::create_directories(dir);
    std::ofstream(dir / "crackkd_test_tiny_unet.so", std::ios::binary) << bytes;
    host::PluginHost host;
    host.scan({dir, test::first_party_plugins()});
    EXPECT_EQ(std::string(host.entry("model", "tiny_unet").version), expected_version);
    auto pipeline = pipeline::load_pipeline(file_, {"stages.train.epochs=1"});
    auto plan = runner::validate_pipeline(pipeline, host);
    runner::RunOptions options;
    options.workdir = dir_.path / "runs";
    return runner::run_pipeline(pipeline, plan, host, options);
  };
  EXPECT_EQ(run_with("built", library, version).ran, (std::vector<std::string>{"train", "evaluate"}));
  const auto rebuilt = run_with("rebuilt", library + "another build", version);
  EXPECT_EQ(rebuilt.skipped, (std::vector<std::string>{"train", "evaluate"}));
  EXPECT_THAT(test::read_file(dir_.path / "runs" / "tiny" / "log.txt"),
              ::testing::HasSubstr("stage train (train) is up to date, skipped (--force train reruns it); it was made "
                                   "by another build of crackkd or of its plugins"));
  // Evaluate reruns too: it reads train's new run.
  EXPECT_EQ(run_with("bumped", bumped_library, bumped).ran, (std::vector<std::string>{"train", "evaluate"}));
}

TEST_F(Runner, AugmentationNoiseMixAndRobustness) {
  auto summary = run({"noises.salt.plugin=salt", "noises.blur.plugin=gaussian_blur",
                      "stages.train.augment=[{plugin=\"hflip\"}, {plugin=\"color_jitter\"}]",
                      "stages.train.noise_mix={noises=[\"salt\", \"blur\"]}",
                      "stages.evaluate.noises=[\"salt\", \"blur\"]", "stages.evaluate.levels=[0.0, 0.3]"});
  EXPECT_EQ(summary.ran, (std::vector<std::string>{"train", "evaluate"}));
  const fs::path runs = dir_.path / "runs" / "tiny";
  // 6 clean images + 3 noisy copies = 9 samples: 3 steps of 3 per epoch.
  EXPECT_THAT(test::read_file(runs / "train" / "metrics.csv"), ::testing::HasSubstr("\n1,3,"));
  const auto robustness = test::read_file(runs / "evaluate" / "robustness.csv");
  EXPECT_THAT(robustness, ::testing::StartsWith("model,seed,noise,level,mDS,mIoU,images,F1,ODS,OIS,AP,F1_tol,ODS_tol,"
                                                "OIS_tol,AP_tol,clDice,clIoU,BF\n"));
  EXPECT_EQ(std::count(robustness.begin(), robustness.end(), '\n'), 1 + 2 * 2);
  EXPECT_THAT(robustness, ::testing::HasSubstr("train,,salt,0.3,"));
  EXPECT_THAT(robustness, ::testing::HasSubstr("train,,blur,0,"));
  // At level 0 the noises leave the images as they are: the clean scores, to the digit.
  const auto clean = report::read_csv(runs / "evaluate" / "scores.csv");
  const auto noisy = report::read_csv(runs / "evaluate" / "robustness.csv");
  for (std::size_t r = 0; r < noisy.rows.size(); ++r) {
    if (noisy.number(r, "level") != 0) continue;
    for (const char* m : {"mDS", "mIoU", "ODS", "AP", "clDice", "BF"})
      EXPECT_EQ(noisy.rows[r][noisy.column(m)], clean.rows[0][clean.column(m)]) << noisy.rows[r][2] << " " << m;
  }
}

TEST_F(Runner, NoiseMixNamesAnUndefinedNoise) {
  auto pipeline = pipeline::load_pipeline(file_, {"stages.train.noise_mix={noises=[\"slat\"]}", "noises.salt.plugin=salt"});
  EXPECT_THAT(test::config_error([&] { runner::validate_pipeline(pipeline, *host_); }),
              ::testing::HasSubstr("stages.train.noise_mix.noises: undefined noise 'slat' (did you mean 'salt'?)"));
}

TEST_F(Runner, DistillStageTrainsTheStudentFromTheTeachersCheckpoint) {
  auto summary = run({"models.student.plugin=tiny_unet", "models.student.channels=[4, 4, 8, 8]",
                      "stages.distill.kind=distill", "stages.distill.teacher=train", "stages.distill.student=student",
                      "stages.distill.data=train", "stages.distill.epochs=1", "stages.distill.batch_size=3",
                      "stages.distill.distiller={plugin=\"rfkd\", on=\"probabilities\"}",
                      "stages.evaluate.models=[\"train\", \"distill\"]"});
  EXPECT_EQ(summary.ran, (std::vector<std::string>{"train", "distill", "evaluate"}));
  const fs::path runs = dir_.path / "runs" / "tiny";
  EXPECT_THAT(test::read_file(runs / "distill" / "metrics.csv"),
              ::testing::StartsWith("epoch,step,feature1,feature2,feature3,feature4,logits,dice,train_loss,"));
  // The saved student has no connectors: it loads as a plain tiny_unet.
  auto student = checkpoints::load_checkpoint(runs / "distill" / "checkpoint.pt", *host_, c10::Device(c10::kCPU));
  EXPECT_EQ(student.model->feature_channels(), (std::array<std::int64_t, 4>{4, 4, 8, 8}));
  EXPECT_THAT(test::read_file(runs / "evaluate" / "scores.csv"), ::testing::HasSubstr("\ndistill,"));
}

// The reference paper's Table 3 swaps the student for a CNN with one line of TOML: every
// baseline learns from the teacher by RFKD (features at strides 4-32 through connectors)
// and its saved checkpoint rebuilds the baseline alone.
TEST_F(Runner, EveryBaselineStudentIsDistilledByRfkd) {
  for (const std::string plugin : {"unet_resnet18", "mobilenetv2", "efficientnet_b0", "mobileone", "mobilevit"}) {
    SCOPED_TRACE(plugin);
    auto summary = run({"models.student.plugin=" + plugin, "stages.distill.kind=distill", "stages.distill.teacher=train",
                        "stages.distill.student=student", "stages.distill.data=train", "stages.distill.epochs=1",
                        "stages.distill.batch_size=3", "stages.distill.distiller={plugin=\"rfkd\"}",
                        "stages.evaluate.models=[\"distill\"]"});
    EXPECT_THAT(summary.ran, ::testing::Contains("distill"));
    const fs::path runs = dir_.path / "runs" / "tiny";
    auto student = checkpoints::load_checkpoint(runs / "distill" / "checkpoint.pt", *host_, c10::Device(c10::kCPU));
    EXPECT_EQ(student.config.plugin, plugin);
    EXPECT_THAT(test::read_file(runs / "distill" / "metrics.csv"),
                ::testing::StartsWith("epoch,step,feature1,feature2,feature3,feature4,logits,dice,"));
    EXPECT_THAT(test::read_file(runs / "evaluate" / "scores.csv"), ::testing::HasSubstr("\ndistill,"));
  }
}

TEST_F(Runner, DistillNeedsExactlyOneTeacher) {
  auto pipeline = pipeline::load_pipeline(
      file_, {"stages.distill.kind=distill", "stages.distill.student=unet", "stages.distill.data=train"});
  EXPECT_THAT(test::config_error([&] { runner::validate_pipeline(pipeline, *host_); }),
              ::testing::HasSubstr("give exactly one of 'teacher' (a stage) and 'teacher_checkpoint' (a file)"));
}

// [pipeline] seeds: every training stage runs once per seed into seed-<s>/, a distilled
// replicate learns from the same seed's teacher, evaluation scores each replicate, the
// report shows mean ± std and paired differences, and a rerun keeps finished replicates.
TEST_F(Runner, SeedsRunEachTrainingStageOncePerSeed) {
  const std::vector<std::string> overrides{
      "pipeline.seeds=[1, 2]", "stages.train.epochs=1", "stages.distill.kind=distill", "stages.distill.teacher=train",
      "stages.distill.student=unet", "stages.distill.data=train", "stages.distill.epochs=1",
      "stages.distill.batch_size=3", "stages.distill.distiller={plugin=\"rfkd\"}",
      "stages.evaluate.models=[\"train\", \"distill\"]", "stages.evaluate.examples=0", "stages.report.kind=report",
      "stages.report.baseline=\"train\""};
  auto summary = run(overrides);
  EXPECT_EQ(summary.ran, (std::vector<std::string>{"train", "distill", "evaluate", "report"}));
  const fs::path runs = dir_.path / "runs" / "tiny";
  const auto cpu = c10::Device(c10::kCPU);
  for (const auto* stage : {"train", "distill"}) {
    auto one = checkpoints::load_checkpoint(runs / stage / "seed-1" / "checkpoint.pt", *host_, cpu);
    auto two = checkpoints::load_checkpoint(runs / stage / "seed-2" / "checkpoint.pt", *host_, cpu);
    EXPECT_FALSE(one.model->parameters()[0].equal(two.model->parameters()[0])) << stage;
    EXPECT_FALSE(fs::exists(runs / stage / "checkpoint.pt")) << stage;
  }
  const auto log = test::read_file(runs / "log.txt");
  EXPECT_THAT(log, ::testing::HasSubstr("(" + (runs / "train" / "seed-1" / "best.pt").string() + ")"));
  EXPECT_THAT(log, ::testing::HasSubstr("(" + (runs / "train" / "seed-2" / "best.pt").string() + ")"));

  const auto scores = test::read_file(runs / "evaluate" / "scores.csv");
  EXPECT_THAT(scores, ::testing::HasSubstr("\ntrain,1,"));
  EXPECT_THAT(scores, ::testing::HasSubstr("\ntrain,2,"));
  EXPECT_THAT(scores, ::testing::HasSubstr("\ndistill,2,"));
  const auto report = test::read_file(runs / "report" / "report.md");
  EXPECT_THAT(report, ::testing::HasSubstr("| model | seeds | mDS | mIoU | F1 | ODS | OIS | AP | images |"));
  EXPECT_THAT(report, ::testing::ContainsRegex("\\| distill \\| 2 \\| 0\\.[0-9]{4} ± 0\\.[0-9]{4} \\|"));
  EXPECT_THAT(report, ::testing::HasSubstr("| distill seed 2 | 1 |"));
  EXPECT_THAT(report, ::testing::HasSubstr("## Paired differences to train (stage evaluate)"));
  EXPECT_THAT(report, ::testing::ContainsRegex("\\| distill \\| 2 \\| [-+]0\\.[0-9]{4} \\([-+]0\\.[0-9]{4}, "));
  EXPECT_THAT(report, ::testing::HasSubstr(" | Δ mDS, interval over images |"));
  EXPECT_THAT(report, ::testing::HasSubstr("## Crack measures with a tolerance (stage evaluate)"));
  EXPECT_THAT(report, ::testing::HasSubstr("| model | mDS | F1 | ODS | OIS | AP | clDice | clIoU | BF |"));

  // A finished replicate survives an interrupted stage: only seed 2 of distill runs again.
  fs::remove(runs / "distill" / "stage.done");
  fs::remove(runs / "distill" / "seed-2" / "replicate.done");
  summary = run(overrides);
  EXPECT_EQ(summary.skipped, (std::vector<std::string>{"train"}));
  EXPECT_THAT(test::read_file(runs / "log.txt"), ::testing::HasSubstr("stage distill: seed 1 was finished before, kept"));
  // --force reruns every seed of the stage, finished or not.
  run(overrides, {"distill"});
  const auto forced_log = test::read_file(runs / "log.txt");
  EXPECT_THAT(forced_log.substr(forced_log.rfind("stage distill (distill) starts")),
              ::testing::AllOf(::testing::HasSubstr("stage distill: seed 1 (1 of 2)"),
                               ::testing::HasSubstr("stage distill: seed 2 (2 of 2)"),
                               ::testing::Not(::testing::HasSubstr("was finished before, kept"))));
  // Another seed list reruns the training stages.
  auto more = overrides;
  more[0] = "pipeline.seeds=[1, 2, 3]";
  EXPECT_EQ(run(more).ran, (std::vector<std::string>{"train", "distill", "evaluate", "report"}));
  EXPECT_TRUE(fs::exists(runs / "distill" / "seed-3" / "checkpoint.pt"));
}

TEST_F(Runner, SeedListedTwiceIsAnError) {
  EXPECT_THAT(test::config_error([&] { pipeline::load_pipeline(file_, {"pipeline.seeds=[4, 5, 4]"}); }),
              ::testing::HasSubstr("pipeline.seeds: seed 4 is listed twice"));
}
