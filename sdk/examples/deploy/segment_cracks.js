// Runs a model exported by `crackkd export --format onnx` on a PNG or JPEG photo of any
// size, with ONNX Runtime and no CrackKD (npm packages onnxruntime-node, pngjs and
// @jsquash/jpeg, pinned in package.json here):
//
//   npm ci --ignore-scripts && node segment_cracks.js MODEL.onnx PHOTO.jpg MASK.png [PROBABILITIES.f32]
//
// A JPEG is decoded by mozjpeg (compiled to WebAssembly), libjpeg-turbo's decoder, which
// OpenCV uses too: both give the same pixels, so `crackkd infer` and this example see the
// same photo (jpeg-js, an independent decoder, differed by up to 10 levels). It is
// segmented as its pixels are stored: unlike `crackkd infer`, this example does not turn a
// photo by its EXIF orientation tag.
//
// It follows the tiling contract the export records in its metadata ("tiling"), as
// `crackkd infer` and segment_cracks.cpp do: the photo padded by repeating its border to
// multiples of size_multiple and to at least one tile; tiles of the exported size starting
// at 0, every tile - overlap pixels, the last ending on the padded border; each tile's
// sigmoid(logit) blended with weights 0 over the outer quarter of the overlap on a side
// shared with another tile, rising linearly to 1 over its middle half; cropped back.
// MASK.png is 255 where the probability is above the recorded threshold; PROBABILITIES.f32,
// when given, the probabilities as raw float32, row by row.
const fs = require('fs');
const ort = require('onnxruntime-node');
const {PNG} = require('pngjs');
const {pathToFileURL} = require('url');

/**
 * mozjpeg's decoder. @jsquash/jpeg is an ES module: found by require's rules (which honour
 * NODE_PATH, as import's do not), imported by its file's URL, its WebAssembly read from disk.
 */
async function jpegDecoder() {
  const {default: decode, init} = await import(pathToFileURL(require.resolve('@jsquash/jpeg/decode.js')).href);
  const wasm = require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm');
  await init(await WebAssembly.compile(fs.readFileSync(wasm)));
  return decode;
}

/** The photo's RGBA pixels, {width, height, data}: a JPEG (told by its first two bytes) or a PNG. */
async function readPhoto(file) {
  const bytes = fs.readFileSync(file);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const image = await (await jpegDecoder())(bytes);
    return {width: image.width, height: image.height, data: image.data};
  }
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

/** Tile starts along an axis of padded length `length` (>= tile). */
function tileStarts(length, tile, overlap) {
  const starts = [];
  for (let p = 0; ; p += tile - overlap) {
    if (p + tile >= length) { starts.push(length - tile); return starts; }
    starts.push(p);
  }
}

/** Blending weights along an axis for the tile starting at `start`. */
function axisWeights(start, tile, length, overlap) {
  const w = new Float32Array(tile).fill(1);
  if (overlap === 0) return w;
  const zero = overlap / 4, ramp = overlap / 2, clamp = (v) => Math.min(1, Math.max(0, v));
  for (let i = 0; i < tile; i++) {
    const centre = i + 0.5;
    if (start > 0) w[i] = Math.min(w[i], clamp((centre - zero) / ramp));
    if (start + tile < length) w[i] = Math.min(w[i], clamp((tile - centre - zero) / ramp));
  }
  return w;
}

async function main() {
  const [modelFile, photoFile, maskFile, probabilityFile] = process.argv.slice(2);
  if (!maskFile) throw new Error('usage: node segment_cracks.js MODEL.onnx PHOTO.png|PHOTO.jpg MASK.png [PROBABILITIES.f32]');
  const metadata = JSON.parse(metadataEntry(fs.readFileSync(modelFile), 'crackkd'));
  const session = await ort.InferenceSession.create(modelFile);
  const photo = await readPhoto(photoFile);
  const {width, height} = photo;
  const m = metadata.input.size_multiple, roundUp = (v, s) => Math.ceil(v / s) * s;
  const [batch] = metadata.input.shape;
  const tiling = metadata.tiling || {tile: metadata.input.shape.slice(2), overlap: 0};  // exports before the contract
  const [tileH, tileW] = tiling.tile, overlap = tiling.overlap;
  const paddedH = Math.max(roundUp(height, m), tileH), paddedW = Math.max(roundUp(width, m), tileW);
  const sum = new Float32Array(paddedH * paddedW), weightSum = new Float32Array(paddedH * paddedW);
  for (const y0 of tileStarts(paddedH, tileH, overlap)) {
    const wy = axisWeights(y0, tileH, paddedH, overlap);
    for (const x0 of tileStarts(paddedW, tileW, overlap)) {
      const wx = axisWeights(x0, tileW, paddedW, overlap);
      // Preprocessing contract: float RGB in [0, 1], NCHW; outside the photo, its border.
      const tile = new Float32Array((batch || 1) * 3 * tileH * tileW);
      for (let y = 0; y < tileH; y++)
        for (let x = 0; x < tileW; x++) {
          const source = (Math.min(y0 + y, height - 1) * width + Math.min(x0 + x, width - 1)) * 4;
          for (let c = 0; c < 3; c++) tile[(c * tileH + y) * tileW + x] = photo.data[source + c] / 255;
        }
      const {logits} = await session.run({images: new ort.Tensor('float32', tile, [batch || 1, 3, tileH, tileW])});
      for (let y = 0; y < tileH; y++)
        for (let x = 0; x < tileW; x++) {
          const weight = Math.fround(wy[y] * wx[x]);
          const probability = 1 / (1 + Math.exp(-logits.data[y * tileW + x]));
          sum[(y0 + y) * paddedW + x0 + x] += probability * weight;
          weightSum[(y0 + y) * paddedW + x0 + x] += weight;
        }
    }
  }
  const mask = new PNG({width, height, colorType: 0});
  const probabilities = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = sum[y * paddedW + x] / weightSum[y * paddedW + x], i = (y * width + x) * 4;
      probabilities[y * width + x] = p;
      mask.data[i] = mask.data[i + 1] = mask.data[i + 2] = p > metadata.threshold ? 255 : 0;
      mask.data[i + 3] = 255;
    }
  fs.writeFileSync(maskFile, PNG.sync.write(mask, {colorType: 0}));
  if (probabilityFile) fs.writeFileSync(probabilityFile, Buffer.from(probabilities.buffer));
  console.log(maskFile + ': model.' + metadata.model.plugin + ', threshold ' + metadata.threshold +
              ', tiles ' + tileW + 'x' + tileH + ' overlapping ' + overlap);
}

main().catch((error) => {
  console.error('error: ' + error.message);
  process.exit(1);
});
