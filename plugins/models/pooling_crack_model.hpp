// model.poolingcrack and model.pct: the reference paper's teacher PoolingCrack and student
// PoolingCrack-Tiny (PCT): a PoolFormer encoder and a FaPN decoder (feature selection and
// deformable feature alignment) with one crack logit per pixel.
//
//   [models.teacher]                     [models.student]
//   plugin = "poolingcrack"              plugin = "pct"
//
// Defaults reproduce the sizes counted in ../shared/docs/METHODS.md (Sizes):
// poolingcrack: channels [64,128,320,512], depths [6,6,18,6], MLP ratio 4, dense patch
//   embedding, D = 128, G = 8, full FSM attention, 1x1 head: 31,478,345 parameters.
// pct ("B"): channels [48,96,192,384], blocks [2,2,2,2] as in the paper, depth-wise patch
//   embedding, MLP hidden widths [768, 48, 24, 24] (ratios [16, 0.5, 0.125, 0.0625]),
//   D = 48, G = 8, per-channel FSM attention, 1x1 head: 498,271 parameters and 2.72 G
//   multiply-accumulates at 448x448. The paper's 0.5 M parameters and 2.7 G MACs cannot
//   both hold with standard ratio-4 blocks at these channels (3.61 M parameters); "B"
//   keeps the channels, blocks and MAC count and puts its MLP width at 1/4 resolution,
//   where thin cracks live. Variant "A" (one rule for all stages) is
//   `mlp = "depthwise", mlp_ratio = [1,1,1,1], decoder_width = 96, deform_groups = 1,
//   head = "3x3"`: 536,872 parameters, 2.66 G MACs.
//
// `encoder_weights` starts the encoder from a PoolFormer ImageNet classifier saved by
// Python from timm (either timm layout, the old poolformer.py or metaformer.py):
//
//   python3 -c "import timm, torch; torch.save(timm.create_model('poolformer_s12', pretrained=True).state_dict(), 'poolformer_s12.pt')"
//
// The encoder must then have that network's shape: for poolformer_s12 `channels =
// [64, 128, 320, 512], depths = [2, 2, 6, 2], mlp_ratio = [4, 4, 4, 4], embedding =
// "dense", mlp = "dense"` (s24: depths [4, 4, 12, 4]; s36: [6, 6, 18, 6], poolingcrack's
// default shape). The embeddings' LayerNorms and the stage output norms, which a
// classifier lacks, keep their initial values. Any other shape is an error naming the
// tensor and what to set (poolformer_weights.hpp).
//
//   [models.teacher]
//   plugin              = "poolingcrack"
//   encoder_weights     = "poolformer_s36.pt"
//   input_normalisation = "imagenet"     # the input those weights learnt on (imagenet_input.hpp)
//
// Header-only: registered by pooling_crack_plugin.cpp, and built without Boost.DLL by the
// LibTorch-only device check (tests/gpu). The weights are read by the registered classes
// in pooling_crack_plugin.cpp only (the reader and the log are not LibTorch-only);
// PoolingCrackModel itself leaves `encoder_weights` alone.
#pragma once

#include "blocks/pooling_crack_network.hpp"
#include "imagenet_input.hpp"
#include "weights_file.hpp"

#include <crackkd/model.hpp>
#include <crackkd/options.hpp>

#include <cmath>
#include <filesystem>
#include <string>

namespace crackkd::models {

enum class Variant { Teacher, Tiny };

template <Variant V>
struct PoolingCrackModelOptions {
  static constexpr bool kTiny = V == Variant::Tiny;
  std::vector<std::int64_t> channels = kTiny ? std::vector<std::int64_t>{48, 96, 192, 384}
                                             : std::vector<std::int64_t>{64, 128, 320, 512};
  std::vector<std::int64_t> depths = kTiny ? std::vector<std::int64_t>{2, 2, 2, 2} : std::vector<std::int64_t>{6, 6, 18, 6};
  std::vector<double> mlp_ratio = kTiny ? std::vector<double>{16, 0.5, 0.125, 0.0625} : std::vector<double>{4, 4, 4, 4};
  std::string mlp = "dense";
  std::string embedding = kTiny ? "depthwise" : "dense";
  std::int64_t decoder_width = kTiny ? 48 : 128;
  std::int64_t deform_groups = 8;
  std::string fsm_attention = kTiny ? "per_channel" : "full";
  std::string head = "1x1";
  double drop_path = 0.0;
  double layer_scale_init = 1e-5;
  /// timm PoolFormer state dict; read by the registered model (pooling_crack_plugin.cpp).
  std::string encoder_weights;
  std::string input_normalisation = "none";

  static void declare(OptionSchema<PoolingCrackModelOptions>& s) {
    using O = PoolingCrackModelOptions;
    s.optional("channels", &O::channels, "encoder widths at strides 4, 8, 16, 32").size_is(4).in_range(1, 8192);
    s.optional("depths", &O::depths, "pooling blocks per stage").size_is(4).in_range(0, 64);
    s.optional("mlp_ratio", &O::mlp_ratio, "MLP hidden width / channels, per stage")
        .size_is(4).in_range(0.001, 64.0);
    s.optional("mlp", &O::mlp, "MLP 1x1 convs dense, or grouped by channel (depthwise)")
        .one_of({"dense", "depthwise"});
    s.optional("embedding", &O::embedding, "patch embedding: one dense conv, or depth-wise + 1x1")
        .one_of({"dense", "depthwise"});
    s.optional("decoder_width", &O::decoder_width, "FaPN decoder width D").in_range(1, 4096);
    s.optional("deform_groups", &O::deform_groups, "offset groups G of the deformable convolutions")
        .in_range(1, 1024);
    s.optional("fsm_attention", &O::fsm_attention, "FSM channel gate from all channels (full) or each its own")
        .one_of({"full", "per_channel"});
    s.optional("head", &O::head, "segmentation head: 1x1 conv, or 3x3 conv + ReLU + 1x1").one_of({"1x1", "3x3"});
    s.optional("drop_path", &O::drop_path, "stochastic depth of the last block (rises linearly from 0)")
        .in_range(0.0, 0.95);
    s.optional("layer_scale_init", &O::layer_scale_init, "initial layer scale of pooling blocks")
        .in_range(0.0, 10.0);
    s.optional("encoder_weights", &O::encoder_weights,
               "timm PoolFormer ImageNet state dict (torch.save(model.state_dict(), PATH)) to start the encoder "
               "from; \"\" = random. A checkpoint holds the trained weights and goes without the file")
        .initialisation_only();
    plugin_common::declare_input_normalisation(s, &O::input_normalisation);
  }

  std::array<std::int64_t, 4> hidden_widths() const {
    std::array<std::int64_t, 4> out{};
    for (std::size_t i = 0; i < 4; ++i) out[i] = std::max<std::int64_t>(1, std::llround(mlp_ratio[i] * static_cast<double>(channels[i])));
    return out;
  }

  /// The encoder these options build (the weights loader compares it with the file's).
  PoolFormerEncoderOptions encoder_options() const {
    PoolFormerEncoderOptions e;
    for (std::size_t i = 0; i < 4; ++i) {
      e.channels[i] = channels[i];
      e.depths[i] = depths[i];
    }
    e.mlp_hidden = hidden_widths();
    e.depthwise_mlp = mlp == "depthwise";
    e.depthwise_embedding = embedding == "depthwise";
    e.drop_path = drop_path;
    e.layer_scale_init = layer_scale_init;
    return e;
  }

  /// The weights file's size and time: a new file makes the stages that train this model rerun.
  std::string fingerprint() const { return plugin_common::weights_file_fingerprint(encoder_weights); }

  void check(const Params& p) const {
    if (!encoder_weights.empty() && !std::filesystem::is_regular_file(encoder_weights))
      throw ConfigError(p.at("encoder_weights").where,
                        p.qualified("encoder_weights") + ": no such file '" + encoder_weights + "'");
    if (decoder_width % deform_groups != 0)
      throw ConfigError(p.where(), p.qualified("decoder_width") + " (" + std::to_string(decoder_width) +
                                       ") must be a multiple of deform_groups (" + std::to_string(deform_groups) + ")");
    if (mlp == "depthwise")
      for (std::size_t i = 0; i < 4; ++i)
        if (hidden_widths()[i] % channels[i] != 0)
          throw ConfigError(p.where(), p.qualified("mlp_ratio") + ": a depthwise MLP needs whole ratios, stage " +
                                           std::to_string(i + 1) + " has " + std::to_string(mlp_ratio[i]));
  }
};

template <Variant V>
class PoolingCrackModel : public crackkd::SegmentationModel {
 public:
  using Options = PoolingCrackModelOptions<V>;

  explicit PoolingCrackModel(const Options& o) {
    PoolingCrackNetworkOptions net;
    net.encoder = o.encoder_options();
    for (std::size_t i = 0; i < 4; ++i) channels_[i] = net.decoder.in_channels[i] = o.channels[i];
    net.decoder.width = o.decoder_width;
    net.decoder.deform_groups = o.deform_groups;
    net.decoder.per_channel_attention = o.fsm_attention == "per_channel";
    net.decoder.head_3x3 = o.head == "3x3";
    network_ = PoolingCrackNetwork(net);
    imagenet_input_ = o.input_normalisation == "imagenet";
    // The network's parts are registered here directly: parameter names read
    // "encoder.stage1…", the same as the benchmarks' plain network.
    register_module("encoder", network_->encoder);
    register_module("decoder", network_->decoder);
  }

  crackkd::ModelOutput forward(const at::Tensor& images) override {
    auto [logits, features] = network_->forward(imagenet_input_ ? plugin_common::imagenet_standardised(images) : images);
    return {logits, features};
  }

  std::array<std::int64_t, 4> feature_channels() const override { return channels_; }

  static std::string input_fingerprint(const Options& o) { return o.fingerprint(); }

 protected:
  PoolFormerEncoder& encoder() { return network_->encoder; }

 private:
  std::array<std::int64_t, 4> channels_{};
  bool imagenet_input_ = false;
  PoolingCrackNetwork network_{nullptr};
};

using PoolingCrack = PoolingCrackModel<Variant::Teacher>;
using PoolingCrackTiny = PoolingCrackModel<Variant::Tiny>;

}  // namespace crackkd::models
