// An exported TorchScript file run by LibTorch alone (this program links nothing else):
//   torchscript_runner MODEL.ts IN.f32 N C H W OUT.f32 [eager|frozen]
// IN.f32 holds N*C*H*W float32 values (NCHW); OUT.f32 gets the logits the same way.
// "frozen" runs torch::jit::freeze + optimize_for_inference first, as a deployer would.
#include <torch/script.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 8) {
    std::cerr << "usage: torchscript_runner MODEL.ts IN.f32 N C H W OUT.f32 [eager|frozen]\n";
    return 2;
  }
  const std::vector<std::int64_t> shape{std::stoll(argv[3]), std::stoll(argv[4]), std::stoll(argv[5]), std::stoll(argv[6])};
  std::ifstream in(argv[2], std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto images = torch::from_blob(bytes.data(), shape, torch::kFloat).clone();
  auto module = torch::jit::load(argv[1]);
  module.eval();
  if (argc > 8 && std::string(argv[8]) == "frozen") {
    auto frozen = torch::jit::freeze(module);
    module = torch::jit::optimize_for_inference(frozen);
  }
  torch::NoGradGuard no_grad;
  const auto logits = module.forward({images}).toTensor().contiguous();
  std::ofstream(argv[7], std::ios::binary)
      .write(static_cast<const char*>(logits.data_ptr()), static_cast<std::streamsize>(logits.nbytes()));
  return 0;
}
