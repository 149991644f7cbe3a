// Bad checkpoints: missing, truncated, not a checkpoint, of another model, replaced at the
// same path. A failed evaluate keeps its previous scores whole; validation catches a
// missing file before any stage runs; a replaced file reruns the stages that read it.

#include "bad_input/bad_input_support.hpp"

using namespace crackkd::test;
using ::testing::HasSubstr;

namespace {

/// A workspace whose tiny pipeline ran once, and a second pipeline scoring a file.
struct Trained : Workspace {
  fs::path file = pipeline(kTinyPipeline);
  Outcome first = run(file);
  fs::path checkpoint = workdir() / "tiny" / "train" / "checkpoint.pt";
  fs::path copy = path / "copy.pt";

  /// A pipeline "score" whose evaluate stage scores `copy`.
  fs::path scoring_pipeline() const {
    return pipeline(std::string(kTinyPipeline) + "\n[stages.file]\nkind = \"evaluate\"\ncheckpoints = [\"" +
                        copy.string() + "\"]\ndata = \"val\"\nexamples = 0\n",
                    "score.toml");
  }
};

TEST(BadCheckpoint, MissingCheckpointFileFailsValidationBeforeAnyStage) {
  Workspace ws;
  const auto file = ws.pipeline(std::string(kTinyPipeline) +
                                "\n[stages.file]\nkind = \"evaluate\"\ncheckpoints = [\"/nonexistent/x.pt\"]\ndata = \"val\"\n");
  for (const auto& outcome : {ws.validate(file), ws.run(file)}) {
    EXPECT_ENDED_WITH(outcome, 2, ws.path);
    EXPECT_THAT(outcome.err, HasSubstr(file.string() + ":"));
    EXPECT_THAT(outcome.err, HasSubstr("stages.file.checkpoints: /nonexistent/x.pt does not exist"));
  }
  EXPECT_FALSE(fs::exists(ws.workdir() / "tiny" / "train")) << "a stage ran before the error";
}

TEST(BadCheckpoint, MissingTeacherCheckpointFailsValidationBeforeAnyStage) {
  Workspace ws;
  const auto file = ws.pipeline(std::string(kTinyPipeline) +
                                "\n[stages.kd]\nkind = \"distill\"\nteacher_checkpoint = \"/nonexistent/teacher.pt\"\n"
                                "student = \"net\"\ndata = \"train\"\n");
  const auto outcome = ws.validate(file);
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("stages.kd.teacher_checkpoint: /nonexistent/teacher.pt does not exist"));
}

TEST(BadCheckpoint, AResultNoStageWritesFailsValidationBeforeAnyStage) {
  // best.pt comes from validation: a train stage without validate_on writes none, and the
  // evaluate once fell back to checkpoint.pt without a word.
  Workspace ws;
  const auto file = ws.pipeline(replaced(kTinyPipeline, "examples = 0", "examples = 0\ncheckpoint = \"best\""));
  for (const auto& outcome : {ws.validate(file), ws.run(file)}) {
    EXPECT_ENDED_WITH(outcome, 2, ws.path);
    EXPECT_THAT(outcome.err, HasSubstr(file.string() + ":30:11: "));
    EXPECT_THAT(outcome.err, HasSubstr("stages.evaluate.models: stage 'train' (train) writes no best.pt; it writes "
                                       "checkpoint.pt, metrics.csv, steps.csv (a training stage writes best.pt only "
                                       "with validate_on)"));
  }
  EXPECT_FALSE(fs::exists(ws.workdir() / "tiny" / "train")) << "a stage ran before the error";
  const auto validated = ws.pipeline(replaced(kTinyPipeline, "batch_size = 4", "batch_size = 4\nvalidate_on = \"val\""));
  EXPECT_ENDED_WITH(ws.validate(validated), 0, ws.path);
}

TEST(BadCheckpoint, AStageWithoutTheCapabilityFailsValidation) {
  // Only a stage that writes checkpoints can be scored, taught from or reported as training.
  Workspace ws;
  const auto file = ws.pipeline(std::string(kTinyPipeline) +
                                "\n[stages.kd]\nkind = \"distill\"\nteacher = \"evaluate\"\nstudent = \"net\"\n"
                                "data = \"train\"\n\n[stages.report]\nkind = \"report\"\n");
  const auto outcome = ws.validate(file);
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("stages.kd.teacher: stage 'evaluate' (evaluate) writes no checkpoint.pt; it writes "
                                     "scores.csv, per_image.csv"));
  const auto report = ws.pipeline(std::string(kTinyPipeline) + "\n[stages.a]\nkind = \"report\"\n\n"
                                  "[stages.b]\nkind = \"report\"\nstages = [\"evaluate\", \"a\"]\n", "report.toml");
  EXPECT_THAT(ws.validate(report).err,
              HasSubstr("stages.b.stages: stage 'a' writes no results a report shows (scores.csv, efficiency.csv, "
                        "metrics.csv)"));
}

TEST(BadCheckpoint, FolderGivenAsCheckpointFailsValidation) {
  Workspace ws;
  const auto file = ws.pipeline(std::string(kTinyPipeline) + "\n[stages.file]\nkind = \"benchmark\"\ncheckpoints = [\"" +
                                ws.path.string() + "\"]\n");
  const auto outcome = ws.validate(file);
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr(ws.path.string() + " is not a file"));
}

/// Runs the scoring pipeline with `copy` good, then with `copy` spoilt by `spoil`: the
/// second run fails naming the file, and the first run's scores stay byte for byte.
void expect_failed_rescore_keeps_scores(const std::function<void(const fs::path&)>& spoil, const std::string& message) {
  Trained ws;
  ASSERT_EQ(ws.first.code, 0) << ws.first.said();
  fs::copy_file(ws.checkpoint, ws.copy);
  const auto file = ws.scoring_pipeline();
  ASSERT_EQ(ws.run(file).code, 0);
  const auto before = results_under(ws.workdir() / "tiny" / "file");
  ASSERT_TRUE(before.count("scores.csv"));
  spoil(ws.copy);
  const auto outcome = ws.run(file);
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr(ws.copy.string()));
  EXPECT_THAT(outcome.err, HasSubstr(message));
  EXPECT_EQ(results_under(ws.workdir() / "tiny" / "file"), before);
}

TEST(BadCheckpoint, TruncatedCheckpointKeepsThePreviousScores) {
  expect_failed_rescore_keeps_scores([](const fs::path& f) { fs::resize_file(f, fs::file_size(f) / 2); },
                                     "cannot read checkpoint");
}

TEST(BadCheckpoint, TextFileAsCheckpointKeepsThePreviousScores) {
  expect_failed_rescore_keeps_scores([](const fs::path& f) { std::ofstream(f, std::ios::trunc) << "weights\n"; },
                                     "cannot read checkpoint");
}

TEST(BadCheckpoint, EmptyCheckpointKeepsThePreviousScores) {
  expect_failed_rescore_keeps_scores([](const fs::path& f) { std::ofstream(f, std::ios::trunc); },
                                     "cannot read checkpoint");
}

TEST(BadCheckpoint, ReplacedCheckpointReRunsTheStagesThatReadIt) {
  // The fingerprint once hashed the path: a new file at the same path kept the old scores.
  Trained ws;
  ASSERT_EQ(ws.first.code, 0);
  fs::copy_file(ws.checkpoint, ws.copy);
  const auto file = ws.scoring_pipeline();
  ASSERT_EQ(ws.run(file).code, 0);
  const std::string first_scores = read_file(ws.workdir() / "tiny" / "file" / "scores.csv");
  ASSERT_EQ(ws.run(ws.file, {"--set", "stages.train.epochs=1"}).code, 0);  // another model at the same path
  fs::copy_file(ws.checkpoint, ws.copy, fs::copy_options::overwrite_existing);
  const auto outcome = ws.run(file);
  ASSERT_EQ(outcome.code, 0) << outcome.said();
  EXPECT_THAT(outcome.err, HasSubstr("stage file (evaluate) starts"));
  EXPECT_THAT(outcome.err, HasSubstr("(model.tiny_unet, epoch 1)")) << "the new file (epoch 1) was not the one scored";
  EXPECT_THAT(first_scores, HasSubstr(ws.copy.string()));
}

TEST(BadCheckpoint, AnotherModelsCheckpointInAStageFolderIsRefused) {
  // Once scored under the stage's name as if it were the stage's model.
  Trained ws;
  ASSERT_EQ(ws.first.code, 0);
  const auto other = ws.pipeline(replaced(replaced(kTinyPipeline, "channels = [4, 8, 8, 8]", "channels = [8, 8, 8, 8]"),
                                          "name = \"tiny\"", "name = \"other\""),
                                 "other.toml");
  ASSERT_EQ(ws.run(other).code, 0);
  fs::copy_file(ws.workdir() / "other" / "train" / "checkpoint.pt", ws.checkpoint, fs::copy_options::overwrite_existing);
  const auto before = results_under(ws.workdir() / "tiny" / "evaluate");
  const auto outcome = ws.run(ws.file, {"--force", "evaluate"});
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("checkpoint " + ws.checkpoint.string() + " holds model.tiny_unet"));
  EXPECT_THAT(outcome.err, HasSubstr("but stage 'train' trains"));
  EXPECT_EQ(results_under(ws.workdir() / "tiny" / "evaluate"), before);
}

TEST(BadCheckpoint, InferWithAMissingCheckpoint) {
  Workspace ws;
  write_folder(ws.path / "photos", 1);
  const auto outcome = run_binary({"infer", "--checkpoint", (ws.path / "none.pt").string(),
                                (ws.path / "photos" / "images").string(), "--out", (ws.path / "out").string()});
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("model file " + (ws.path / "none.pt").string() + " does not exist"));
  EXPECT_FALSE(fs::exists(ws.path / "out"));
}

TEST(BadCheckpoint, InspectOfATruncatedCheckpoint) {
  Trained ws;
  ASSERT_EQ(ws.first.code, 0);
  fs::copy_file(ws.checkpoint, ws.copy);
  fs::resize_file(ws.copy, 100);
  const auto outcome = run_binary({"inspect", ws.copy.string()});
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("cannot read checkpoint " + ws.copy.string()));
}

TEST(BadCheckpoint, DistillFromATeacherFileOfAnUnknownModel) {
  // A checkpoint naming a plugin that is not on the plugin path: the run fails naming it.
  Trained ws;
  ASSERT_EQ(ws.first.code, 0);
  fs::copy_file(ws.checkpoint, ws.copy);
  const auto file = ws.pipeline("[pipeline]\nname = \"kd\"\ndevice = \"cpu\"\n[datasets.train]\nplugin = "
                                "\"synthetic_cracks\"\ncount = 4\nsize = 64\n[models.student]\nplugin = \"pct\"\n"
                                "[stages.kd]\nkind = \"distill\"\nteacher_checkpoint = \"" + ws.copy.string() +
                                    "\"\nstudent = \"student\"\ndata = \"train\"\nepochs = 1\n",
                                "kd.toml");
  RunSpec spec;
  spec.args = {"run", file.string(), "--workdir", ws.workdir().string()};
  spec.example_plugins = false;  // tiny_unet is the example plugin's
  const auto outcome = run_crackkd(spec);
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr(ws.copy.string()));
  EXPECT_THAT(outcome.err, HasSubstr("unknown model plugin 'tiny_unet'"));
}

}  // namespace

TEST(CheckpointLabels, FilesOfTwoRunsAtTheSameTailAreTwoModelsNotTwoSeeds) {
  // runA/train/checkpoint.pt and runB/train/checkpoint.pt were both "train/checkpoint",
  // and the report averaged them as seeds of one model.
  Workspace ws;
  for (const char* run : {"runA", "runB"})
    ASSERT_EQ(ws.run(ws.pipeline(replaced(kTinyPipeline, "name = \"tiny\"", std::string("name = \"") + run + "\""),
                                 std::string(run) + ".toml"))
                  .code,
              0);
  const auto a = (ws.workdir() / "runA" / "train" / "checkpoint.pt").string();
  const auto b = (ws.workdir() / "runB" / "train" / "checkpoint.pt").string();
  const std::string scoring = std::string(kTinyPipeline) + "\n[stages.files]\nkind = \"evaluate\"\ncheckpoints = [\"" +
                              a + "\", \"" + b + "\"]\ndata = \"val\"\nexamples = 0\n\n[stages.report]\nkind = "
                                                 "\"report\"\nstages = [\"files\"]\n";
  const auto outcome = ws.run(ws.pipeline(scoring, "score.toml"));
  EXPECT_ENDED_WITH(outcome, 0, ws.path);
  const std::string scores = read_file(ws.workdir() / "tiny" / "files" / "scores.csv");
  EXPECT_THAT(scores, HasSubstr("\nrunA/train/checkpoint,,")) << scores;
  EXPECT_THAT(scores, HasSubstr("\nrunB/train/checkpoint,,")) << scores;
  const std::string report = read_file(ws.workdir() / "tiny" / "report" / "report.md");
  EXPECT_THAT(report, HasSubstr("| runA/train/checkpoint |")) << report;
  EXPECT_THAT(report, HasSubstr("| runB/train/checkpoint |")) << report;

  // Labels a user sets must tell the files apart, and from the stages' models.
  for (const auto& [labels, said] :
       std::vector<std::pair<std::string, std::string>>{{"[\"x\", \"x\"]", "labels[1]: 'x' is used twice"},
                                                        {"[\"x\"]", "labels: 1 labels for 2 checkpoint files"},
                                                        {"[\"x\", \"train\"]", "labels[1]: 'train' is also a model"}}) {
    const auto bad = ws.validate(ws.pipeline(replaced(scoring, "data = \"val\"\nexamples = 0\n\n[stages.report]",
                                                      "labels = " + labels + "\nmodels = [\"train\"]\ndata = \"val\"\n"
                                                      "examples = 0\n\n[stages.report]"),
                                             "labels.toml"));
    EXPECT_ENDED_WITH(bad, 2, ws.path);
    EXPECT_THAT(bad.err, HasSubstr("stages.files." + said)) << bad.said();
  }
  const auto named = ws.run(ws.pipeline(replaced(scoring, "data = \"val\"\nexamples = 0\n\n[stages.report]",
                                                 "labels = [\"baseline\", \"tuned\"]\ndata = \"val\"\nexamples = 0\n\n"
                                                 "[stages.report]"),
                                        "score.toml"));
  EXPECT_ENDED_WITH(named, 0, ws.path);
  EXPECT_THAT(read_file(ws.workdir() / "tiny" / "files" / "scores.csv"), HasSubstr("\ntuned,,"));
}

TEST(InitFrom, AStageStartsFromACheckpointIsRerunWhenItChangesAndRefusesAnotherModel) {
  Workspace ws;
  ASSERT_EQ(ws.run(ws.pipeline(kTinyPipeline)).code, 0);
  const auto trained = ws.workdir() / "tiny" / "train" / "checkpoint.pt";
  const fs::path start = ws.path / "start.pt";
  fs::copy_file(trained, start);
  const std::string tune = replaced(replaced(kTinyPipeline, "name = \"tiny\"", "name = \"tune\""), "epochs = 2\n",
                                    "epochs = 1\ninit_from = \"" + start.string() + "\"\n");
  const auto file = ws.pipeline(tune, "tune.toml");
  const auto first = ws.run(file);
  EXPECT_ENDED_WITH(first, 0, ws.path);
  EXPECT_THAT(first.err, HasSubstr("train: starts from the weights of " + start.string() +
                                   " (model.tiny_unet, epoch 2, trained by tiny/train)"))
      << first.said();
  EXPECT_THAT(read_file(ws.workdir() / "tune" / "train" / "checkpoint.pt"), HasSubstr(start.string()))
      << "the checkpoint records where its training started";
  EXPECT_THAT(ws.run(file).err, HasSubstr("stage train (train) is up to date"));
  // Another file at the same path reruns the stage: tiny's train again, with another seed.
  ASSERT_EQ(ws.run(ws.pipeline(replaced(kTinyPipeline, "seed = 5", "seed = 6"), "other.toml")).code, 0);
  fs::copy_file(trained, start, fs::copy_options::overwrite_existing);  // now the seed-6 run's
  const auto changed = ws.run(file);
  EXPECT_ENDED_WITH(changed, 0, ws.path);
  EXPECT_THAT(changed.err, HasSubstr("stage train (train) starts")) << changed.said();

  // A checkpoint of the model with other options: every tensor that differs, both shapes.
  const auto wider = ws.run(ws.pipeline(replaced(tune, "channels = [4, 8, 8, 8]", "channels = [8, 8, 8, 8]"), "wide.toml"));
  EXPECT_ENDED_WITH(wider, 1, ws.path);
  EXPECT_THAT(wider.err, HasSubstr("init_from: " + start.string() + " does not fit the stage's model.tiny_unet"));
  EXPECT_THAT(wider.err, HasSubstr("encoder.0.body.0.weight: [8, 4, 3, 3] in the model, [4, 4, 3, 3] in the file"));

  // A CrackKD checkpoint given where a PoolFormer state dict is read points at init_from.
  const auto encoder = run_binary({"inspect", "pct", "--set", "encoder_weights=" + start.string()});
  EXPECT_NE(encoder.code, 0);
  EXPECT_THAT(encoder.err, HasSubstr("a CrackKD checkpoint, not a state dict: to start a training stage from its "
                                     "weights, give it as the stage's init_from"))
      << encoder.said();
}
