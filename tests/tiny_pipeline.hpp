#pragma once
// The tests' tiny pipeline, written once: [pipeline] on the CPU, synthetic crack images
// ([datasets.train], and [datasets.val] when asked for) and a tiny U-Net, to which a test
// appends its noises, other models and stages. A test sets only what it needs to differ:
//
//   const std::string kPipeline = test::TinyPipeline{.name = "loop", .seed = 2, .train_images = 4}.text() + R"(
//   [stages.train]
//   kind = "train"
//   model = "unet"
//   data = "train"
//   )";

#include <cstdint>
#include <optional>
#include <string>

namespace crackkd::test {

struct TinyPipeline {
  std::string name = "tiny";
  std::optional<std::int64_t> seed = 5;  ///< nullopt: the pipeline's default seed
  std::string extra = "";                ///< more [pipeline] lines ("threads = 1")
  std::int64_t train_images = 6;
  std::int64_t size = 64;                ///< the training images' side
  std::int64_t val_images = 0;           ///< 0: no [datasets.val]
  std::int64_t val_size = 64;
  std::int64_t val_seed = 9;             ///< what makes [datasets.val] other images than train's
  std::string model = "unet";            ///< the tiny U-Net's [models.*] name
  std::string channels = "[4, 8, 8, 8]";

  std::string text() const {
    std::string t = "[pipeline]\nname = \"" + name + "\"\n";
    if (seed) t += "seed = " + std::to_string(*seed) + "\n";
    t += "device = \"cpu\"\n" + extra + "\n";
    t += "[datasets.train]\nplugin = \"synthetic_cracks\"\ncount = " + std::to_string(train_images) +
         "\nsize = " + std::to_string(size) + "\n\n";
    if (val_images > 0)
      t += "[datasets.val]\nplugin = \"synthetic_cracks\"\ncount = " + std::to_string(val_images) +
           "\nsize = " + std::to_string(val_size) + "\nseed = " + std::to_string(val_seed) + "\n\n";
    return t + "[models." + model + "]\nplugin = \"tiny_unet\"\nchannels = " + channels + "\n";
  }
};

}  // namespace crackkd::test
