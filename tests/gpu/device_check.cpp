// crackkd_device_check: CrackKD's GPU paths on one device, against the CPU, with the
// figures a CUDA user asks for first. Built by tests/gpu/check.sh from LibTorch and the
// standard library alone, so it runs on a machine that has nothing but a PyTorch wheel.
//
//   crackkd_device_check [--device cuda|cpu] [--report FILE] [--context LINE]...
//
// Exit status: 0 when every check passed, 1 when one failed, 2 for bad arguments or no
// CUDA device. The Markdown report names each check, its figure and its limit.

#include "check_report.hpp"
#include "checks.hpp"

#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <fstream>
#include <iostream>

namespace {

using namespace crackkd::device_check;

struct Arguments {
  std::string device = "cuda";
  std::string report = "device_check_report.md";
  std::vector<std::string> context;
};

Arguments parse(int argc, char** argv) {
  Arguments a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--device") a.device = value;
    else if (flag == "--report") a.report = value;
    else if (flag == "--context") a.context.push_back(value);
    else throw std::invalid_argument("unknown option " + flag);
  }
  if (a.device != "cuda" && a.device != "cpu") throw std::invalid_argument("--device takes cuda or cpu, not " + a.device);
  return a;
}

// Why there is no CUDA device, in the words `device = "auto"` logs too.
std::string no_cuda_reason() {
  return at::globalContext().hasCUDA() ? "this LibTorch has CUDA but sees no GPU (driver, CUDA_VISIBLE_DEVICES?)"
                                       : "this LibTorch is built without CUDA";
}

std::vector<std::string> describe(const c10::Device& device, std::vector<std::string> context) {
  context.insert(context.begin(), "LibTorch " + std::string(TORCH_VERSION) + (at::globalContext().hasCUDA()
                                                                                   ? " (CUDA build)"
                                                                                   : " (CPU build)"));
  context.push_back("Device under test: " + device.str() +
                    (device.is_cuda() ? " (" + std::to_string(torch::cuda::device_count()) + " CUDA device(s), cuDNN " +
                                            (torch::cuda::cudnn_is_available() ? "yes)" : "no)")
                                      : " (" + std::to_string(at::get_num_threads()) + " threads)"));
  return context;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  try {
    args = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "crackkd_device_check: " << e.what() << "\n";
    return 2;
  }
  if (args.device == "cuda" && !torch::cuda::is_available()) {
    std::cerr << "crackkd_device_check: --device cuda, but " << no_cuda_reason() << "; --device cpu checks the CPU\n";
    return 2;
  }
  const c10::Device device = args.device == "cuda" ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  const Effort effort = device.is_cuda() ? Effort{3, 20, 16} : Effort{1, 2, 2};
  Report report;
  std::cerr << "crackkd_device_check on " << device.str() << "\n";
  check_models(device, report);
  check_deformable_gradient(device, report);
  check_rfkd_steps(device, report, effort);
  check_pct_inference(device, report, effort);
  check_process_group(device, report);
  std::ofstream(args.report) << report.markdown("CrackKD device check on " + device.str(), describe(device, args.context));
  std::cerr << (report.all_passed() ? "all checks passed" : std::to_string(report.failures()) + " check(s) failed")
            << "; report: " << args.report << "\n";
  return report.all_passed() ? 0 : 1;
}
