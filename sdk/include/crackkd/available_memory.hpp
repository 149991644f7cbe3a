#pragma once
// How much memory a process can still take without swapping, for caches and for sizes
// that must fit before they are allocated (dataset.folder's image cache, crackkd export's
// size check).

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>

namespace crackkd {

/// Bytes that can be allocated without swapping: MemAvailable from /proc/meminfo, else
/// the free physical pages (which undercounts the reclaimable page cache); in a container
/// with a cgroup v2 memory limit, no more than the limit leaves, since /proc/meminfo
/// describes the whole machine there.
inline std::uint64_t available_memory_bytes() {
  std::uint64_t available = 0;
  std::ifstream meminfo("/proc/meminfo");
  std::string key, rest;
  std::uint64_t kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemAvailable:") {
      available = kib * 1024;
      break;
    }
    std::getline(meminfo, rest);
  }
  if (available == 0) {
    const long pages = ::sysconf(_SC_AVPHYS_PAGES), page_bytes = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page_bytes > 0)
      available = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_bytes);
  }
  std::uint64_t limit = 0, current = 0;  // memory.max reads "max" when there is no limit
  if (std::ifstream("/sys/fs/cgroup/memory.max") >> limit && std::ifstream("/sys/fs/cgroup/memory.current") >> current)
    available = std::min(available, limit > current ? limit - current : 0);
  return available;
}

}  // namespace crackkd
