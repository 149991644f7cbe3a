// A full disk and a read-only workdir, on small tmpfs mounts made for the test (as root;
// skipped with a message otherwise). A full disk once aborted (SIGABRT) with a torn
// temporary: LibTorch's file writer threw again from its destructor. Now one line names
// the file and the free space, the previous checkpoint stays, and the exit code is 1.

#include "bad_input/bad_input_support.hpp"

#include <sys/mount.h>

using namespace crackkd::test;
using ::testing::HasSubstr;

namespace {

/// The tiny pipeline training PCT: a 2 MB checkpoint, which a 1 MiB disk cannot hold.
std::string pct_pipeline() {
  return replaced(kTinyPipeline, "plugin = \"tiny_unet\"\nchannels = [4, 8, 8, 8]", "plugin = \"pct\"\ndepths = [1, 1, 1, 1]");
}

/// A tmpfs of `size` mounted at `folder` for the scope's duration.
class Mount {
 public:
  Mount(const fs::path& folder, const std::string& options) : folder_(folder) {
    fs::create_directories(folder);
    mounted_ = ::mount("tmpfs", folder.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) why_ = std::strerror(errno);
  }
  ~Mount() {
    if (mounted_) ::umount2(folder_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  void remount_read_only() { ::mount("tmpfs", folder_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr); }

 private:
  fs::path folder_;
  bool mounted_ = false;
  std::string why_;
};

#define REQUIRE_MOUNT(mount)                                                                            \
  if (!(mount).mounted())                                                                               \
  GTEST_SKIP() << "cannot mount a tmpfs here (" << (mount).why() << "): the full-disk and read-only cases " \
                  "need root in a mount namespace that allows it"

TEST(Disk, FullDiskOnTheFirstCheckpointIsOneLineAndExit1) {
  Workspace ws;
  Mount disk(ws.workdir(), "size=1m");
  REQUIRE_MOUNT(disk);
  const auto outcome = ws.run(ws.pipeline(pct_pipeline()));
  EXPECT_ENDED_WITH(outcome, 1, ws.workdir());
  const fs::path checkpoint = ws.workdir() / "tiny" / "train" / "checkpoint.pt";
  EXPECT_THAT(outcome.err, HasSubstr("error: cannot write " + checkpoint.string() + ": No space left on device ("));
  EXPECT_THAT(outcome.err, HasSubstr("MiB free in " + checkpoint.parent_path().string()));
}

TEST(Disk, FullDiskOnARerunKeepsThePreviousCheckpoint) {
  Workspace ws;
  Mount disk(ws.workdir(), "size=32m");
  REQUIRE_MOUNT(disk);
  const auto file = ws.pipeline(pct_pipeline());
  ASSERT_EQ(ws.run(file).code, 0);
  const fs::path checkpoint = ws.workdir() / "tiny" / "train" / "checkpoint.pt";
  const std::string before = read_file(checkpoint);
  {  // leave ~1 MiB free
    std::ofstream filler(ws.workdir() / "filler", std::ios::binary);
    const std::string block(1 << 20, 'x');
    for (int i = 0; i < 64 && filler; ++i) filler << block << std::flush;
  }
  fs::resize_file(ws.workdir() / "filler", fs::file_size(ws.workdir() / "filler") - (1 << 20));
  const auto outcome = ws.run(file, {"--force", "train"});
  EXPECT_ENDED_WITH(outcome, 1, ws.workdir());
  EXPECT_THAT(outcome.err, HasSubstr("No space left on device"));
  EXPECT_EQ(read_file(checkpoint), before);
}

TEST(Disk, ReadOnlyWorkdirIsNamed) {
  Workspace ws;
  Mount disk(ws.workdir(), "size=1m");
  REQUIRE_MOUNT(disk);
  disk.remount_read_only();
  const auto outcome = ws.run(ws.pipeline(kTinyPipeline));
  EXPECT_ENDED_WITH(outcome, 1, ws.workdir());
  EXPECT_THAT(outcome.err, HasSubstr((ws.workdir() / "tiny").string()));
  EXPECT_THAT(outcome.err, HasSubstr("Read-only file system"));
}

TEST(Disk, WorkdirThatIsAFileIsNamed) {
  Workspace ws;
  std::ofstream(ws.workdir()) << "a file";
  const auto outcome = ws.run(ws.pipeline(kTinyPipeline));
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("cannot create the run folder " + (ws.workdir() / "tiny").string()));
}

TEST(Disk, ReadOnlyInferOutputIsNamed) {
  Workspace ws;
  ASSERT_EQ(ws.run(ws.pipeline(kTinyPipeline)).code, 0);
  write_folder(ws.path / "photos", 1);
  Mount out(ws.path / "out", "size=1m");
  REQUIRE_MOUNT(out);
  out.remount_read_only();
  const auto outcome = run_binary({"infer", "--checkpoint", (ws.workdir() / "tiny" / "train" / "checkpoint.pt").string(),
                                (ws.path / "photos" / "images").string(), "--out", (ws.path / "out").string()});
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr((ws.path / "out").string()));
}

}  // namespace
