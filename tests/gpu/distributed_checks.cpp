// CrackKD's process group (framework/distributed) with one rank on this host: a TCPStore
// rendezvous on a free loopback port, then an all-reduce and a broadcast over a tensor on
// the device, through the backend data-parallel training would use for it.

#include "../free_port.hpp"
#include "checks.hpp"
#include "distributed/process_group.hpp"
#include "measure.hpp"

#include <torch/torch.h>

#include <iostream>

namespace crackkd::device_check {

namespace {

const std::string kDistributed = "Data-parallel process group, one rank";

}  // namespace

void check_process_group(const c10::Device& device, Report& report) {
  const std::string backend = distributed::ProcessGroup::backend_for(device);
  const std::string check = backend + " all-reduce and broadcast on " + device.str();
  try {
    const distributed::Rendezvous rendezvous{0, 1, 0, "127.0.0.1", test::free_port()};
    distributed::ProcessGroup group(rendezvous, std::chrono::seconds(30), std::chrono::seconds(60),
                                    [](const std::string& line) { std::cerr << "  " << line << "\n"; });
    const auto expected = torch::arange(6, torch::kFloat).to(device);
    std::vector<at::Tensor> tensors{expected.clone()};
    group.all_reduce_sum(tensors, "the check's tensor");
    group.broadcast(tensors, "the check's tensor");
    synchronize(device);
    const bool same = tensors[0].equal(expected);
    const std::string note = device.is_cuda() && backend == "gloo"
                                 ? "this LibTorch has no c10d NCCL: CUDA tensors go through Gloo and host memory"
                                 : "";
    report.add({kDistributed, check, same ? "sum over one rank = the tensor" : "the tensor changed", same, note});
  } catch (const std::exception& e) {
    report.add_failure(kDistributed, check, e.what());
  }
}

}  // namespace crackkd::device_check
