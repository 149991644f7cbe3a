#include "training/teacher_cache.hpp"

#include "io/content_hash.hpp"
#include "io/durable_file.hpp"

#include <crackkd/error.hpp>

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace crackkd::training {

namespace fs = std::filesystem;

namespace {

// An entry: the magic, the tensor count, each tensor's rank and sizes, then each tensor's
// float16 values. Sizes are checked against the file's length on reading.
constexpr char kMagic[8] = {'C', 'K', 'D', 'T', 'E', 'A', 'C', '1'};

template <class T> void append(std::string& out, T value) { out.append(reinterpret_cast<const char*>(&value), sizeof value); }

std::string encode(const std::vector<at::Tensor>& tensors) {
  std::string out(kMagic, sizeof kMagic);
  append<std::uint32_t>(out, static_cast<std::uint32_t>(tensors.size()));
  for (const auto& t : tensors) {
    append<std::uint32_t>(out, static_cast<std::uint32_t>(t.dim()));
    for (auto d : t.sizes()) append<std::int64_t>(out, d);
  }
  for (const auto& t : tensors) out.append(static_cast<const char*>(t.data_ptr()), t.nbytes());
  return out;
}

std::optional<std::vector<at::Tensor>> decode(const std::string& bytes) {
  std::size_t at = 0;
  const auto take = [&](void* to, std::size_t n) {
    if (at + n > bytes.size()) return false;
    std::memcpy(to, bytes.data() + at, n);
    at += n;
    return true;
  };
  char magic[sizeof kMagic];
  std::uint32_t count = 0;
  if (!take(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0) return std::nullopt;
  if (!take(&count, sizeof count) || count > 64) return std::nullopt;
  std::vector<std::vector<std::int64_t>> shapes(count);
  for (auto& shape : shapes) {
    std::uint32_t rank = 0;
    if (!take(&rank, sizeof rank) || rank > 8) return std::nullopt;
    shape.resize(rank);
    if (!take(shape.data(), rank * sizeof(std::int64_t))) return std::nullopt;
  }
  std::vector<at::Tensor> tensors;
  for (const auto& shape : shapes) {
    auto t = at::empty(shape, at::kHalf);
    if (!take(t.data_ptr(), t.nbytes())) return std::nullopt;
    tensors.push_back(t);
  }
  if (at != bytes.size()) return std::nullopt;
  return tensors;
}

std::optional<std::vector<at::Tensor>> read_entry(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return decode(bytes.str());
}

/// Without syncing: an entry a crash cut short is found short and written again.
void write_entry(const fs::path& file, const std::string& bytes) {
  const auto temporary = io::temporary_for(file);
  std::ofstream out(temporary, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  std::error_code ec;
  if (!out) {
    fs::remove(temporary, ec);
    throw Error("cannot write " + file.string() + " (" + io::free_space_text(file.parent_path()) + ")");
  }
  fs::rename(temporary, file, ec);
  if (ec) throw Error("cannot write " + file.string() + ": " + ec.message());
}

/// One sample's outputs, float16 on the CPU: logits first, then the features.
std::vector<at::Tensor> sample_of(const ModelOutput& out, std::int64_t j) {
  std::vector<at::Tensor> sample{out.logits[j].to(at::kCPU, at::kHalf).contiguous()};
  for (const auto& f : out.features) sample.push_back(f[j].to(at::kCPU, at::kHalf).contiguous());
  return sample;
}

}  // namespace

TeacherCache::TeacherCache(fs::path folder, bool store) : folder_(std::move(folder)), store_(store) {
  if (store_) fs::create_directories(folder_);
}

fs::path TeacherCache::entry(const at::Tensor& image) const {
  const auto bytes = image.to(at::kCPU, at::kFloat).contiguous();
  std::string name = io::content_hash({static_cast<const char*>(bytes.data_ptr()), bytes.nbytes()});
  for (std::int64_t d = 0; d < image.dim(); ++d) name += (d ? "x" : "-") + std::to_string(image.size(d));
  return folder_ / (name + ".bin");
}

ModelOutput TeacherCache::forward(TeacherForward& teacher, const at::Tensor& images) {
  const std::int64_t n = images.size(0);
  std::vector<fs::path> files;
  std::vector<std::optional<std::vector<at::Tensor>>> samples;
  std::vector<std::int64_t> missing;
  for (std::int64_t i = 0; i < n; ++i) {
    files.push_back(entry(images[i]));
    samples.push_back(read_entry(files.back()));
    if (!samples.back()) missing.push_back(i);
  }
  if (!missing.empty()) {
    const auto computed = teacher(images.index_select(0, at::tensor(missing).to(images.device())));
    for (std::size_t j = 0; j < missing.size(); ++j) {
      auto& sample = samples[static_cast<std::size_t>(missing[j])];
      sample = sample_of(computed, static_cast<std::int64_t>(j));
      if (!store_) continue;
      try {
        write_entry(files[static_cast<std::size_t>(missing[j])], encode(*sample));
      } catch (const Error& e) {  // the stage goes on computing; its results stay the same
        spdlog::warn("teacher cache: {}; no more entries are stored", e.what());
        store_ = false;
      }
    }
  }
  read_ += static_cast<std::size_t>(n) - missing.size();
  computed_ += missing.size();
  ModelOutput out;
  const auto gather = [&](std::size_t k) {
    std::vector<at::Tensor> parts;
    for (const auto& s : samples) parts.push_back(s->at(k));
    return at::stack(parts).to(images.device(), at::kFloat);
  };
  out.logits = gather(0);
  for (std::size_t k = 1; k < samples.front()->size(); ++k) out.features.push_back(gather(k));
  return out;
}

std::uint64_t TeacherCache::bytes_per_sample(TeacherForward& teacher, const at::Tensor& image) {
  const auto out = teacher(image.unsqueeze(0));
  return encode(sample_of(out, 0)).size();
}

fs::path teacher_cache_folder(const fs::path& run_dir, const fs::path& teacher_checkpoint) {
  return run_dir / "teacher_outputs" / io::file_hash(teacher_checkpoint);
}

}  // namespace crackkd::training
