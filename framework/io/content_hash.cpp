#include "io/content_hash.hpp"

#include <crackkd/error.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <vector>

namespace crackkd::io {

namespace {

constexpr std::uint64_t kOffset = 0xcbf29ce484222325ull;
constexpr std::uint64_t kPrime = 0x100000001b3ull;

std::uint64_t update(std::uint64_t h, const char* data, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) h = (h ^ static_cast<unsigned char>(data[i])) * kPrime;
  return h;
}

std::string hex(std::uint64_t h) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

}  // namespace

std::uint64_t content_key(std::string_view text) { return update(kOffset, text.data(), text.size()); }

std::string content_hash(std::string_view text) { return hex(content_key(text)); }

std::string file_hash(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read " + file.string());
  std::uint64_t h = kOffset;
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    h = update(h, buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw Error("cannot read " + file.string());
  return hex(h);
}

}  // namespace crackkd::io
