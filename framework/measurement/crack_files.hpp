#pragma once
// A photo's cracks (measurement/crack_objects.hpp) as files other tools open.
//
// GeoJSON (RFC 7946 structure): a FeatureCollection with a LineString per crack along its
// centre line, properties id, region, length, widths and where the widest point is. A
// photo has no geographic reference, so the coordinates are the photo's own: from its
// top-left corner, x to the right and y down, in pixels, or in millimetres when the scale
// is known; the collection's "crackkd" member states this, with the photo's size and the
// scale, its source and spread.
//
// DXF (ASCII, AutoCAD R12 entities, which every CAD program reads): a POLYLINE per crack
// on layer CRACKS and a TEXT with its id and maximum width on layer CRACK_LABELS. CAD's y
// axis points up: x to the right and y up from the photo's bottom-left corner, so the
// drawing lies as the photo does; in millimetres when the scale is known ($INSUNITS 4),
// else in pixels (unitless, $INSUNITS 0). A comment (group 999) repeats the units.

#include "measurement/crack_objects.hpp"
#include "measurement/photo_scale.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace crackkd::measurement {

/// Millimetres when the scale is known (its figure and source stated in the file); else pixels.
std::string cracks_geojson(const std::string& image, cv::Size photo, const std::vector<CrackObject>& cracks,
                           const PhotoScale& scale);
std::string cracks_dxf(const std::string& image, cv::Size photo, const std::vector<CrackObject>& cracks,
                       const PhotoScale& scale);

/// Writes <stem>_cracks.geojson and <stem>_cracks.dxf into `folder` (each whole or not at all).
void write_crack_files(const std::filesystem::path& folder, const std::string& stem, const std::string& image,
                       cv::Size photo, const std::vector<CrackObject>& cracks, const PhotoScale& scale);

}  // namespace crackkd::measurement
