// Runs a model exported by `crackkd export --format onnx` on a PNG or JPEG photo of any
// size, with ONNX Runtime and no CrackKD (npm packages onnxruntime-node, pngjs and jpeg-js,
// pinned in package.json here):
//
//   npm ci --ignore-scripts && node segment_cracks.js MODEL.onnx PHOTO.jpg MASK.png
//
// A JPEG is segmented as its pixels are stored: unlike `crackkd infer`, this example does
// not turn a photo by its EXIF orientation tag.
// As segment_cracks.cpp: tiles of the exported size, padded by repeating the border
// pixels, sigmoid > threshold.
// The threshold comes from the file's metadata entry "crackkd" (JSON).
const fs = require('fs');
const ort = require('onnxruntime-node');
const {PNG} = require('pngjs');
const jpeg = require('jpeg-js');

/** The photo's RGBA pixels, {width, height, data}: a JPEG (told by its first two bytes) or a PNG. */
function readPhoto(file) {
  const bytes = fs.readFileSync(file);
  if (bytes[0] === 0xff && bytes[1] === 0xd8)
    return jpeg.decode(bytes, {useTArray: true, formatAsRGBA: true, maxResolutionInMP: 250, maxMemoryUsageInMB: 4096});
  return PNG.sync.read(bytes);
}

/** The ONNX file's metadata entry `key`: ModelProto field 14 holds {key = 1, value = 2}. */
function metadataEntry(bytes, key) {
  let at = 0;
  const varint = () => {
    let value = 0, shift = 0, byte;
    do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return value;
  };
  const fields = (end, visit) => {
    while (at < end) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag % 8;
      if (wire === 0) { varint(); continue; }
      if (wire !== 2) throw new Error('unexpected protobuf wire type ' + wire);
      const length = varint(), start = at;
      visit(field, start, start + length);
      at = start + length;
    }
  };
  let found = null;
  fields(bytes.length, (field, start, end) => {
    if (field !== 14) return;
    const entry = {};
    fields(end, (f, s, e) => { entry[f] = bytes.subarray(s, e).toString(); });
    if (entry[1] === key) found = entry[2];
  });
  return found;
}

async function main() {
  const [modelFile, photoFile, maskFile] = process.argv.slice(2);
  if (!maskFile) throw new Error('usage: node segment_cracks.js MODEL.onnx PHOTO.png|PHOTO.jpg MASK.png');
  const metadata = JSON.parse(metadataEntry(fs.readFileSync(modelFile), 'crackkd'));
  const session = await ort.InferenceSession.create(modelFile);
  const photo = readPhoto(photoFile);
  const {width, height} = photo;
  const m = metadata.input.size_multiple, roundUp = (v, s) => Math.ceil(v / s) * s;
  const [batch, , shapeH, shapeW] = metadata.input.shape;
  const tileH = shapeH || roundUp(height, m), tileW = shapeW || roundUp(width, m);
  const mask = new PNG({width, height, colorType: 0});
  for (let y0 = 0; y0 < height; y0 += tileH) {
    for (let x0 = 0; x0 < width; x0 += tileW) {
      // Preprocessing contract: float RGB in [0, 1], NCHW; outside the photo, its border.
      const tile = new Float32Array((batch || 1) * 3 * tileH * tileW);
      for (let y = 0; y < tileH; y++)
        for (let x = 0; x < tileW; x++) {
          const source = (Math.min(y0 + y, height - 1) * width + Math.min(x0 + x, width - 1)) * 4;
          for (let c = 0; c < 3; c++) tile[(c * tileH + y) * tileW + x] = photo.data[source + c] / 255;
        }
      const {logits} = await session.run({images: new ort.Tensor('float32', tile, [batch || 1, 3, tileH, tileW])});
      for (let y = 0; y < tileH && y0 + y < height; y++)
        for (let x = 0; x < tileW && x0 + x < width; x++) {
          const probability = 1 / (1 + Math.exp(-logits.data[y * tileW + x]));
          const i = ((y0 + y) * width + x0 + x) * 4;
          mask.data[i] = mask.data[i + 1] = mask.data[i + 2] = probability > metadata.threshold ? 255 : 0;
          mask.data[i + 3] = 255;
        }
    }
  }
  fs.writeFileSync(maskFile, PNG.sync.write(mask, {colorType: 0}));
  console.log(maskFile + ': model.' + metadata.model.plugin + ', threshold ' + metadata.threshold);
}

main().catch((error) => {
  console.error('error: ' + error.message);
  process.exit(1);
});
