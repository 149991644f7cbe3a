// Which device a stage's `device` name gives, and which collective backend its tensors
// then use: without a GPU here, the mapping is checked as a function of the host's CUDA
// device count and the process's local rank.

#include "distributed/process_group.hpp"
#include "runtime/device.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>

using crackkd::runtime::device_for;
using ::testing::HasSubstr;

namespace {

c10::Device cuda(int index) { return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index)); }

}  // namespace

TEST(Device, CpuStaysCpuWithOrWithoutGpusAndRanks) {
  const c10::Device cpu(c10::kCPU);
  EXPECT_EQ(device_for("cpu", 0, std::nullopt), cpu);
  EXPECT_EQ(device_for("cpu", 4, 3), cpu);
  EXPECT_EQ(device_for("auto", 0, std::nullopt), cpu);
  EXPECT_EQ(device_for("auto", 0, 1), cpu);  // a data-parallel run on a CPU host
}

TEST(Device, OneProcessUsesTheFirstGpu) {
  EXPECT_EQ(device_for("auto", 2, std::nullopt), cuda(0));
  EXPECT_EQ(device_for("cuda", 2, std::nullopt), c10::Device(c10::kCUDA));  // the current CUDA device
  EXPECT_EQ(device_for("cuda:1", 2, std::nullopt), cuda(1));
}

TEST(Device, EachLocalRankTakesItsOwnGpu) {
  for (int rank = 0; rank < 4; ++rank) {
    EXPECT_EQ(device_for("auto", 4, rank), cuda(rank));
    EXPECT_EQ(device_for("cuda", 4, rank), cuda(rank));
  }
  EXPECT_EQ(device_for("auto", 2, 3), cuda(1));  // more ranks than GPUs: they share, round robin
  EXPECT_EQ(device_for("cuda:0", 4, 3), cuda(0));  // an explicit GPU is taken as given
}

TEST(Device, ImpossibleRequestsAreErrorsNamingTheDevice) {
  EXPECT_THAT(crackkd::test::error_of([] { device_for("cuda", 0, std::nullopt); }),
              HasSubstr("device \"cuda\" requested but no CUDA device is available"));
  EXPECT_THAT(crackkd::test::error_of([] { device_for("cuda:1", 0, 1); }),
              HasSubstr("device \"cuda:1\" requested but no CUDA device is available"));
  EXPECT_THAT(crackkd::test::error_of([] { device_for("cuda:3", 2, std::nullopt); }),
              HasSubstr("device \"cuda:3\" requested but this host has 2 CUDA devices (cuda:0 … cuda:1)"));
  EXPECT_THAT(crackkd::test::error_of([] { device_for("gpu", 2, std::nullopt); }),
              HasSubstr("unknown device \"gpu\" (expected auto, cpu, cuda or cuda:N)"));
  EXPECT_THAT(crackkd::test::error_of([] { device_for("cuda:x", 2, std::nullopt); }),
              HasSubstr("unknown device \"cuda:x\""));
}

TEST(Device, CpuTensorsUseGlooAndCudaTensorsNcclWhereBuiltWithIt) {
  EXPECT_EQ(crackkd::distributed::ProcessGroup::backend_for(c10::Device(c10::kCPU)), "gloo");
#ifdef CRACKKD_WITH_NCCL
  EXPECT_EQ(crackkd::distributed::ProcessGroup::backend_for(cuda(0)), "nccl");
#else
  EXPECT_EQ(crackkd::distributed::ProcessGroup::backend_for(cuda(0)), "gloo");  // this LibTorch has no c10d NCCL
#endif
}

TEST(Device, AutoSaysWhyItPickedTheDevice) {
  using crackkd::runtime::auto_device_reason;
  const c10::Device cpu(c10::kCPU);
  EXPECT_EQ(auto_device_reason(false, 0, cpu), "cpu: this LibTorch is built without CUDA");
  EXPECT_EQ(auto_device_reason(true, 0, cpu), "cpu: this LibTorch has CUDA but sees no GPU (driver, CUDA_VISIBLE_DEVICES?)");
  EXPECT_EQ(auto_device_reason(true, 1, cuda(0)), "cuda:0: CUDA, 1 GPU visible");
  EXPECT_EQ(auto_device_reason(true, 4, cuda(2)), "cuda:2: CUDA, 4 GPUs visible");
}
