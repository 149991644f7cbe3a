// ONNX Runtime (CPU, npm onnxruntime-node) peer of tests/bench/deploy_bench.cpp: times an
// exported model's forward the same way (median of RUNS after 3 warm-up runs).
//   node ort_bench.js MODEL.onnx N C H W RUNS THREADS
// prints: median_ms=...
const ort = require('onnxruntime-node');

async function main() {
  const [model, n, c, h, w, runs, threads] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential'});
  const dims = [n, c, h, w].map(Number);
  const data = Float32Array.from({length: dims.reduce((a, b) => a * b)}, () => Math.random());
  const images = new ort.Tensor('float32', data, dims);
  const times = [];
  for (let i = 0; i < 3 + Number(runs); i++) {
    const start = process.hrtime.bigint();
    await session.run({images});
    if (i >= 3) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log('median_ms=' + times[Math.floor(times.length / 2)]);
}

main().catch((error) => {
  console.error(String(error));
  process.exit(1);
});
