#pragma once
// Data-parallel training on LibTorch's c10d: one process per rank, a TCPStore rendezvous
// at MASTER_ADDR:MASTER_PORT (rank 0 serves it), and the backend chosen from the device
// of the tensors, that is from the stage's device: Gloo for CPU tensors, NCCL for CUDA
// tensors where this build found a LibTorch with c10d's NCCL (CRACKKD_WITH_NCCL; CMake
// checks at configure time). Debian's LibTorch is CPU-only and has Gloo alone; a CUDA
// LibTorch without NCCL falls back to Gloo, which stages CUDA tensors through host memory
// (correct, slower), and says so once in the log. A LibTorch without Gloo headers (some
// CUDA builds) gets NCCL alone: CPU collectives then fail with an error saying so. The
// NCCL group is created on the first collective over CUDA tensors, so a CUDA build on a
// host without GPUs never needs one.
// The variables are torchrun's: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT.

#include <ATen/core/Tensor.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace crackkd::distributed {

struct Rendezvous {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
};

/// The rendezvous the environment describes, or nothing when WORLD_SIZE is unset or 1.
/// Throws crackkd::Error naming the variable when one is malformed.
std::optional<Rendezvous> rendezvous_from_environment();

/// This process's place in a data-parallel run. Collective calls block until every rank
/// makes them; a rank that stops answering makes them fail after the timeout, and an
/// error then names this rank, the operation and what the backend said.
class ProcessGroup {
 public:
  /// Connects (rank 0 listens) within `connect_timeout`; collectives then wait up to
  /// `timeout`. Throws crackkd::Error with one clear line for a port in use or an
  /// unreachable master.
  /// `log` receives one line when a backend is first chosen for CUDA tensors.
  using Log = std::function<void(const std::string&)>;
  ProcessGroup(const Rendezvous& r, std::chrono::seconds connect_timeout, std::chrono::seconds timeout,
               Log log = nullptr);
  ~ProcessGroup();

  int rank() const { return rendezvous_.rank; }
  int world_size() const { return rendezvous_.world_size; }
  /// This process's rank among those on its host: which GPU it takes (runtime/device.hpp).
  int local_rank() const { return rendezvous_.local_rank; }
  bool is_main() const { return rendezvous_.rank == 0; }

  /// Sums each tensor over the ranks, in place (one collective per tensor, on the
  /// backend of its device).
  void all_reduce_sum(std::vector<at::Tensor>& tensors, const std::string& what);
  /// Copies rank 0's tensors to every rank, in place.
  void broadcast(std::vector<at::Tensor>& tensors, const std::string& what);
  /// Rank 0 computes a value, every rank returns it (through the store).
  std::string agree(const std::string& key, const std::function<std::string()>& on_main);

  /// The backend that collectives over tensors on `device` use in this build: "nccl" for
  /// CUDA when built with NCCL, else "gloo". Example: backend_for(c10::kCPU) == "gloo".
  static std::string backend_for(const c10::Device& device);

 private:
  struct State;
  void collective(at::Tensor& tensor, bool broadcast, const std::string& what);
  void connect_gloo(const std::string& master);
  Rendezvous rendezvous_;
  std::unique_ptr<State> state_;
  Log log_;
  std::size_t agreements_ = 0;
};

}  // namespace crackkd::distributed
