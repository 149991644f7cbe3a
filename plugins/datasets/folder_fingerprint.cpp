#include "folder_fingerprint.hpp"

#include <crackkd/error.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <tuple>

namespace crackkd::datasets {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kOffset = 0xcbf29ce484222325ull, kPrime = 0x100000001b3ull;

/// FNV-1a over 8-byte words (then the tail's bytes): eight times fewer multiplies than
/// byte-wise, so a data set of gigabytes is read at disk speed.
std::uint64_t mix(std::uint64_t h, const char* data, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, 8);
    h = (h ^ word) * kPrime;
  }
  for (; i < n; ++i) h = (h ^ static_cast<unsigned char>(data[i])) * kPrime;
  return h;
}

std::uint64_t file_content_hash(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw crackkd::Error("dataset folder: cannot read " + file.string());
  std::vector<char> block(1 << 20);
  std::uint64_t h = kOffset;
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    h = mix(h, block.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw crackkd::Error("dataset folder: cannot read " + file.string());
  return h;
}

/// The content hash of `file`, read again only when its size or time changed.
std::uint64_t remembered_hash(const fs::directory_entry& e) {
  using Key = std::tuple<std::string, std::uintmax_t, fs::file_time_type::rep>;
  static std::mutex mutex;
  static std::map<Key, std::uint64_t> known;
  const Key key{e.path().string(), e.file_size(), e.last_write_time().time_since_epoch().count()};
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = known.find(key); it != known.end()) return it->second;
  }
  const std::uint64_t h = file_content_hash(e.path());
  std::lock_guard<std::mutex> lock(mutex);
  return known[key] = h;
}

}  // namespace

std::string folder_fingerprint(const fs::path& root, const std::vector<std::string>& subs) {
  std::vector<std::string> entries;
  for (const auto& sub : subs) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root / sub, ec)) {
      if (!e.is_regular_file(ec)) continue;
      entries.push_back(sub + "/" + e.path().filename().string() + " " + std::to_string(e.file_size()) + " " +
                        std::to_string(remembered_hash(e)));
    }
  }
  std::sort(entries.begin(), entries.end());
  std::uint64_t h = kOffset;
  for (const auto& line : entries) h = mix(h, (line + "\n").data(), line.size() + 1);
  return std::to_string(entries.size()) + " files " + std::to_string(h);
}

}  // namespace crackkd::datasets
