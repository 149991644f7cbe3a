// `crackkd export CHECKPOINT --out FILE [--format torchscript|onnx] [--size H W]
// [--batch N] [--dynamic]`: a trained model as a file that runs without CrackKD. The
// model's logits are traced into TorchScript (deploy/traced_model.hpp); ONNX is made from
// that by PyTorch's exporter (deploy/onnx_export.hpp). Both carry deploy/export_metadata
// (model, origin, input contract, threshold). A refused export leaves no file behind.

#include "app/commands.hpp"
#include "app/host_setup.hpp"
#include "checkpoints/checkpoint.hpp"
#include "deploy/onnx_export.hpp"
#include "deploy/trace_memory.hpp"
#include "deploy/traced_model.hpp"
#include "inference/chosen_threshold.hpp"
#include "inference/tiled_prediction.hpp"
#include "io/durable_file.hpp"
#include "pipeline/toml_params.hpp"

#include <crackkd/available_memory.hpp>
#include <crackkd/error.hpp>

#include <cstdio>
#include <iostream>

namespace crackkd::app {

namespace {

namespace fs = std::filesystem;

/// --format, or the format --out's extension names.
std::string format_of(const ExportArgs& args) {
  if (!args.format.empty()) return args.format;
  const auto ext = args.out.extension().string();
  if (ext == ".ts" || ext == ".pt") return "torchscript";
  if (ext == ".onnx") return "onnx";
  throw ConfigError({}, "export: cannot tell the format from --out " + args.out.string() +
                    " (not .ts, .pt or .onnx): give --format torchscript or --format onnx");
}

deploy::ExportMetadata metadata_of(const checkpoints::LoadedModel& loaded, const ExportArgs& args, std::int64_t multiple) {
  deploy::ExportMetadata m;
  m.model_plugin = loaded.config.plugin;
  m.model_options = pipeline::to_toml(loaded.config.params);
  m.epoch = loaded.epoch;
  m.checkpoint = fs::absolute(args.checkpoint).lexically_normal().string();
  m.origin = loaded.trained_by;
  m.input = {args.batch, args.size.at(0), args.size.at(1), args.dynamic};
  m.size_multiple = multiple;
  const std::int64_t shorter = args.dynamic ? 448 : std::min(args.size.at(0), args.size.at(1));
  m.tile_overlap = args.overlap >= 0 ? args.overlap : inference::default_overlap(shorter, multiple);
  if (args.threshold >= 0) {
    m.threshold = args.threshold, m.threshold_from = "--threshold";
  } else if (const auto chosen = inference::read_chosen_threshold(args.checkpoint)) {
    m.threshold = chosen->threshold;
    m.threshold_from = chosen->chosen_by + " (" + inference::chosen_threshold_file(args.checkpoint).string() + ")";
  } else {
    m.threshold = loaded.threshold, m.threshold_from = "the checkpoint (its training stage's)";
  }
  return m;
}

/// The TorchScript bytes beside `out` for the Python exporter to read, removed afterwards.
void write_onnx(const std::string& torchscript, const ExportArgs& args, const std::string& model_name) {
  const fs::path source = io::temporary_for(args.out).string() + ".ts";
  io::write_atomically(source, torchscript);
  try {
    deploy::export_onnx(source, args.out, {args.opset, args.dynamic}, model_name);
  } catch (...) {
    fs::remove(source);
    throw;
  }
  fs::remove(source);
}

/// Writes the file, creating its folder; a folder made for a file that then failed goes too.
void write_export(const std::string& torchscript, const ExportArgs& args, const std::string& format,
                  const std::string& model_name) {
  const fs::path folder = args.out.parent_path().empty() ? fs::path(".") : args.out.parent_path();
  const bool made_folder = fs::create_directories(folder);
  try {
    if (format == "torchscript")
      io::write_atomically(args.out, torchscript);
    else
      write_onnx(torchscript, args, model_name);
  } catch (...) {
    std::error_code ignored;
    if (made_folder) fs::remove(folder, ignored);  // only when empty
    throw;
  }
}

std::string gib(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1 << 30));
  return text;
}

/// Refuses a --size whose trace would not fit in the memory left (trace_memory.hpp).
void require_trace_fits(SegmentationModel& model, const deploy::InputShape& shape, const ExportArgs& args,
                        const std::string& model_name) {
  const std::uint64_t need = deploy::estimated_trace_bytes(model, shape);
  const std::uint64_t have = available_memory_bytes();
  spdlog::debug("export: the trace at {} needs about {} ({} available)", deploy::shape_text(shape, 1), gib(need),
                gib(have));
  if (have == 0 || need <= have) return;
  throw ConfigError({}, "export: --size " + std::to_string(args.size.at(0)) + " " + std::to_string(args.size.at(1)) +
                            (args.batch > 1 ? " --batch " + std::to_string(args.batch) : "") + ": tracing " + model_name +
                            " at that size needs about " + gib(need) + ", and " + gib(have) +
                            " of memory is available: export a smaller size (crackkd infer and the deploy examples "
                            "run larger photos in tiles of the exported size)");
}

}  // namespace

int export_command(const Common& common, const ExportArgs& args) {
  const std::string format = format_of(args);
  if (format != "torchscript" && format != "onnx")
    throw ConfigError({}, "export: --format " + format + ": expected torchscript or onnx");
  if (args.size.size() != 2) throw ConfigError({}, "export: --size takes two numbers, H W");
  auto host = scanned_host(common);
  auto loaded = checkpoints::load_checkpoint(args.checkpoint, *host, c10::Device(c10::kCPU));
  const std::string model_name = "model." + loaded.config.plugin;
  const auto metadata = metadata_of(loaded, args, loaded.model->input_stride());
  if (args.size[0] % metadata.size_multiple != 0 || args.size[1] % metadata.size_multiple != 0)
    throw ConfigError({}, "export: --size " + std::to_string(args.size[0]) + " " + std::to_string(args.size[1]) + ": " +
                              model_name + " takes sides that are multiples of " + std::to_string(metadata.size_multiple));
  const std::int64_t shorter = args.dynamic ? 448 : std::min(args.size[0], args.size[1]);
  if (metadata.tile_overlap % metadata.size_multiple != 0 || metadata.tile_overlap >= shorter)
    throw ConfigError({}, "export: --overlap " + std::to_string(metadata.tile_overlap) + ": must be a multiple of " +
                              model_name + "'s stride " + std::to_string(metadata.size_multiple) +
                              " below the tile side " + std::to_string(shorter));
  require_trace_fits(*loaded.model, metadata.input, args, model_name);
  spdlog::info("export: tracing {} (epoch {}) from {} at {}, threshold {} (from {})", model_name, loaded.epoch,
               args.checkpoint.string(), deploy::shape_text(metadata.input, metadata.size_multiple), metadata.threshold,
               metadata.threshold_from);
  // ONNX's graph carries the input shape itself: its source module needs no shape check.
  auto module = deploy::trace_logits(*loaded.model, metadata.input, model_name, format == "torchscript");
  const std::string torchscript = deploy::torchscript_bytes(module, metadata);
  write_export(torchscript, args, format, model_name);
  std::cout << "export: " << model_name << " -> " << args.out.string() << " (" << format << ", "
            << deploy::shape_text(metadata.input, metadata.size_multiple) << ", " << fs::file_size(args.out) / 1024
            << " KiB)" << std::endl;
  return 0;
}

}  // namespace crackkd::app
