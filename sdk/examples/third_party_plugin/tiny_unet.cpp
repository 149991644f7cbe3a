// model.tiny_unet: a compact U-Net, the example third-party plugin.
//
// Encoder: a stride-2 stem, then four stages that each halve the resolution (strides 4, 8,
// 16, 32; their outputs are the features distillers read). Decoder: at each scale,
// upsample, concatenate the skip connection, two 3x3 convolutions. Every convolution is
// followed by GroupNorm (batch statistics are useless at the batch size of 2 that crack
// training uses) and ReLU. About 0.5 M parameters with the default channels.
//
//   [models.unet]
//   plugin   = "tiny_unet"
//   channels = [16, 32, 64, 128]   # stage widths at strides 4, 8, 16, 32

#include <crackkd/model.hpp>
#include <crackkd/plugin.hpp>

#include <torch/torch.h>

namespace {

struct TinyUNetOptions {
  std::vector<std::int64_t> channels = {16, 32, 64, 128};
  static void declare(crackkd::OptionSchema<TinyUNetOptions>& s) {
    s.optional("channels", &TinyUNetOptions::channels, "stage widths at strides 4, 8, 16 and 32")
        .size_is(4)
        .in_range(4, 4096);
  }
};

/// conv3x3 → GroupNorm → ReLU, twice; the first convolution may stride.
struct ConvBlockImpl : torch::nn::Module {
  ConvBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride) {
    auto groups = std::min<std::int64_t>(8, out);
    while (out % groups) --groups;
    body = register_module("body", torch::nn::Sequential(
        torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)),
        torch::nn::GroupNorm(groups, out), torch::nn::ReLU(true),
        torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, 3).padding(1).bias(false)),
        torch::nn::GroupNorm(groups, out), torch::nn::ReLU(true)));
  }
  torch::Tensor forward(const torch::Tensor& x) { return body->forward(x); }
  torch::nn::Sequential body{nullptr};
};
TORCH_MODULE(ConvBlock);

class TinyUNet : public crackkd::SegmentationModel {
 public:
  using Options = TinyUNetOptions;

  explicit TinyUNet(const Options& o) {
    const auto& c = o.channels;
    const std::int64_t stem_width = std::max<std::int64_t>(4, c[0] / 2);
    for (std::size_t i = 0; i < 4; ++i) channels_[i] = c[i];
    stem_ = register_module("stem", ConvBlock(3, stem_width, 2));
    std::int64_t in = stem_width;
    for (std::size_t i = 0; i < 4; ++i) {
      encoder_->push_back(ConvBlock(in, c[i], 2));
      in = c[i];
    }
    register_module("encoder", encoder_);
    // Decoder blocks from deep to shallow: 32→16, 16→8, 8→4, 4→2.
    const std::int64_t skips[4] = {c[2], c[1], c[0], stem_width};
    for (std::size_t i = 0; i < 4; ++i) {
      decoder_->push_back(ConvBlock(in + skips[i], skips[i], 1));
      in = skips[i];
    }
    register_module("decoder", decoder_);
    head_ = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, 1, 1)));
  }

  crackkd::ModelOutput forward(const at::Tensor& images) override {
    TORCH_CHECK(images.dim() == 4 && images.size(1) == 3, "tiny_unet expects Nx3xHxW images, got ", images.sizes());
    TORCH_CHECK(images.size(2) % 32 == 0 && images.size(3) % 32 == 0, "tiny_unet needs sides divisible by 32, got ",
                images.sizes());
    std::vector<torch::Tensor> skips{stem_->forward(images)};
    crackkd::ModelOutput out;
    torch::Tensor x = skips.back();
    for (std::size_t i = 0; i < 4; ++i) {
      x = encoder_[i]->as<ConvBlock>()->forward(x);
      out.features.push_back(x);
      skips.push_back(x);
    }
    for (std::size_t i = 0; i < 4; ++i) {
      const auto& skip = skips[3 - i];
      x = torch::nn::functional::interpolate(
          x, torch::nn::functional::InterpolateFuncOptions()
                 .size(std::vector<std::int64_t>{skip.size(2), skip.size(3)})
                 .mode(torch::kBilinear)
                 .align_corners(false));
      x = decoder_[i]->as<ConvBlock>()->forward(torch::cat({x, skip}, 1));
    }
    out.logits = torch::nn::functional::interpolate(
        head_->forward(x), torch::nn::functional::InterpolateFuncOptions()
                               .size(std::vector<std::int64_t>{images.size(2), images.size(3)})
                               .mode(torch::kBilinear)
                               .align_corners(false));
    return out;
  }

  std::array<std::int64_t, 4> feature_channels() const override { return channels_; }

 private:
  std::array<std::int64_t, 4> channels_{};
  ConvBlock stem_{nullptr};
  torch::nn::ModuleList encoder_;
  torch::nn::ModuleList decoder_;
  torch::nn::Conv2d head_{nullptr};
};

}  // namespace

CRACKKD_PLUGIN(model, tiny_unet, TinyUNet, "Compact U-Net (example third-party plugin), ~0.5 M parameters")
