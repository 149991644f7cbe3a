#include "measurement/crack_files.hpp"

#include "io/durable_file.hpp"

#include <cstdio>
#include <sstream>

namespace crackkd::measurement {

namespace {

std::string number(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

/// A JSON string: quotes, backslashes and control characters escaped.
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
    else if (c < 0x20) out += "\\u00" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
    else out += static_cast<char>(c);
  }
  return out + "\"";
}

/// The scale and its unit: millimetres per pixel, or 1 and pixels.
struct Units {
  double per_px;
  std::string name;
  int decimals;
};

Units units_of(double mm_per_px) { return mm_per_px > 0 ? Units{mm_per_px, "mm", 4} : Units{1, "px", 2}; }

std::string geojson_feature(const CrackObject& c, const Units& u) {
  std::ostringstream f;
  f << R"({"type":"Feature","geometry":{"type":"LineString","coordinates":[)";
  for (std::size_t i = 0; i < c.line.size(); ++i)
    f << (i ? "," : "") << "[" << number(c.line[i].x * u.per_px, u.decimals) << ","
      << number(c.line[i].y * u.per_px, u.decimals) << "]";
  f << R"(]},"properties":{"id":)" << c.id << R"(,"region":)" << c.region;
  f << R"(,"length":)" << number(c.length_px * u.per_px, u.decimals);
  f << R"(,"max_width":)" << number(c.max_width_px * u.per_px, u.decimals);
  f << R"(,"mean_width":)" << number(c.mean_width_px * u.per_px, u.decimals);
  f << R"(,"median_width":)" << number(c.median_width_px * u.per_px, u.decimals);
  f << R"(,"max_width_at":[)" << number(c.max_width_at.x * u.per_px, u.decimals) << ","
    << number(c.max_width_at.y * u.per_px, u.decimals) << "]";
  f << R"(,"orientation_deg":)" << number(c.orientation_deg, 1) << "}}";
  return f.str();
}

/// DXF group code and value, one line each.
void group(std::ostringstream& dxf, int code, const std::string& value) { dxf << code << "\n" << value << "\n"; }

void dxf_header(std::ostringstream& dxf, const std::string& image, cv::Size photo, const Units& u,
                const PhotoScale& scale) {
  group(dxf, 999, "CrackKD cracks of " + image + ": x right, y up from the photo's bottom-left corner, in " +
                      (u.name == "mm" ? "millimetres" : "pixels"));
  if (scale.known())
    group(dxf, 999, "scale " + number(scale.mm_per_px, 6) + " mm per pixel, from " + scale.source);
  group(dxf, 0, "SECTION");
  group(dxf, 2, "HEADER");
  group(dxf, 9, "$ACADVER");
  group(dxf, 1, "AC1009");
  group(dxf, 9, "$INSUNITS");
  group(dxf, 70, u.name == "mm" ? "4" : "0");
  group(dxf, 9, "$EXTMIN");
  group(dxf, 10, "0.0");
  group(dxf, 20, "0.0");
  group(dxf, 9, "$EXTMAX");
  group(dxf, 10, number(photo.width * u.per_px, u.decimals));
  group(dxf, 20, number(photo.height * u.per_px, u.decimals));
  group(dxf, 0, "ENDSEC");
}

void dxf_crack(std::ostringstream& dxf, const CrackObject& c, cv::Size photo, const Units& u) {
  const auto x = [&](double px) { return number(px * u.per_px, u.decimals); };
  const auto y = [&](double py) { return number((photo.height - py) * u.per_px, u.decimals); };
  group(dxf, 0, "POLYLINE");
  group(dxf, 8, "CRACKS");
  group(dxf, 66, "1");  // vertices follow
  group(dxf, 70, "0");  // open
  for (const auto& p : c.line) {
    group(dxf, 0, "VERTEX");
    group(dxf, 8, "CRACKS");
    group(dxf, 10, x(p.x));
    group(dxf, 20, y(p.y));
  }
  group(dxf, 0, "SEQEND");
  group(dxf, 8, "CRACKS");
  group(dxf, 0, "TEXT");
  group(dxf, 8, "CRACK_LABELS");
  group(dxf, 10, x(c.max_width_at.x));
  group(dxf, 20, y(c.max_width_at.y));
  group(dxf, 40, number(12 * u.per_px, u.decimals));  // 12 pixels high
  group(dxf, 1, std::to_string(c.id) + ": " + number(c.max_width_px * u.per_px, u.name == "mm" ? 2 : 1) + " " + u.name);
}

}  // namespace

std::string cracks_geojson(const std::string& image, cv::Size photo, const std::vector<CrackObject>& cracks,
                           const PhotoScale& scale) {
  const Units u = units_of(scale.mm_per_px);
  std::ostringstream g;
  g << R"({"type":"FeatureCollection","crackkd":{"image":)" << json_string(image) << R"(,"units":")" << u.name
    << R"(","origin":"the photo's top-left corner","axes":"x to the right, y down","photo_size":[)"
    << number(photo.width * u.per_px, u.decimals) << "," << number(photo.height * u.per_px, u.decimals) << "]";
  if (scale.known())
    g << R"(,"mm_per_px":)" << number(scale.mm_per_px, 6) << R"(,"scale_source":)" << json_string(scale.source)
      << R"(,"scale_spread":)" << number(scale.spread, 4);
  g << R"(},"features":[)";
  for (std::size_t i = 0; i < cracks.size(); ++i) g << (i ? ",\n" : "\n") << geojson_feature(cracks[i], u);
  g << "\n]}\n";
  return g.str();
}

std::string cracks_dxf(const std::string& image, cv::Size photo, const std::vector<CrackObject>& cracks,
                       const PhotoScale& scale) {
  const Units u = units_of(scale.mm_per_px);
  std::ostringstream dxf;
  dxf_header(dxf, image, photo, u, scale);
  group(dxf, 0, "SECTION");
  group(dxf, 2, "ENTITIES");
  for (const auto& c : cracks) dxf_crack(dxf, c, photo, u);
  group(dxf, 0, "ENDSEC");
  group(dxf, 0, "EOF");
  return dxf.str();
}

void write_crack_files(const std::filesystem::path& folder, const std::string& stem, const std::string& image,
                       cv::Size photo, const std::vector<CrackObject>& cracks, const PhotoScale& scale) {
  io::write_atomically(folder / (stem + "_cracks.geojson"), cracks_geojson(image, photo, cracks, scale));
  io::write_atomically(folder / (stem + "_cracks.dxf"), cracks_dxf(image, photo, cracks, scale));
}

}  // namespace crackkd::measurement
