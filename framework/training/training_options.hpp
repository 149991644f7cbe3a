#pragma once
// The options every training stage (`train`, `distill`) shares, declared once: a stage's
// options struct derives from TrainingOptions and calls declare_training_options (and, as
// every stage, from stages::CommonStageOptions for `device` and `after`).

#include "training/noise_mix_options.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/model.hpp>
#include <crackkd/options.hpp>

#include <torch/optim/adamw.h>

#include <optional>

namespace crackkd::training {

struct TrainingOptions {
  std::string data;
  WeightedComponents loss{{ComponentConfig{"dice", Params("loss", {}), {}}, 1.0}};
  std::string validate_on;
  std::int64_t epochs = 10;
  std::int64_t batch_size = 2;
  double lr = 1e-3;
  std::string lr_schedule = "constant";
  std::int64_t warmup_epochs = 0;
  bool amp = false;
  double weight_decay = 1e-2;
  double threshold = 0.5;
  std::string stream;
  std::vector<ComponentConfig> augment;
  std::optional<NoiseMixOptions> noise_mix;
  std::int64_t workers = 1;
  std::int64_t prefetch = 4;
  std::int64_t share_every = 10;
  std::string init_from;

  template <class O> static void declare_training_options(OptionSchema<O>& s) {
    s.required("data", &TrainingOptions::data, "the [datasets.*] entry to train on");
    s.optional("loss", &TrainingOptions::loss,
               "the ground-truth loss: one loss, or a weighted sum [{ plugin, weight }, ...], each term logged")
        .kind("loss");
    s.optional("validate_on", &TrainingOptions::validate_on,
               "a [datasets.*] entry scored (mDS, mIoU) after every epoch; \"\" = no validation");
    s.optional("epochs", &TrainingOptions::epochs, "passes over the data").in_range(1, 1e6);
    s.optional("batch_size", &TrainingOptions::batch_size, "images per optimiser step").in_range(1, 4096);
    s.optional("lr", &TrainingOptions::lr, "AdamW learning rate").in_range(0.0, 10.0);
    s.optional("lr_schedule", &TrainingOptions::lr_schedule,
               "constant, or cosine decay to 0 over the epochs after the warm-up")
        .one_of({"constant", "cosine"});
    s.optional("warmup_epochs", &TrainingOptions::warmup_epochs, "epochs of linear learning-rate warm-up from 0")
        .in_range(0, 1e6);
    s.optional("amp", &TrainingOptions::amp,
               "mixed precision: autocast to float16 and gradient scaling (CUDA only)");
    s.optional("weight_decay", &TrainingOptions::weight_decay, "AdamW decoupled weight decay").in_range(0.0, 10.0);
    s.optional("threshold", &TrainingOptions::threshold, "probability above which a pixel counts as crack in validation")
        .in_range(0.0, 1.0);
    s.optional("stream", &TrainingOptions::stream,
               "the random stream of initial weights, batch order, augmentations and noise draws: stages naming the "
               "same stream are paired (the same start and data for a seed); \"\" = the stage's own");
    s.optional("augment", &TrainingOptions::augment, "transforms applied to every training sample, in order")
        .kind("array of transform");
    s.optional("noise_mix", &TrainingOptions::noise_mix,
               "{ clean, noisy, noises, intensity }: noisy extra copies beside the clean images; {} = clean only");
    s.optional("workers", &TrainingOptions::workers, "loader threads building batches ahead (0 = in the training loop)")
        .in_range(0, 64);
    s.optional("prefetch", &TrainingOptions::prefetch, "batches the loader may build ahead").in_range(1, 256);
    s.optional("share_every", &TrainingOptions::share_every,
               "each loss term's share of the gradient at the student's outputs (steps.csv share_*) every N-th "
               "step, the others left empty; 1 = every step, 0 = never (it costs a backward pass per term)")
        .in_range(0, 1e9);
    s.optional("init_from", &TrainingOptions::init_from,
               "a checkpoint of the stage's model (same plugin, every tensor of the same name and shape) whose "
               "weights training starts from (fine-tuning); \"\" = the model's own initialisation");
  }
};

/// AdamW over `parameters` with the stage's learning rate and weight decay.
std::unique_ptr<torch::optim::AdamW> make_optimizer(std::vector<at::Tensor> parameters, const TrainingOptions& o);

}  // namespace crackkd::training
