#pragma once
// The EXIF orientation tag of a JPEG photo: how a viewer turns the stored pixels to show
// it upright. Phones store portrait photos as landscape pixels with tag 6 or 8. OpenCV's
// imread(IMREAD_COLOR) applies it; masks read with IMREAD_UNCHANGED are not turned. A
// dataset plugin or tool that pairs photos with masks reads the tag here to say so.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace crackkd {

/// 1 (upright, or no tag) … 8, as EXIF numbers them; 1 for anything not a JPEG with a
/// readable tag. Reads at most the first 128 KiB of the file.
inline int exif_orientation(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<unsigned char> b(128 * 1024);
  in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()));
  b.resize(static_cast<std::size_t>(in.gcount()));
  if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8) return 1;
  for (std::size_t at = 2; at + 4 <= b.size() && b[at] == 0xFF;) {
    const unsigned marker = b[at + 1];
    const std::size_t length = (std::size_t{b[at + 2]} << 8) | b[at + 3];
    if (marker == 0xDA || length < 2) return 1;  // the image data: no APP1 before it
    const std::size_t body = at + 4, end = std::min(b.size(), at + 2 + length);
    if (marker == 0xE1 && end >= body + 14 && std::string(b.begin() + static_cast<std::ptrdiff_t>(body),
                                                          b.begin() + static_cast<std::ptrdiff_t>(body + 6)) ==
                                                  std::string("Exif\0\0", 6)) {
      const std::size_t tiff = body + 6;
      const bool little = b[tiff] == 'I';
      const auto u16 = [&](std::size_t p) -> unsigned {
        return p + 2 > end ? 0 : little ? b[p] | (b[p + 1] << 8) : (b[p] << 8) | b[p + 1];
      };
      const auto u32 = [&](std::size_t p) -> std::size_t { return little ? u16(p) | (std::size_t{u16(p + 2)} << 16)
                                                                         : (std::size_t{u16(p)} << 16) | u16(p + 2); };
      const std::size_t ifd = tiff + u32(tiff + 4);
      const unsigned entries = u16(ifd);
      for (unsigned e = 0; e < entries; ++e) {
        const std::size_t entry = ifd + 2 + 12 * std::size_t{e};
        if (entry + 12 > end) break;
        if (u16(entry) == 0x0112) {
          const unsigned value = u16(entry + 8);
          return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
        }
      }
      return 1;
    }
    at += 2 + length;
  }
  return 1;
}

/// "turned 90° clockwise" and so on: what orientation `o` does to the stored pixels.
inline std::string exif_orientation_text(int o) {
  static const char* const text[] = {"upright",
                                     "upright",
                                     "mirrored",
                                     "turned 180°",
                                     "mirrored upside down",
                                     "mirrored and turned 90° anticlockwise",
                                     "turned 90° clockwise",
                                     "mirrored and turned 90° clockwise",
                                     "turned 90° anticlockwise"};
  return o >= 1 && o <= 8 ? text[o] : "upright";
}

}  // namespace crackkd
