// The teacher-output cache: each sample stored once under its input's hash, read back by
// any later stage (or process) that shows the teacher the same image, rounded to float16
// either way; an entry cut short is computed again; a read-only cache stores nothing.

#include "test_support.hpp"
#include "training/teacher_cache.hpp"
#include "training/teacher_forward.hpp"

#include <crackkd/model.hpp>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace crackkd;
namespace fs = std::filesystem;

namespace {

class TeacherCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(1);
    teacher_ = host_->create<SegmentationModel>("model", test::component("tiny_unet", "channels = [4, 4, 4, 4]"));
    forward_ = std::make_unique<training::TeacherForward>(*teacher_, "model.tiny_unet");
  }
  std::size_t entries() const {
    if (!fs::exists(folder_)) return 0;
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()));
  }

  test::TempDir dir_;
  fs::path folder_ = dir_.path / "cache";
  std::unique_ptr<host::PluginHost> host_ = test::make_host();
  std::shared_ptr<SegmentationModel> teacher_;
  std::unique_ptr<training::TeacherForward> forward_;
  at::Tensor images_ = at::rand({2, 3, 32, 32});
};

}  // namespace

TEST_F(TeacherCacheTest, StoresEachSampleOnceAndReadsItBackRoundedToHalf) {
  training::TeacherCache first(folder_, true);
  const auto computed = first.forward(*forward_, images_);
  EXPECT_EQ(first.computed(), 2u);
  EXPECT_EQ(first.read(), 0u);
  const auto live = (*forward_)(images_);
  EXPECT_TRUE(computed.logits.equal(live.logits.to(at::kHalf).to(at::kFloat)));
  ASSERT_EQ(computed.features.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k)
    EXPECT_TRUE(computed.features[k].equal(live.features[k].to(at::kHalf).to(at::kFloat))) << "feature " << k;
  EXPECT_EQ(entries(), 2u);

  // Another stage: a batch of one stored image and a new one.
  training::TeacherCache second(folder_, true);
  const auto out = second.forward(*forward_, at::stack({images_[1], at::rand({3, 32, 32})}));
  EXPECT_EQ(second.read(), 1u);
  EXPECT_EQ(second.computed(), 1u);
  EXPECT_TRUE(out.logits[0].equal(computed.logits[1]));
  for (std::size_t k = 0; k < 4; ++k) EXPECT_TRUE(out.features[k][0].equal(computed.features[k][1]));
  EXPECT_EQ(entries(), 3u);
  EXPECT_EQ(training::TeacherCache::bytes_per_sample(*forward_, images_[0]),
            fs::file_size(fs::directory_iterator(folder_)->path()));
}

TEST_F(TeacherCacheTest, AnEntryCutShortIsComputedAgain) {
  training::TeacherCache(folder_, true).forward(*forward_, images_);
  const fs::path cut = fs::directory_iterator(folder_)->path();
  const auto whole = fs::file_size(cut);
  fs::resize_file(cut, whole / 2);
  training::TeacherCache again(folder_, true);
  again.forward(*forward_, images_);
  EXPECT_EQ(again.read(), 1u);
  EXPECT_EQ(again.computed(), 1u);
  EXPECT_EQ(fs::file_size(cut), whole);
}

TEST_F(TeacherCacheTest, AReadOnlyCacheStoresNothing) {
  training::TeacherCache read_only(folder_, false);
  read_only.forward(*forward_, images_);
  EXPECT_EQ(read_only.computed(), 2u);
  EXPECT_EQ(entries(), 0u);
}
