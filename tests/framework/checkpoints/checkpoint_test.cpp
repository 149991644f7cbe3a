// Atomic writes: a checkpoint write that fails (the writer throws as on a full disk, the
// folder is missing, the file cannot be replaced) is an error naming the file, leaves the
// previous file byte for byte, and leaves no temporary file behind.

#include "checkpoints/checkpoint.hpp"
#include "io/durable_file.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <torch/torch.h>

#include <fstream>
#include <stdexcept>

using namespace crackkd;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& f : fs::directory_iterator(folder)) names.push_back(f.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// A real checkpoint of the example model at `file`.
void save_example_checkpoint(const fs::path& file, std::int64_t epoch) {
  auto host = test::make_host();
  const auto config = test::component("tiny_unet", "channels = [4, 8, 8, 8]");
  auto model = host->create<SegmentationModel>("model", config);
  checkpoints::save_checkpoint(file, *model, config, epoch);
}

}  // namespace

TEST(WriteAtomically, ReplacesTheFileAndLeavesNoTemporary) {
  test::TempDir dir;
  const fs::path file = dir.path / "metrics.csv";
  io::write_atomically(file, [](const fs::path& f) { std::ofstream(f) << "old\n"; });
  io::write_atomically(file, [](const fs::path& f) { std::ofstream(f) << "new\n"; });
  EXPECT_EQ(test::read_file(file), "new\n");
  EXPECT_EQ(names_in(dir.path), (std::vector<std::string>{"metrics.csv"}));
}

TEST(WriteAtomically, FailingWriterKeepsThePreviousCheckpoint) {
  test::TempDir dir;
  const fs::path file = dir.path / "checkpoint.pt";
  save_example_checkpoint(file, 1);
  const std::string before = test::read_file(file);
  const std::string message = test::error_of([&] {
    io::write_atomically(file, [](const fs::path& f) {
      std::ofstream(f) << "half a checkpoint";  // then the disk fills up
      throw std::runtime_error("No space left on device");
    });
  });
  EXPECT_THAT(message, testing::HasSubstr("cannot write " + file.string() + ": No space left on device"));
  EXPECT_EQ(test::read_file(file), before);
  EXPECT_EQ(names_in(dir.path), (std::vector<std::string>{"checkpoint.pt"}));
}

TEST(WriteAtomically, MissingFolderIsAnErrorNamingTheFile) {
  test::TempDir dir;
  const fs::path file = dir.path / "gone" / "checkpoint.pt";
  EXPECT_THAT(test::error_of([&] { save_example_checkpoint(file, 1); }),
              testing::HasSubstr("cannot write " + file.string()));
  EXPECT_TRUE(names_in(dir.path).empty());
}

TEST(WriteAtomically, FileThatCannotBeReplacedKeepsItsContents) {
  // A folder in the checkpoint's place: the rename fails after the data was written.
  test::TempDir dir;
  const fs::path file = dir.path / "checkpoint.pt";
  fs::create_directories(file);
  std::ofstream(file / "keep.txt") << "kept";
  EXPECT_THAT(test::error_of([&] { save_example_checkpoint(file, 2); }),
              testing::HasSubstr("cannot write " + file.string()));
  EXPECT_EQ(names_in(dir.path), (std::vector<std::string>{"checkpoint.pt"}));
  EXPECT_EQ(test::read_file(file / "keep.txt"), "kept");
}

TEST(AppendDurably, AppendsAndCreates) {
  test::TempDir dir;
  const fs::path file = dir.path / "steps.csv";
  io::append_durably(file, "epoch,step\n");
  io::append_durably(file, "1,1\n1,2\n");
  EXPECT_EQ(test::read_file(file), "epoch,step\n1,1\n1,2\n");
  EXPECT_THAT(test::error_of([&] { io::append_durably(dir.path / "gone" / "steps.csv", "1,1\n"); }),
              testing::HasSubstr("cannot append to " + (dir.path / "gone" / "steps.csv").string()));
}
