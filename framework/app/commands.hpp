#pragma once
// The CLI's subcommands, each a function of its parsed arguments returning an exit code.

#include "measurement/width_classes.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace crackkd::app {

struct Common {
  std::vector<std::filesystem::path> plugin_path;  ///< --plugin-path, before CRACKKD_PLUGIN_PATH
  std::string log_level = "info";
};

struct RunArgs {
  std::filesystem::path pipeline;
  std::vector<std::string> overrides;
  std::vector<std::string> force;
  std::filesystem::path workdir = "runs";
  int timeout_s = 1800;  ///< data-parallel runs: how long a rank waits for the others
  bool data_check = true;  ///< run: check the data before the first stage; validate: only with --data
  int jobs = 0;            ///< -j: jobs side by side; 0 = `[pipeline] jobs`
  std::string job;         ///< a worker of a side-by-side run: the one job to run
  int worker_threads = 0;  ///< a worker's LibTorch threads, as its parent chose
};

/// Where the worker processes of a data-parallel run meet (see launch.cpp).
struct LaunchArgs {
  int nproc = 1;
  int nnodes = 1;
  int node_rank = 0;
  std::string master = "127.0.0.1:29500";
};
/// Starts `nproc` workers running `crackkd worker_args…`; returns the exit code.
int launch_workers(const LaunchArgs& launch, const std::vector<std::string>& worker_args);
/// "ADDR:PORT" → (ADDR, PORT); throws ConfigError on anything else.
std::pair<std::string, int> parse_master(const std::string& master);

int run_command(const Common& common, const RunArgs& args);
int validate_command(const Common& common, const RunArgs& args);
int plugins_command(const Common& common, bool names_only, bool markdown);

struct CheckArgs {
  std::filesystem::path pipeline;
  std::vector<std::string> overrides;
  bool json = false;
};
/// `crackkd check`: every dataset of a pipeline read once; 1 when a problem was found.
int check_command(const Common& common, const CheckArgs& args);

struct InspectArgs {
  std::string model;  ///< a model plugin name or a checkpoint file (*.pt)
  std::vector<std::string> options;  ///< key=value model options
  std::int64_t size = 224;
  bool json = false;
  std::string device = "auto";
  int runs = 20;  ///< timed batch-1 forwards after 3 warm-up ones
};
int inspect_command(const Common& common, const InspectArgs& args);

struct PreviewArgs {
  std::filesystem::path pipeline;
  std::vector<std::string> overrides;
  std::string dataset;  ///< "" = the pipeline's first dataset
  std::size_t index = 0;
  std::vector<double> levels = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5};
  std::filesystem::path workdir = "runs";
  std::filesystem::path out;  ///< "" = <workdir>/<pipeline>/preview.png
};
int preview_command(const Common& common, const PreviewArgs& args);

/// Where a photo's scale comes from (app/photo_scales.hpp): at most one of the three.
struct ScaleArgs {
  double mm_per_px = 0;                    ///< one scale for every photo; 0 = none
  std::filesystem::path scale_file;        ///< a CSV of photo, mm_per_px (app/scale_file.hpp)
  double marker_mm = 0;                    ///< a printed ArUco marker's side; 0 = none
  std::string marker_dictionary = "4X4_50";
  double marker_max_spread = 0.03;         ///< sides or diagonals differing more: not fronto-parallel
  std::vector<double> width_classes = measurement::kExampleWidthClassesMm;  ///< bounds in mm
};

struct InferArgs {
  std::filesystem::path model;  ///< a checkpoint or an exported TorchScript file
  std::string engine = "frozen";
  std::vector<std::filesystem::path> inputs;  ///< image files and folders
  std::filesystem::path out;
  std::string device = "auto";
  std::int64_t tile = 448;         ///< tile height
  std::int64_t tile_width = 0;     ///< 0: square tiles
  bool tile_given = false;         ///< --tile on the command line (an export's own size wins)
  std::int64_t overlap = -1;       ///< < 0: the export's, else the default (deploy::default_overlap)
  std::int64_t batch = 4;
  double threshold = -1;  ///< < 0: the model file's (the stage's validation threshold)
  ScaleArgs scale;
  int probability_bits = 8;  ///< of <name>_probability.png: 8 (x 255) or 16 (x 65535)
  double min_length = 0;     ///< cracks shorter than this many pixels are left out (specks)
  std::filesystem::path reference;  ///< folder of masks to score against ("" = none)
  std::string mask_suffix;          ///< a mask's stem = its photo's + this
  std::string mask_values = "auto";  ///< auto | 0/255 | 0/1 | nonzero (crackkd/mask_convention.hpp)
  double tolerance = 2.0;           ///< pixels, for the tolerance measures and boundary F1
  std::int64_t min_crack_area = 0;  ///< pixels, for the crack-free photos' figures
  std::int64_t bootstrap = 1000;    ///< resamples for the intervals (0 = none)
};
int infer_command(const Common& common, const InferArgs& args);

struct MeasureArgs {
  std::vector<std::filesystem::path> inputs;  ///< mask (or probability map) files and folders
  std::filesystem::path out;
  bool probability = false;          ///< the inputs are probability maps, not masks
  double threshold = 0.5;            ///< with `probability`: crack where the map exceeds it
  std::string mask_values = "auto";  ///< auto | 0/255 | 0/1 | nonzero (crackkd/mask_convention.hpp)
  ScaleArgs scale;
  std::filesystem::path photos;      ///< with --marker-mm: the masks' photos, found by name
  std::string mask_suffix;           ///< a mask is named like its photo + this ("_mask")
  double min_length = 0;             ///< cracks shorter than this many pixels are left out
};
int measure_command(const Common& common, const MeasureArgs& args);

struct ExportArgs {
  std::filesystem::path checkpoint;
  std::string format;  ///< torchscript or onnx; "" = from --out's extension
  std::filesystem::path out;
  std::vector<std::int64_t> size = {448, 448};  ///< H W
  std::int64_t batch = 1;
  bool dynamic = false;
  double threshold = -1;  ///< < 0: the checkpoint's
  std::int64_t overlap = -1;  ///< the tiling contract's overlap, recorded for deployers; < 0: the default
  int opset = 16;
};
int export_command(const Common& common, const ExportArgs& args);

}  // namespace crackkd::app
