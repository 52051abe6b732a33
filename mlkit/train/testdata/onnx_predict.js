// SPDX-License-Identifier: Apache-2.0
// Runs an exported .onnx file with onnxruntime-node (no GoMLX, no MedGo) for the export tests.
// Usage: node onnx_predict.js SPEC.json, where SPEC names the model, its fixed batch size, the
// number of examples, the raw little-endian float32 files of each input (with one example's
// dimensions) and the output file and width. The last batch is padded with zeros and the padded
// rows are dropped.
'use strict';
const fs = require('fs');
const ort = require(process.env.ORT_NODE_MODULE);

function floats(path) {
  const b = fs.readFileSync(path);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const session = await ort.InferenceSession.create(spec.model, { executionProviders: ['cpu'] });
  const inputs = spec.inputs.map((i) => ({
    name: i.name,
    dims: i.example,
    size: i.example.reduce((a, b) => a * b, 1),
    data: floats(i.file),
  }));
  const out = new Float32Array(spec.n * spec.width);
  for (let start = 0; start < spec.n; start += spec.batch) {
    const rows = Math.min(spec.batch, spec.n - start);
    const feeds = {};
    for (const i of inputs) {
      const buf = new Float32Array(spec.batch * i.size);
      buf.set(i.data.subarray(start * i.size, (start + rows) * i.size));
      feeds[i.name] = new ort.Tensor('float32', buf, [spec.batch, ...i.dims]);
    }
    const res = await session.run(feeds);
    const y = res[spec.output].data;
    out.set(y.subarray(0, rows * spec.width), start * spec.width);
  }
  fs.writeFileSync(spec.outFile, Buffer.from(out.buffer));
  console.log(JSON.stringify({ inputs: session.inputNames, outputs: session.outputNames }));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
