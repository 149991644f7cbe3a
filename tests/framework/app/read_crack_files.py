"""An independent reader of `crackkd measure`'s and `crackkd infer`'s crack files, for
tests/framework/app/measure_command_test.cpp: the GeoJSON through Python's json, the DXF
by its group codes (pairs of lines: an integer code, then a value).

Prints, per crack in the order found: "geojson ID LENGTH" (the LineString's length) and
"dxf N LENGTH" (each POLYLINE's length over its VERTEX points, on layer CRACKS), then
"labels K" (TEXT entities on layer CRACK_LABELS) and "units U" (the GeoJSON's, and the
DXF's $INSUNITS).
Usage: read_crack_files.py FILE.geojson FILE.dxf
"""
import json
import math
import sys


def polyline_length(points):
    return sum(math.dist(a, b) for a, b in zip(points, points[1:]))


def geojson_cracks(path):
    with open(path) as f:
        collection = json.load(f)
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert feature["geometry"]["type"] == "LineString"
        print("geojson", feature["properties"]["id"], polyline_length(feature["geometry"]["coordinates"]))
    print("units", collection["crackkd"]["units"])


def dxf_pairs(path):
    with open(path) as f:
        lines = f.read().split("\n")
    for i in range(0, len(lines) - 1, 2):
        yield int(lines[i].strip()), lines[i + 1].strip()


def dxf_cracks(path):
    polylines, labels, entity, layer, point, units = [], 0, None, None, {}, None
    header_variable = None

    def close_vertex():
        if entity == "VERTEX" and layer == "CRACKS":
            polylines[-1].append((float(point[10]), float(point[20])))

    for code, value in dxf_pairs(path):
        if code == 9:
            header_variable = value
        elif code == 70 and header_variable == "$INSUNITS":
            units, header_variable = int(value), None
        if code == 0:
            close_vertex()
            if entity == "TEXT" and layer == "CRACK_LABELS":
                labels += 1
            entity, layer, point = value, None, {}
            if value == "POLYLINE":
                polylines.append([])
        elif code == 8:
            layer = value
        elif code in (10, 20):
            point[code] = value
    for n, points in enumerate(polylines, 1):
        print("dxf", n, polyline_length(points))
    print("labels", labels)
    print("units", units)


if __name__ == "__main__":
    geojson_cracks(sys.argv[1])
    dxf_cracks(sys.argv[2])
