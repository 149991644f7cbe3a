// The options of the commands on photos and masks, `crackkd infer` and `crackkd measure`,
// and the scale options they share.

#include "app/command_line.hpp"

#include "measurement/marker_scale.hpp"

namespace crackkd::app {

namespace {

/// Where the photos' scale comes from (app/photo_scales.hpp): one of three sources, and
/// the width classes that apply whenever a scale is known.
void add_scale_options(CLI::App* c, ScaleArgs& scale) {
  auto* mm = c->add_option("--mm-per-px", scale.mm_per_px, "one scale for every photo: adds millimetre columns")
                 ->check(finite_number())
                 ->check(CLI::PositiveNumber);
  auto* file = c->add_option("--scale-file", scale.scale_file,
                             "CSV with columns photo (or image) and mm_per_px: a scale per photo")
                   ->excludes(mm);
  auto* marker = c->add_option("--marker-mm", scale.marker_mm,
                               "side in mm of a printed ArUco marker in each photo: the scale read off it")
                     ->check(finite_number())
                     ->check(CLI::PositiveNumber)
                     ->excludes(mm)
                     ->excludes(file);
  c->add_option("--marker-dictionary", scale.marker_dictionary, "the marker's ArUco dictionary")
      ->check(CLI::IsMember(measurement::marker_dictionaries()))
      ->needs(marker);
  c->add_option("--marker-max-spread", scale.marker_max_spread,
                "a marker whose sides or diagonals differ by more than this fraction is too far from "
                "fronto-parallel to give the scale")
      ->check(finite_number())
      ->check(CLI::Range(0.001, 0.5))
      ->needs(marker);
  c->add_option("--width-classes", scale.width_classes,
                "bounds in mm, ascending, of the classes each crack's maximum width falls in (default 0.1,0.3,1,3: "
                "an example, not a code's)")
      ->delimiter(',')
      ->check(finite_number())
      ->check(CLI::PositiveNumber);
}

}  // namespace

void CommandLine::add_measure() {
  measure_cmd_ = app_.add_subcommand("measure", "measure the cracks of masks or probability maps from anywhere: "
                                                "summary.csv (per image) and cracks.csv (per crack: length, widths)");
  auto* c = measure_cmd_;
  c->add_option("inputs", measure_.inputs, "mask files and folders of masks")->required();
  c->add_option("--out", measure_.out, "folder for summary.csv and cracks.csv")->required();
  auto* probability = c->add_flag("--probability", measure_.probability,
                                  "the inputs are probability maps (8- or 16-bit grey, as infer writes them): widths to a "
                                  "fraction of a pixel");
  c->add_option("--threshold", measure_.threshold, "with --probability: crack where the map exceeds this")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 1.0))
      ->needs(probability);
  c->add_option("--mask-values", measure_.mask_values, "which mask values are crack (auto: as found)")
      ->check(CLI::IsMember({"auto", "0/255", "0/1", "nonzero"}))
      ->excludes(probability);
  add_scale_options(c, measure_.scale);
  c->add_option("--photos", measure_.photos,
                "with --marker-mm: folder of the masks' photos (a photo named like its mask, less --mask-suffix), where "
                "the marker is found");
  c->add_option("--mask-suffix", measure_.mask_suffix,
                "a mask is named like its photo + this (\"_mask\"): how masks are matched to --photos and --scale-file");
  c->add_option("--min-length", measure_.min_length, "cracks shorter than this many pixels are specks, left out")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 1e9));
}

void CommandLine::add_infer() {
  infer_cmd_ = app_.add_subcommand("infer", "segment cracks in photos of any size with a trained checkpoint; writes "
                                            "probability, mask and overlay PNGs and summary.csv (area, length, width)");
  auto* c = infer_cmd_;
  c->add_option("--model,--checkpoint", infer_.model,
                "checkpoint .pt of a train or distill stage, or a file of `crackkd export --format torchscript`")
      ->required();
  c->add_option("--engine", infer_.engine, "frozen (the traced graph, optimised for inference) or eager")
      ->check(CLI::IsMember({"frozen", "eager"}));
  c->add_option("inputs", infer_.inputs, "image files and folders of images")->required();
  c->add_option("--out", infer_.out, "folder for the results")->required();
  c->add_option("--device", infer_.device, "auto (CUDA when present), cpu, cuda or cuda:N");
  c->add_option("--tile", infer_tile_,
                "tile side, or H W, in pixels, multiples of the model's stride: every forward pass sees one whole "
                "tile, smaller photos padded to it (a fixed-size export's own size wins)")
      ->expected(1, 2)
      ->check(CLI::Range(32, 16384));
  c->add_option("--overlap", infer_.overlap, "pixels shared by neighbouring tiles, blended (default: the export's, else 64)")
      ->check(CLI::Range(0, 16384));
  c->add_option("--batch", infer_.batch, "tiles per forward pass")->check(CLI::Range(1, 1024));
  c->add_option("--threshold", infer_.threshold, "probability above which a pixel is crack (default: the model file's)")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 1.0));
  add_scale_options(c, infer_.scale);
  c->add_option("--min-length", infer_.min_length, "cracks shorter than this many pixels are specks, left out of the counts")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 1e9));
  c->add_option("--probability-bits", infer_.probability_bits,
                "bits per pixel of <name>_probability.png: 8 (probability x 255) or 16 (x 65535, to compare runtimes)")
      ->check(CLI::IsMember({8, 16}));
  auto* reference = c->add_option("--reference", infer_.reference,
                                  "folder of the photos' masks: scores them as an evaluate stage does (per_image.csv, "
                                  "scores.csv)");
  c->add_option("--mask-suffix", infer_.mask_suffix, "with --reference: a mask is named like its photo + this (\"_mask\")")
      ->needs(reference);
  c->add_option("--mask-values", infer_.mask_values, "with --reference: which mask values are crack (auto: as found)")
      ->check(CLI::IsMember({"auto", "0/255", "0/1", "nonzero"}))
      ->needs(reference);
  c->add_option("--tolerance", infer_.tolerance, "with --reference: pixels within which a crack pixel counts as found")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 1000.0))
      ->needs(reference);
  c->add_option("--min-crack-area", infer_.min_crack_area,
                "with --reference: predicted specks under this many pixels are no crack on a crack-free photo")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40))
      ->needs(reference);
  c->add_option("--bootstrap", infer_.bootstrap, "with --reference: resamples for the 95 % intervals (0 = none)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000}))
      ->needs(reference);
}

}  // namespace crackkd::app
