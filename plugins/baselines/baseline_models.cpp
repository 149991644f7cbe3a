// The reference paper's lightweight baselines (Table 2) and its CNN student (Table 3), as its
// authors built them with segmentation_models_pytorch (one output class):
//
//   model.unet_resnet18    U-Net decoder on ResNet-18                 14.33 M parameters
//   model.mobilenetv2      FPN decoder on MobileNetV2 1.0              4.21 M
//   model.efficientnet_b0  FPN decoder on EfficientNet-B0              5.35 M (smp: 5.76 M,
//                          which counts the encoder's 1280-channel head that no feature uses;
//                          we do not build it)
//   model.mobilevit        DeepLabV3 head on MobileViT-XXS (stride 16)   1.85 M, as ml-cvnets
//                          builds it (the MobileViT paper's 1.9 M segmentation model)
//   model.mobileone        FPN decoder on MobileOne-S0                 6.27 M while training;
//                          in eval mode without gradients every block runs as the one
//                          convolution its branches re-parameterise into (3.05 M)
//
// Each returns logits at input resolution and its encoder's features at strides 4, 8, 16
// and 32, so every distiller works with every student. Encoders start from random weights
// unless `encoder_weights` names a torchvision state dict saved by Python:
//
//   python3 -c "import torch, torchvision; torch.save(torchvision.models.resnet18(weights='DEFAULT').state_dict(), 'r18.pt')"
//
//   [models.student]
//   plugin              = "unet_resnet18"
//   encoder_weights     = "r18.pt"
//   input_normalisation = "imagenet"   # standardised input, as torchvision's weights learnt on

#include "blocks/efficientnet_b0_encoder.hpp"
#include "blocks/fpn_decoder.hpp"
#include "blocks/mobilenet_v2_encoder.hpp"
#include "blocks/mobileone_encoder.hpp"
#include "blocks/mobilevit_encoder.hpp"
#include "blocks/deeplabv3_head.hpp"
#include "blocks/resnet_encoder.hpp"
#include "blocks/state_dict_file.hpp"
#include "blocks/unet_decoder.hpp"
#include "imagenet_input.hpp"
#include "weights_file.hpp"

#include <crackkd/model.hpp>
#include <crackkd/plugin.hpp>

#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

namespace {

namespace cb = crackkd::baselines;
using crackkd::ConfigError;
using crackkd::OptionSchema;
using crackkd::Params;

struct EncoderWeights {
  std::string encoder_weights;
  std::string input_normalisation = "none";

  void check_weights(const Params& p) const {
    if (!encoder_weights.empty() && !std::filesystem::is_regular_file(encoder_weights))
      throw ConfigError(p.at("encoder_weights").where,
                        p.qualified("encoder_weights") + ": no such file '" + encoder_weights + "'");
  }
  /// The file's size and time: a new weights file makes training stages rerun.
  std::string fingerprint() const { return crackkd::plugin_common::weights_file_fingerprint(encoder_weights); }
  void load_into(torch::nn::Module& encoder) const {
    if (encoder_weights.empty()) return;
    try {
      cb::load_state_dict_file(encoder, encoder_weights);
    } catch (const std::runtime_error& e) {
      throw crackkd::Error(std::string("encoder_weights: ") + e.what());
    }
    if (input_normalisation == "none")
      spdlog::warn("{}: {}", encoder_weights, crackkd::plugin_common::kUnstandardisedImageNetInput);
  }
  /// The encoder's input: `images` as given, or standardised as ImageNet weights expect.
  at::Tensor encoder_input(const at::Tensor& images) const {
    return input_normalisation == "imagenet" ? crackkd::plugin_common::imagenet_standardised(images) : images;
  }
};

template <class Options>
void declare_weights(OptionSchema<Options>& s) {
  s.optional("encoder_weights", &Options::encoder_weights,
             "torchvision state dict (torch.save(model.state_dict(), PATH)) to start the encoder from; \"\" = random. "
             "A checkpoint holds the trained weights and goes without the file")
      .initialisation_only();
  crackkd::plugin_common::declare_input_normalisation(s, &Options::input_normalisation);
}

struct FpnOptions : EncoderWeights {
  std::int64_t pyramid_channels = 256;
  std::int64_t segmentation_channels = 128;
  double dropout = 0.2;
  double drop_path = 0.2;  // EfficientNet-B0 only

  template <class O> static void declare_fpn(OptionSchema<O>& s, bool weights = true) {
    s.optional("pyramid_channels", &O::pyramid_channels, "FPN top-down pyramid width").in_range(1, 4096);
    s.optional("segmentation_channels", &O::segmentation_channels, "width of the per-level segmentation blocks (a multiple of 32: GroupNorm(32))")
        .in_range(32, 4096);
    s.optional("dropout", &O::dropout, "spatial dropout before the head").in_range(0.0, 0.95);
    if (weights) declare_weights(s);
  }
  void check(const Params& p) const {
    if (segmentation_channels % 32)
      throw ConfigError(p.at("segmentation_channels").where,
                        p.qualified("segmentation_channels") + ": " + std::to_string(segmentation_channels) +
                            " is not a multiple of 32 (GroupNorm with 32 groups)");
    check_weights(p);
  }
};

struct MobileNetV2Options : FpnOptions {
  static void declare(OptionSchema<MobileNetV2Options>& s) { declare_fpn(s); }
};
struct EfficientNetB0Options : FpnOptions {
  static void declare(OptionSchema<EfficientNetB0Options>& s) {
    declare_fpn(s);
    s.optional("drop_path", &EfficientNetB0Options::drop_path, "stochastic depth of the last MBConv (rises linearly from 0)")
        .in_range(0.0, 0.95);
  }
};

struct MobileOneOptions : FpnOptions {
  std::int64_t branches = 4;
  static void declare(OptionSchema<MobileOneOptions>& s) {
    declare_fpn(s, /*weights=*/false);
    s.optional("branches", &MobileOneOptions::branches, "conv-BN branches k of every block while training (S0: 4)")
        .in_range(1, 16);
  }
};

struct UnetResNet18Options : EncoderWeights {
  std::vector<std::int64_t> decoder_channels{256, 128, 64, 32, 16};
  static void declare(OptionSchema<UnetResNet18Options>& s) {
    s.optional("decoder_channels", &UnetResNet18Options::decoder_channels, "widths of the five decoder blocks")
        .size_is(5).in_range(1, 4096);
    declare_weights(s);
  }
  void check(const Params& p) const { check_weights(p); }
};

/// An encoder and an FPN decoder.
template <class Encoder, class O>
class FpnModel : public crackkd::SegmentationModel {
 public:
  using Options = O;
  template <class... EncoderArgs>
  FpnModel(const Options& o, EncoderArgs... args) : encoder_(register_module("encoder", Encoder(args...))) {
    const auto c = Encoder::Impl::channels();
    cb::FpnDecoderOptions d{{c[1], c[2], c[3], c[4]}, o.pyramid_channels, o.segmentation_channels, o.dropout};
    decoder_ = register_module("decoder", cb::FpnDecoder(d));
    o.load_into(*encoder_);
    input_ = o;
  }
  static std::string input_fingerprint(const Options& o) { return o.fingerprint(); }
  crackkd::ModelOutput forward(const at::Tensor& images) override {
    auto f = encoder_->forward(input_.encoder_input(images));
    std::vector<at::Tensor> features(f.begin() + 1, f.end());
    return {decoder_->forward(features), features};
  }
  std::array<std::int64_t, 4> feature_channels() const override {
    const auto c = Encoder::Impl::channels();
    return {c[1], c[2], c[3], c[4]};
  }

 private:
  EncoderWeights input_;
  Encoder encoder_;
  cb::FpnDecoder decoder_{nullptr};
};

class MobileNetV2Fpn : public FpnModel<cb::MobileNetV2Encoder, MobileNetV2Options> {
 public:
  explicit MobileNetV2Fpn(const Options& o) : FpnModel(o) {}
};

class EfficientNetB0Fpn : public FpnModel<cb::EfficientNetB0Encoder, EfficientNetB0Options> {
 public:
  explicit EfficientNetB0Fpn(const Options& o) : FpnModel(o, o.drop_path) {}
};

class MobileOneFpn : public FpnModel<cb::MobileOneEncoder, MobileOneOptions> {
 public:
  explicit MobileOneFpn(const Options& o) : FpnModel(o, o.branches) {}
};

struct MobileViTOptions {
  std::int64_t aspp_channels = 256;
  std::vector<std::int64_t> rates{6, 12, 18};
  double dropout = 0.1;
  static void declare(OptionSchema<MobileViTOptions>& s) {
    s.optional("aspp_channels", &MobileViTOptions::aspp_channels, "width of the ASPP branches and projection").in_range(1, 4096);
    s.optional("rates", &MobileViTOptions::rates, "dilation rates of the three 3x3 ASPP branches").size_is(3).in_range(1, 64);
    s.optional("dropout", &MobileViTOptions::dropout, "dropout after the ASPP projection").in_range(0.0, 0.95);
  }
};

/// DeepLabV3 on MobileViT-XXS at output stride 16. The distillers' fourth feature (stride
/// 32) is the last layer's output averaged over 2x2: that layer stays at stride 16 here.
class MobileViTDeepLab : public crackkd::SegmentationModel {
 public:
  using Options = MobileViTOptions;
  explicit MobileViTDeepLab(const Options& o) {
    encoder_ = register_module("encoder", cb::MobileViTEncoder());
    cb::DeepLabV3HeadOptions h;
    h.in_channels = cb::MobileViTEncoderImpl::channels()[4];
    h.channels = o.aspp_channels;
    h.rates = {o.rates[0], o.rates[1], o.rates[2]};
    h.dropout = o.dropout;
    decoder_ = register_module("decoder", cb::DeepLabV3Head(h));
  }
  crackkd::ModelOutput forward(const at::Tensor& images) override {
    auto f = encoder_->forward(images);
    auto logits = decoder_->forward(f[4]);
    auto pooled = torch::avg_pool2d(f[4], {2, 2}, {2, 2}, {0, 0}, /*ceil_mode=*/true);
    return {logits, {f[1], f[2], f[3], pooled}};
  }
  std::array<std::int64_t, 4> feature_channels() const override {
    const auto c = cb::MobileViTEncoderImpl::channels();
    return {c[1], c[2], c[3], c[4]};
  }

 private:
  cb::MobileViTEncoder encoder_{nullptr};
  cb::DeepLabV3Head decoder_{nullptr};
};

class UnetResNet18 : public crackkd::SegmentationModel {
 public:
  using Options = UnetResNet18Options;
  explicit UnetResNet18(const Options& o) {
    encoder_ = register_module("encoder", cb::ResNetEncoder());
    const auto& w = o.decoder_channels;
    decoder_ = register_module("decoder", cb::UnetDecoder(cb::ResNetEncoderImpl::channels(), std::array<std::int64_t, 5>{w[0], w[1], w[2], w[3], w[4]}));
    o.load_into(*encoder_);
    input_ = o;
  }
  static std::string input_fingerprint(const Options& o) { return o.fingerprint(); }
  crackkd::ModelOutput forward(const at::Tensor& images) override {
    auto f = encoder_->forward(input_.encoder_input(images));
    auto logits = decoder_->forward(f);
    return {logits, {f[1], f[2], f[3], f[4]}};
  }
  std::array<std::int64_t, 4> feature_channels() const override { return {64, 128, 256, 512}; }

 private:
  EncoderWeights input_;
  cb::ResNetEncoder encoder_{nullptr};
  cb::UnetDecoder decoder_{nullptr};
};

}  // namespace

CRACKKD_PLUGIN(model, unet_resnet18, UnetResNet18,
               "U-Net on a ResNet-18 encoder (the reference paper's CNN student, Table 3), 14.3 M parameters")
CRACKKD_PLUGIN(model, mobilenetv2, MobileNetV2Fpn, "FPN on a MobileNetV2 1.0 encoder (seed Table 2 baseline), 4.2 M parameters")
CRACKKD_PLUGIN(model, mobileone, MobileOneFpn,
               "FPN on a MobileOne-S0 encoder (seed Table 2 baseline), 6.3 M parameters training, one conv per block in eval")
CRACKKD_PLUGIN(model, mobilevit, MobileViTDeepLab,
               "DeepLabV3 (ASPP 256, rates 6/12/18) on MobileViT-XXS at output stride 16 (seed Table 2 baseline), 1.85 M parameters")
CRACKKD_PLUGIN(model, efficientnet_b0, EfficientNetB0Fpn,
               "FPN on an EfficientNet-B0 encoder (seed Table 2 baseline), 5.35 M parameters")
