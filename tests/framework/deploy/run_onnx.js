// An exported ONNX file run by ONNX Runtime (npm onnxruntime-node, CPU):
//   node run_onnx.js MODEL.onnx IN.f32 N C H W OUT.f32
// Prints the file's input dimensions as ONNX Runtime reads them.
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, source, n, c, h, w, target] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {intraOpNumThreads: 1});
  const bytes = fs.readFileSync(source);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const images = new ort.Tensor('float32', data, [n, c, h, w].map(Number));
  const out = await session.run({images});
  const logits = out.logits.data;
  fs.writeFileSync(target, Buffer.from(logits.buffer, logits.byteOffset, logits.byteLength));
  console.log('inputs ' + session.inputNames.join(',') + ' outputs ' + session.outputNames.join(','));
}

main().catch((error) => {
  console.error(String(error));
  process.exit(1);
});
