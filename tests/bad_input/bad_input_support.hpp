#pragma once
// The bad-input suite's common ground: a workspace with a tiny pipeline that trains in
// seconds, small image folders written here, and the checks every case makes (no
// temporary left, earlier results intact, the process ended by exit and not by a signal).

#include "bad_input/subprocess.hpp"
#include "tiny_pipeline.hpp"

#include <gmock/gmock.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <map>

namespace crackkd::test {

/// A pipeline training the example model on 8 synthetic 64-pixel walls for 2 epochs,
/// then scoring it: a few seconds. Tests append tables to it or change a line (`replaced`).
inline const std::string kTinyPipeline =
    TinyPipeline{.train_images = 8, .val_images = 4, .val_seed = 2, .model = "net"}.text() + R"(
[stages.train]
kind = "train"
model = "net"
data = "train"
epochs = 2
batch_size = 4

[stages.evaluate]
kind = "evaluate"
models = ["train"]
data = "val"
examples = 0
)";

inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("no '" + from + "' in the pipeline text");
  return text.replace(at, from.size(), to);
}

/// A temporary folder with a pipeline file and a workdir in it.
struct Workspace : TempDir {
  fs::path workdir() const { return path / "runs"; }
  fs::path pipeline(const std::string& text, const std::string& name = "tiny.toml") const { return write(name, text); }
  /// `crackkd run FILE --workdir W` plus `extra` arguments.
  Outcome run(const fs::path& file, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"run", file.string(), "--workdir", workdir().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_binary(args);
  }
  Outcome validate(const fs::path& file, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"validate", file.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_binary(args);
  }
};

/// Files under `folder` that a write in progress uses ("….tmp<pid>").
inline std::vector<std::string> temporaries_under(const fs::path& folder) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto at = name.rfind(".tmp");
    if (at != std::string::npos && at + 4 < name.size() &&
        name.find_first_not_of("0123456789", at + 4) == std::string::npos)
      found.push_back(it->path().string());
  }
  return found;
}

/// Every result file under `folder` with its bytes: what a failed rerun must leave as it
/// was. Left out: the log, the lock, and stage.done, which a stage drops when it starts
/// (it reruns next time; its earlier results stay readable).
inline std::map<std::string, std::string> results_under(const fs::path& folder) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file() || name == "log.txt" || name == ".lock" || name == "stage.done") continue;
    files[fs::relative(it->path(), folder).string()] = read_file(it->path());
  }
  return files;
}

/// The process ended by itself (no signal), with `code`, and left no temporary under `folder`.
#define EXPECT_ENDED_WITH(outcome, expected_code, folder)                                     \
  do {                                                                                        \
    EXPECT_EQ((outcome).signal, 0) << (outcome).said();                                       \
    EXPECT_EQ((outcome).code, expected_code) << (outcome).said();                             \
    EXPECT_THAT(::crackkd::test::temporaries_under(folder), ::testing::IsEmpty());            \
  } while (0)

/// A wall with a dark diagonal crack, `size` pixels square, and its mask in `values` (255 or 1 for crack).
inline void write_pair(const fs::path& root, const std::string& stem, int size, int crack_value,
                       const std::string& mask_ext = ".png") {
  cv::Mat image(size, size, CV_8UC3, cv::Scalar(150, 160, 170));
  cv::Mat mask(size, size, CV_8UC1, cv::Scalar(0));
  cv::line(image, {0, 0}, {size - 1, size - 1}, cv::Scalar(30, 30, 30), 3);
  cv::line(mask, {0, 0}, {size - 1, size - 1}, cv::Scalar(crack_value), 3);
  fs::create_directories(root / "images");
  fs::create_directories(root / "masks");
  cv::imwrite((root / "images" / (stem + ".png")).string(), image);
  cv::imwrite((root / "masks" / (stem + mask_ext)).string(), mask);
}

/// A folder data set of `count` pairs under `root`.
inline fs::path write_folder(const fs::path& root, int count, int size = 64, int crack_value = 255) {
  for (int i = 0; i < count; ++i) write_pair(root, "wall_" + std::to_string(i), size, crack_value);
  return root;
}

}  // namespace crackkd::test
