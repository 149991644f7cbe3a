// Inputs that used to pass silently or fail unclearly: numbers that are not finite, a
// path that expands to nothing, a pipeline file named with spaces and accents, results
// written into the photo folder, a symlink loop among the photos, and the command line's
// own mistakes (an unknown command, --version).

#include "bad_input/bad_input_support.hpp"

#include <cstdlib>
#include <fstream>

using namespace crackkd::test;
using ::testing::HasSubstr;

namespace {

struct FlagCase {
  std::string name;
  std::vector<std::string> args;
  std::string flag;
};

std::ostream& operator<<(std::ostream& out, const FlagCase& c) { return out << c.name; }

class NonFiniteFlag : public ::testing::TestWithParam<FlagCase> {};

TEST_P(NonFiniteFlag, IsRefusedWithExit2NamingTheFlag) {
  const auto outcome = run_binary(GetParam().args);
  EXPECT_EQ(outcome.signal, 0) << outcome.said();
  EXPECT_EQ(outcome.code, 2) << outcome.said();
  EXPECT_THAT(outcome.err, HasSubstr(GetParam().flag)) << outcome.said();
  EXPECT_THAT(outcome.err, HasSubstr("is not a finite number")) << outcome.said();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NonFiniteFlag,
    ::testing::Values(FlagCase{"InferThreshold", {"infer", "--model", "m.pt", "x.png", "--out", "o", "--threshold", "nan"}, "--threshold"},
                      FlagCase{"InferScale", {"infer", "--model", "m.pt", "x.png", "--out", "o", "--mm-per-px", "nan"}, "--mm-per-px"},
                      FlagCase{"InferMarker", {"infer", "--model", "m.pt", "x.png", "--out", "o", "--marker-mm", "nan"}, "--marker-mm"},
                      FlagCase{"MeasureWidthClasses", {"measure", "x.png", "--out", "o", "--width-classes", "0.1,nan"}, "--width-classes"},
                      FlagCase{"MeasureMarkerSpread", {"measure", "x.png", "--out", "o", "--marker-mm", "50", "--marker-max-spread", "nan"}, "--marker-max-spread"},
                      FlagCase{"ExportThreshold", {"export", "m.pt", "--out", "m.onnx", "--threshold", "nan"}, "--threshold"},
                      FlagCase{"ExportInfinity", {"export", "m.pt", "--out", "m.onnx", "--threshold", "inf"}, "--threshold"},
                      FlagCase{"PreviewLevel", {"preview", "p.toml", "--levels", "0,nan"}, "--levels"}),
    [](const auto& info) { return info.param.name; });

TEST(NonFiniteNumber, InAnOverrideOrThePipelineFileIsRefusedNamingTheKey) {
  Workspace ws;
  const auto set = ws.validate(ws.pipeline(kTinyPipeline), {"--set", "stages.train.lr=nan"});
  EXPECT_ENDED_WITH(set, 2, ws.path);
  EXPECT_THAT(set.err, HasSubstr("stages.train.lr: nan is not a finite number"));
  const auto file = ws.validate(ws.pipeline(replaced(kTinyPipeline, "epochs = 2", "epochs = 2\nweight_decay = inf")));
  EXPECT_ENDED_WITH(file, 2, ws.path);
  EXPECT_THAT(file.err, HasSubstr("stages.train.weight_decay: inf is not a finite number"));
}

TEST(EmptyPath, AVariableThatExpandsToNothingIsRefusedNamingTheKeyAndTheVariable) {
  Workspace ws;
  const auto file = ws.pipeline(replaced(kTinyPipeline, "plugin = \"synthetic_cracks\"\ncount = 8\nsize = 64",
                                         "plugin = \"folder\"\nroot = \"${CRACKKD_TEST_UNSET_DATA:-}\""));
  RunSpec spec;
  spec.args = {"run", file.string(), "--workdir", ws.workdir().string()};
  spec.cwd = ws.path.string();  // a working folder with files a dataset could read
  const auto outcome = run_crackkd(spec);
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("datasets.train.root"));
  EXPECT_THAT(outcome.err, HasSubstr("CRACKKD_TEST_UNSET_DATA"));
  EXPECT_THAT(outcome.err, HasSubstr("expands to nothing"));
  EXPECT_FALSE(fs::exists(ws.workdir()));
}

TEST(FileNames, APipelineNamedWithSpacesAndAccentsRunsUnderItsOwnName) {
  Workspace ws;
  const auto file = ws.pipeline(replaced(kTinyPipeline, "name = \"tiny\"\n", ""), "my pipe été.toml");
  const auto outcome = ws.run(file);
  EXPECT_ENDED_WITH(outcome, 0, ws.path);
  EXPECT_TRUE(fs::exists(ws.workdir() / "my pipe été" / "train" / "checkpoint.pt")) << outcome.said();
}

/// A model trained once for the suite, and a photo folder.
class InferInputs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    trained_ = new Workspace;
    ASSERT_EQ(trained_->run(trained_->pipeline(kTinyPipeline)).code, 0);
  }
  static void TearDownTestSuite() {
    delete trained_;
    trained_ = nullptr;
  }
  static std::string checkpoint() { return (trained_->workdir() / "tiny" / "train" / "checkpoint.pt").string(); }
  Outcome infer(std::vector<std::string> inputs, const fs::path& out) const {
    std::vector<std::string> args{"infer", "--model", checkpoint()};
    args.insert(args.end(), inputs.begin(), inputs.end());
    args.insert(args.end(), {"--out", out.string()});
    return run_binary(args);
  }

  Workspace ws;

 private:
  static Workspace* trained_;
};
Workspace* InferInputs::trained_ = nullptr;

TEST_F(InferInputs, ResultsAreNeverReadAsPhotos) {
  const fs::path images = write_folder(ws.path / "photos", 2) / "images";
  const auto into_input = infer({images.string()}, images);
  EXPECT_ENDED_WITH(into_input, 1, ws.path);
  EXPECT_THAT(into_input.err, HasSubstr("holds the input folder")) << into_input.said();

  const fs::path out = ws.path / "results";
  ASSERT_EQ(infer({images.string()}, out).code, 0);
  // Run again on the photos and, by a shell glob, on the first run's results.
  const auto again = infer({(images / "wall_0.png").string(), (out / "wall_0_mask.png").string()}, out);
  EXPECT_ENDED_WITH(again, 0, ws.path);
  EXPECT_THAT(again.err, HasSubstr("skipping " + (out / "wall_0_mask.png").string() + ": it lies in --out"));
  EXPECT_FALSE(fs::exists(out / "wall_0_mask_mask.png"));
}

TEST_F(InferInputs, ASymlinkLoopAmongThePhotosIsSkippedAndTheOthersRun) {
  const fs::path images = write_folder(ws.path / "photos", 2) / "images";
  fs::create_symlink("loop.png", images / "loop.png");  // points at itself
  const auto outcome = infer({images.string()}, ws.path / "out");
  EXPECT_ENDED_WITH(outcome, 0, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("skipping " + (images / "loop.png").string())) << outcome.said();
  EXPECT_TRUE(fs::exists(ws.path / "out" / "wall_0_mask.png"));
  EXPECT_TRUE(fs::exists(ws.path / "out" / "wall_1_mask.png"));
}

TEST_F(InferInputs, AnArchiveCarryingCrackkdJsonButNoExportAttributesIsNamed) {
  // A checkpoint with crackkd.json added (as a hand-made or foreign export would carry it).
  const fs::path fake = ws.path / "fake_export.pt";
  fs::copy_file(checkpoint(), fake);
  const std::string add = "/usr/bin/python3 -c \"import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'a')"
                          ".writestr('archive/extra/crackkd.json', '{}')\" '" + fake.string() + "'";
  ASSERT_EQ(std::system(add.c_str()), 0) << add;
  write_folder(ws.path / "photos", 1);
  const auto outcome = run_binary({"infer", "--model", fake.string(), (ws.path / "photos" / "images").string(), "--out",
                                   (ws.path / "out").string()});
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr(fake.string() + " carries crackkd.json but lacks the attributes of a crackkd "
                                                     "export (crackkd_input_shape, crackkd_size_multiple"))
      << outcome.said();
  EXPECT_FALSE(fs::exists(ws.path / "out" / "summary.csv"));
}

TEST_F(InferInputs, AnExportSizeThatCannotFitIsRefusedBeforeTracingNamingTheFlagAndTheEstimate) {
  const auto out = ws.path / "huge.onnx";
  const auto outcome = run_binary({"export", checkpoint(), "--out", out.string(), "--size", "16384", "16384", "--batch", "8"});
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("export: --size 16384 16384 --batch 8: tracing model.tiny_unet at that size needs about "))
      << outcome.said();
  EXPECT_THAT(outcome.err, ::testing::ContainsRegex("GiB, and [0-9.]+ GiB of memory is available"));
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(run_binary({"export", checkpoint(), "--out", out.string(), "--size", "64", "64"}).code, 0);
}

TEST(LayoutHints, PhotosAndLabelsFoldersNameTheKeysThatReadThem) {
  Workspace ws;
  write_folder(ws.path / "data", 2);
  fs::rename(ws.path / "data" / "images", ws.path / "data" / "photos");
  fs::rename(ws.path / "data" / "masks", ws.path / "data" / "labels");
  const auto file = ws.pipeline(replaced(kTinyPipeline, "plugin = \"synthetic_cracks\"\ncount = 8\nsize = 64",
                                         "plugin = \"folder\"\nroot = \"" + (ws.path / "data").string() + "\""));
  const auto outcome = ws.run(file);
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("holds labels/, photos/")) << outcome.said();
  EXPECT_THAT(outcome.err, HasSubstr("`images` and `masks` keys"));

  // A relative root names the working folder it was read from (`check` lists problems on stdout).
  RunSpec relative;
  relative.args = {"check", ws.pipeline(replaced(kTinyPipeline, "plugin = \"synthetic_cracks\"\ncount = 8\nsize = 64",
                                                 "plugin = \"folder\"\nroot = \"nowhere\""), "relative.toml").string()};
  relative.cwd = ws.path.string();
  const auto lost = run_crackkd(relative);
  EXPECT_NE(lost.code, 0) << lost.said();
  EXPECT_THAT(lost.out, HasSubstr("relative root is read from the working folder " + ws.path.string())) << lost.said();
  EXPECT_THAT(lost.out, HasSubstr("CRACKKD_DATA"));
}

TEST(MaskFiles, CrackDrawnInTheAlphaChannelIsReadFromItNotAsAllCrack) {
  Workspace ws;
  write_folder(ws.path / "data", 1);
  for (const char* name : {"wall_0.png"}) {  // white RGB, the crack opaque
    const auto file = (ws.path / "data" / "masks" / name).string();
    const cv::Mat grey = cv::imread(file, cv::IMREAD_GRAYSCALE);
    cv::Mat rgba;
    cv::merge(std::vector<cv::Mat>{cv::Mat(grey.size(), CV_8UC3, cv::Scalar(255, 255, 255)), grey}, rgba);
    cv::imwrite(file, rgba);
  }
  const auto file = ws.pipeline(replaced(kTinyPipeline, "plugin = \"synthetic_cracks\"\ncount = 8\nsize = 64",
                                         "plugin = \"folder\"\nroot = \"" + (ws.path / "data").string() + "\""));
  const auto outcome = run_binary({"check", file.string()});
  EXPECT_EQ(outcome.code, 0) << outcome.said();
  EXPECT_THAT(outcome.err, HasSubstr("in the alpha channel")) << outcome.said();
  EXPECT_THAT(outcome.out, ::testing::Not(HasSubstr("100.00 %"))) << outcome.out;  // as all crack, before
  EXPECT_THAT(outcome.out, HasSubstr("| 10.64 % |")) << outcome.out;  // the diagonal, 3 px wide
}

TEST(MaskFiles, RedOnBlackMasksAreReadAsColourMasksSavedAsPngOrJpeg) {
  // The grey masks' crack share (10.64 %: the diagonal, 3 px wide) is the reference.
  for (const std::string ext : {".png", ".jpg"}) {
    Workspace ws;
    write_folder(ws.path / "data", 2);
    for (const char* stem : {"wall_0", "wall_1"}) {
      const auto grey_file = ws.path / "data" / "masks" / (std::string(stem) + ".png");
      const cv::Mat grey = cv::imread(grey_file.string(), cv::IMREAD_GRAYSCALE);
      cv::Mat red;
      cv::merge(std::vector<cv::Mat>{cv::Mat::zeros(grey.size(), CV_8U), cv::Mat::zeros(grey.size(), CV_8U), grey}, red);
      fs::remove(grey_file);
      cv::imwrite((ws.path / "data" / "masks" / (stem + ext)).string(), red);
    }
    const auto file = ws.pipeline(replaced(kTinyPipeline, "plugin = \"synthetic_cracks\"\ncount = 8\nsize = 64",
                                           "plugin = \"folder\"\nroot = \"" + (ws.path / "data").string() + "\""));
    const auto outcome = run_binary({"check", file.string()});
    EXPECT_THAT(outcome.out, HasSubstr("| colour: ")) << ext << "\n" << outcome.said();
    EXPECT_THAT(outcome.out, HasSubstr("| 10.64 % |")) << ext << "\n" << outcome.out;
  }
}

/// `image` as a JPEG carrying EXIF orientation `tag` (an APP1 segment after the SOI).
void write_tagged_jpeg(const fs::path& file, const cv::Mat& image, int tag) {
  std::vector<unsigned char> jpeg;
  cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 100});
  const std::vector<unsigned char> app1 = {
      0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,                      // marker, length 34, "Exif\0\0"
      'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,                          // big-endian TIFF, IFD0 at 8
      0x00, 0x01,                                                            // one entry:
      0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,                        // Orientation, SHORT, 1 value
      0x00, static_cast<unsigned char>(tag), 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};  // the value; no next IFD
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(jpeg.data()),
                                              static_cast<std::streamsize>(jpeg.size()));
}

TEST_F(InferInputs, AnExifTagTurnsThePhotoUprightAndAMaskDrawnOnTheStoredPixelsStillFits) {
  // A landscape photo stored 64 wide, 48 high, tagged 6 (a phone's portrait): viewers show
  // it 48 wide, 64 high. wall_0's mask is drawn upright, wall_1's on the stored pixels.
  const fs::path data = ws.path / "data";
  fs::create_directories(data / "images");
  fs::create_directories(data / "masks");
  cv::Mat stored(48, 64, CV_8UC3, cv::Scalar(150, 160, 170)), stored_mask(48, 64, CV_8UC1, cv::Scalar(0));
  cv::rectangle(stored, {0, 10}, {63, 13}, cv::Scalar(20, 20, 20), cv::FILLED);  // a crack along the stored rows
  cv::rectangle(stored_mask, {0, 10}, {63, 13}, cv::Scalar(255), cv::FILLED);
  cv::Mat upright_mask;
  cv::rotate(stored_mask, upright_mask, cv::ROTATE_90_CLOCKWISE);
  for (const char* stem : {"wall_0", "wall_1"}) write_tagged_jpeg(data / "images" / (std::string(stem) + ".jpg"), stored, 6);
  cv::imwrite((data / "masks" / "wall_0.png").string(), upright_mask);
  cv::imwrite((data / "masks" / "wall_1.png").string(), stored_mask);
  const auto file = ws.pipeline(replaced(kTinyPipeline, "plugin = \"synthetic_cracks\"\ncount = 8\nsize = 64",
                                         "plugin = \"folder\"\nroot = \"" + data.string() + "\""));
  const auto check = run_binary({"check", file.string()});
  EXPECT_THAT(check.err, HasSubstr("dataset folder: 2 photos of " + (data / "images").string() +
                                   " carry an EXIF orientation tag (wall_0.jpg: 6, turned 90° clockwise): read upright"))
      << check.said();
  EXPECT_THAT(check.out, HasSubstr("| 48x48 … 64x64 |")) << check.out;  // each photo as its mask has it
  EXPECT_THAT(check.out, HasSubstr("| 8.33 % |")) << check.out;  // 4 of 48 rows (or columns)
  EXPECT_THAT(check.out, ::testing::Not(HasSubstr("does not match"))) << check.out;

  // infer turns it upright too, and says so.
  const auto outcome = run_binary({"infer", "--model", checkpoint(), (data / "images" / "wall_0.jpg").string(),
                                   "--out", (ws.path / "out").string()});
  EXPECT_ENDED_WITH(outcome, 0, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("carries EXIF orientation 6 (turned 90° clockwise): segmented upright"));
  EXPECT_EQ(cv::imread((ws.path / "out" / "wall_0_mask.png").string(), cv::IMREAD_GRAYSCALE).size(), cv::Size(48, 64));
}

TEST(MixedSizes, PhotosATrainingStageCannotStackAreFoundByCheckAndBeforeTheRun) {
  Workspace ws;
  write_folder(ws.path / "data", 2);
  const cv::Mat wide(32, 48, CV_8UC3, cv::Scalar(90, 90, 90)), mask(32, 48, CV_8UC1, cv::Scalar(0));
  cv::imwrite((ws.path / "data" / "images" / "wide.png").string(), wide);
  cv::imwrite((ws.path / "data" / "masks" / "wide.png").string(), mask);
  const std::string folder = replaced(kTinyPipeline, "plugin = \"synthetic_cracks\"\ncount = 8\nsize = 64",
                                      "plugin = \"folder\"\nroot = \"" + (ws.path / "data").string() + "\"");
  const std::string said = "stages.train stacks 4 samples a batch, but train's differ in size after its augment "
                           "(width x height): ";
  const auto check = run_binary({"check", ws.pipeline(folder).string()});
  EXPECT_EQ(check.code, 1) << check.said();
  EXPECT_THAT(check.out, HasSubstr(said)) << check.out;
  EXPECT_THAT(check.out, HasSubstr("48x32 from " + (ws.path / "data" / "images" / "wide.png").string())) << check.out;
  EXPECT_THAT(check.out, HasSubstr("| size (W x H) |"));
  EXPECT_THAT(check.out, HasSubstr("| 48x32 … 64x64 |"));
  const auto run = ws.run(ws.pipeline(folder));
  EXPECT_ENDED_WITH(run, 1, ws.path);
  EXPECT_THAT(run.err, HasSubstr(said)) << run.said();
  EXPECT_FALSE(fs::exists(ws.workdir() / "tiny" / "train"));
  // One size after the stage's augment, or one sample a batch: nothing to say.
  const auto cropped = replaced(folder, "batch_size = 4\n", "batch_size = 4\naugment = [{ plugin = \"random_crop\", "
                                                             "size = [32, 32] }]\n");
  const auto single = replaced(folder, "batch_size = 4\n", "batch_size = 1\n");
  for (const auto& fine : {ws.pipeline(cropped, "cropped.toml"), ws.pipeline(single, "single.toml")}) {
    const auto outcome = run_binary({"validate", fine.string(), "--data"});  // the copied walls are only a warning
    EXPECT_EQ(outcome.code, 0) << outcome.said();
    EXPECT_THAT(outcome.out, ::testing::Not(HasSubstr("stacks"))) << outcome.out;
  }
}

TEST(ModelFiles, AnOnnxExportWhereACheckpointIsExpectedIsNamedWithWhereItRuns) {
  Workspace ws;
  const std::string onnx = ws.write("model.onnx", std::string("\x08\x07\x12\x07pytorch", 11)).string();
  const std::string junk = ws.write("model.bin", "not a model").string();
  write_folder(ws.path / "photos", 1);
  const std::string photos = (ws.path / "photos" / "images").string();
  for (const auto& outcome : {run_binary({"inspect", onnx}), run_binary({"infer", "--model", onnx, photos, "--out", "o"})}) {
    EXPECT_EQ(outcome.code, 1) << outcome.said();
    EXPECT_THAT(outcome.err, HasSubstr(onnx + " is an ONNX model")) << outcome.said();
    EXPECT_THAT(outcome.err, HasSubstr("ONNX Runtime"));
  }
  const auto other = run_binary({"inspect", junk});
  EXPECT_EQ(other.code, 1) << other.said();
  EXPECT_THAT(other.err, HasSubstr(junk + " is neither a checkpoint"));
}

TEST(Teachers, OneThatLearnedNothingIsNamedBeforeDistillation) {
  Workspace ws;
  // One epoch on 8 images: the tiny teacher scores ~0.05 on val, as untrained.
  const auto file = ws.pipeline(replaced(std::string(kTinyPipeline) +
                                             "\n[stages.student]\nkind = \"distill\"\nteacher = \"train\"\nstudent = "
                                             "\"net\"\ndata = \"train\"\nepochs = 1\nbatch_size = 4\n",
                                         "epochs = 2\nbatch_size = 4\n", "epochs = 1\nbatch_size = 4\nvalidate_on = \"val\"\n"));
  const auto outcome = ws.run(file);
  EXPECT_ENDED_WITH(outcome, 0, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("[warning] distill student: the teacher " +
                                     (ws.workdir() / "tiny" / "train").string() + "/"))
      << outcome.said();
  EXPECT_THAT(outcome.err, ::testing::ContainsRegex("scored val mDS 0\\.0[0-9]+ at its last epoch"));
  EXPECT_THAT(outcome.err, HasSubstr("learned (almost) nothing to teach"));
  // Its scores read as decimals (0.000000), never as 3.99447e-11.
  const std::string scores = read_file(ws.workdir() / "tiny" / "evaluate" / "scores.csv");
  EXPECT_THAT(scores, ::testing::ContainsRegex(",0\\.[0-9]{6},")) << scores;
  EXPECT_THAT(scores, ::testing::Not(::testing::ContainsRegex("[0-9]e-[0-9]"))) << scores;
}

TEST(CommandLine, AnUnknownCommandIsNamedWithExit2EvenWithHelp) {
  for (const auto& args : {std::vector<std::string>{"trian", "x.toml"}, std::vector<std::string>{"measurex", "--help"},
                           std::vector<std::string>{"--log-level", "warn", "rnu", "x.toml"}}) {
    const auto outcome = run_binary(args);
    EXPECT_EQ(outcome.code, 2) << outcome.said();
    EXPECT_THAT(outcome.err, HasSubstr("unknown command '" + args[args[0] == "--log-level" ? 2 : 0] + "'"));
    EXPECT_THAT(outcome.err, HasSubstr("the commands are run, validate"));
    EXPECT_EQ(outcome.out, "") << "no help text for an unknown command";
  }
  EXPECT_THAT(run_binary({"rnu", "x.toml"}).err, HasSubstr("(did you mean 'run'?)"));
}

TEST(CommandLine, AnUnknownOptionAndNoCommandExit2) {
  const auto option = run_binary({"run", "x.toml", "--wrokdir", "w"});
  EXPECT_EQ(option.code, 2) << option.said();
  EXPECT_THAT(option.err, HasSubstr("--wrokdir"));
  const auto nothing = run_binary({});
  EXPECT_EQ(nothing.code, 2) << nothing.said();
}

TEST(CommandLine, VersionNamesCrackKDLibTorchAndThePluginAbi) {
  const auto outcome = run_binary({"--version"});
  EXPECT_EQ(outcome.code, 0) << outcome.said();
  EXPECT_THAT(outcome.out, HasSubstr("crackkd 0."));
  EXPECT_THAT(outcome.out, HasSubstr("plugin ABI: SDK "));
  EXPECT_THAT(outcome.out, HasSubstr("LibTorch "));
}

}  // namespace
