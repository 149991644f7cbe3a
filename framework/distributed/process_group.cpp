#include "distributed/process_group.hpp"

#include <crackkd/error.hpp>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/version.h>

// Each backend only where CMake found it in this LibTorch (sdk/cmake/CrackKDTorch.cmake),
// which also defines USE_C10D_GLOO / USE_C10D_NCCL for this file: c10d's headers are
// empty without them.
#ifdef CRACKKD_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef CRACKKD_WITH_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>

namespace crackkd::distributed {

namespace {

int int_variable(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 0 || value > 1 << 20)
    throw Error(std::string("environment variable ") + name + "=" + text + " is not a non-negative integer");
  return static_cast<int>(value);
}

std::string first_line(const c10::Error& e) {
  const std::string what = e.what_without_backtrace();
  return what.substr(0, what.find('\n'));
}

#ifdef CRACKKD_WITH_NCCL
// NCCL's wait() only orders CUDA streams: a collective that a dead rank never joins would
// hang the step. Blocking waits make it fail after the group's timeout with an error,
// which names this rank below, as Gloo's does. LibTorch 2.2 renamed the variable (the old
// name still works there, with a deprecation warning); a value the user set is kept.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 2)
constexpr const char* kBlockingWait = "TORCH_NCCL_BLOCKING_WAIT";
#else
constexpr const char* kBlockingWait = "NCCL_BLOCKING_WAIT";
#endif
#endif

}  // namespace

std::optional<Rendezvous> rendezvous_from_environment() {
  const int world = int_variable("WORLD_SIZE", 1);
  if (world <= 1) return std::nullopt;
  Rendezvous r;
  r.world_size = world;
  r.rank = int_variable("RANK", -1);
  if (r.rank < 0 || r.rank >= world)
    throw Error("environment variable RANK must be set to 0 … " + std::to_string(world - 1) + " when WORLD_SIZE=" +
                std::to_string(world));
  r.local_rank = int_variable("LOCAL_RANK", r.rank);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) r.master_addr = addr;
  r.master_port = int_variable("MASTER_PORT", 29500);
  if (r.master_port < 1 || r.master_port > 65535)
    throw Error("environment variable MASTER_PORT=" + std::to_string(r.master_port) + " is not a port");
  return r;
}

// Members are destroyed bottom-up: the groups before the store they talk through.
struct ProcessGroup::State {
  c10::intrusive_ptr<c10d::Store> store;
  std::chrono::seconds timeout{0};
#ifdef CRACKKD_WITH_GLOO
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#endif
  bool cuda_through_gloo_logged = false;
#ifdef CRACKKD_WITH_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;  ///< made by the first collective over CUDA tensors
#endif
};

std::string ProcessGroup::backend_for(const c10::Device& device) {
#ifdef CRACKKD_WITH_NCCL
  if (device.is_cuda()) return "nccl";
#endif
  (void)device;
  return "gloo";
}

ProcessGroup::ProcessGroup(const Rendezvous& r, std::chrono::seconds connect_timeout, std::chrono::seconds timeout,
                           Log log)
    : rendezvous_(r), state_(std::make_unique<State>()), log_(log ? std::move(log) : [](const std::string&) {}) {
  const std::string master = r.master_addr + ":" + std::to_string(r.master_port);
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(r.master_port);
  options.isServer = r.rank == 0;
  options.numWorkers = r.world_size;
  options.waitWorkers = false;
  options.timeout = connect_timeout;
  try {
    state_->store = c10::make_intrusive<c10d::TCPStore>(r.master_addr, options);
  } catch (const std::exception& e) {  // c10::Error, or c10d's socket errors
    const auto* c10 = dynamic_cast<const c10::Error*>(&e);
    std::string message = c10 ? first_line(*c10) : e.what();
    message = message.substr(0, message.find(". ") == std::string::npos ? message.size() : message.find(". "));
    if (r.rank == 0)
      throw Error("rank 0 cannot listen on " + master + " (" + message +
                  "); is the port in use? --master ADDR:PORT or MASTER_PORT picks another");
    throw Error("rank " + std::to_string(r.rank) + " cannot reach the master at " + master + " within " +
                std::to_string(connect_timeout.count()) + " s (" + message + ")");
  }
  state_->timeout = timeout;
#ifdef CRACKKD_WITH_GLOO
  connect_gloo(master);
#endif
  state_->store->setTimeout(timeout);
}

#ifdef CRACKKD_WITH_GLOO
void ProcessGroup::connect_gloo(const std::string& master) {
  const auto& r = rendezvous_;
  auto gloo = c10d::ProcessGroupGloo::Options::create();
  gloo->timeout = state_->timeout;
  // The network interface Gloo's connections use: GLOO_SOCKET_IFNAME when set (as in
  // PyTorch), loopback for a run on one host, else the address this host's name resolves to.
  const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
  const bool loopback = r.master_addr == "localhost" || r.master_addr.rfind("127.", 0) == 0;
  try {
    gloo->devices.push_back(interface && *interface ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
                            : loopback            ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                                  : c10d::ProcessGroupGloo::createDefaultDevice());
  } catch (const std::exception& e) {
    throw Error("rank " + std::to_string(r.rank) + ": no network interface for Gloo (" + e.what() +
                "); set GLOO_SOCKET_IFNAME to the interface that reaches the other hosts");
  }
  try {
    state_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
        c10::make_intrusive<c10d::PrefixStore>("gloo", state_->store), r.rank, r.world_size, gloo);
  } catch (const c10::Error& e) {
    throw Error("rank " + std::to_string(r.rank) + " of " + std::to_string(r.world_size) +
                ": the ranks did not all join the process group at " + master + " (" + first_line(e) + ")");
  }
}
#endif

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::all_reduce_sum(std::vector<at::Tensor>& tensors, const std::string& what) {
  for (auto& t : tensors) collective(t, /*broadcast=*/false, what);
}

void ProcessGroup::broadcast(std::vector<at::Tensor>& tensors, const std::string& what) {
  for (auto& t : tensors) collective(t, /*broadcast=*/true, what);
}

void ProcessGroup::collective(at::Tensor& tensor, bool broadcast, const std::string& what) {
  const std::string ranks = "rank " + std::to_string(rank()) + " of " + std::to_string(world_size());
  const std::string operation = broadcast ? "broadcast" : "all-reduce";
  // Both backends want dense tensors; a strided view (a parameter in channels-last, say)
  // travels as a contiguous copy and is written back.
  std::vector<at::Tensor> one{tensor.is_contiguous() ? tensor : tensor.contiguous()};
  const auto run = [&](auto& backend) {
    if (broadcast) backend.broadcast(one)->wait();
    else backend.allreduce(one)->wait();
  };
  try {
    if (tensor.is_cuda() && backend_for(tensor.device()) == "nccl") {
#ifdef CRACKKD_WITH_NCCL
      if (!state_->nccl) {
        if (!std::getenv("TORCH_NCCL_BLOCKING_WAIT") && !std::getenv("NCCL_BLOCKING_WAIT"))
          ::setenv(kBlockingWait, "1", 0);
        // The rank's own GPU (runtime/device.hpp) is current, so NCCL's communicator and
        // any CUDA context it makes live there, not on GPU 0.
        if (tensor.device().has_index()) c10::cuda::set_device(tensor.device().index());
        auto options = c10d::ProcessGroupNCCL::Options::create();
        options->timeout = state_->timeout;
        try {
          state_->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(
              c10::make_intrusive<c10d::PrefixStore>("nccl", state_->store), rendezvous_.rank, rendezvous_.world_size,
              options);
        } catch (const c10::Error& e) {
          throw Error(ranks + ": cannot create the NCCL process group on " + tensor.device().str() + " (" +
                      first_line(e) + ")");
        }
        log_("data-parallel collectives on CUDA tensors use NCCL (rank " + std::to_string(rank()) + " on " +
             tensor.device().str() + ")");
      }
      run(*state_->nccl);
#endif
    } else {
#ifdef CRACKKD_WITH_GLOO
      if (tensor.is_cuda() && !state_->cuda_through_gloo_logged) {
        state_->cuda_through_gloo_logged = true;
        log_("this build's LibTorch has no c10d NCCL: CUDA tensors are all-reduced with Gloo through host memory "
             "(correct, slower)");
      }
      run(*state_->gloo);
#else
      throw Error(ranks + ": " + operation + " of " + what + " on " + tensor.device().str() +
                  " needs c10d's Gloo, which the LibTorch this build uses does not offer (no Gloo headers)");
#endif
    }
  } catch (const c10::Error& e) {
    throw Error(ranks + ": " + operation + " of " + what + " failed, another rank stopped answering (" +
                first_line(e) + ")");
  }
  if (!one[0].is_same(tensor)) tensor.copy_(one[0]);
}

std::string ProcessGroup::agree(const std::string& key, const std::function<std::string()>& on_main) {
  const std::string full = "agree/" + std::to_string(agreements_++) + "/" + key;
  try {
    if (is_main()) {
      const std::string value = on_main();
      state_->store->set(full, std::vector<std::uint8_t>(value.begin(), value.end()));
      return value;
    }
    const auto bytes = state_->store->get(full);
    return std::string(bytes.begin(), bytes.end());
  } catch (const c10::Error& e) {
    throw Error("rank " + std::to_string(rank()) + " of " + std::to_string(world_size()) + ": waiting for rank 0 on " +
                key + " failed (" + first_line(e) + ")");
  }
}

}  // namespace crackkd::distributed
