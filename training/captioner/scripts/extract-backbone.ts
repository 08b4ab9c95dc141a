/**
 * One-off: cut one of nsfwjs's Keras models (MIT) at a layer, fold every batch norm into the
 * convolution before it, and save a plain JSON graph + float16 weights, so that run time needs
 * neither nsfwjs nor tfjs-layers. Also records the tfjs-layers output on a reference image as a
 * test fixture.
 *
 *   npx tsx scripts/extract-backbone.ts [outDir] [float32]          MobileNetV2 at out_relu → packages/image-captioner/weights/backbone
 *   npx tsx scripts/extract-backbone.ts ../../packages/image-captioner/weights/inception float16 --model inception_v3 --cut mixed7 --range 11
 *
 * InceptionV3: nsfwjs froze its layers up to `mixed5` while fine-tuning for NSFW classes, so
 * those are ImageNet's weights, which expect pixels in [-1, 1] (`--range 11`); nsfwjs itself
 * feeds [0, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackboneGraph, BackboneNode, ConvNode } from '../../../packages/image-captioner/src/backbone/graph';
import { BACKBONE_CLASS, MobileNetV2Backbone } from '../../../packages/image-captioner/src/backbone/mobilenet';
import { referenceImage } from '../../../packages/image-captioner/src/backbone/test-image';
import type { NamedArray } from '../../../packages/image-captioner/src/weights/io';
import { saveWeights, loadWeights } from '../../../packages/image-captioner/src/weights/io';

const require = createRequire(__filename);
const PKG = path.resolve(__dirname, '../../../packages/image-captioner');
function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(i > 0 && all[i - 1].startsWith('--')));
const MODEL = flag('model', 'mobilenet_v2') as 'mobilenet_v2' | 'inception_v3';
const OUT = path.resolve(positional[0] ?? path.join(PKG, 'weights/backbone'));
/** float32 storage is only for checking that the forward pass itself is exact. */
const DTYPE = positional[1] === 'float32' ? 'float32' : 'float16';
const FIXTURE = path.join(PKG, MODEL === 'mobilenet_v2' ? 'test/fixtures/backbone-reference.json' : `test/fixtures/${MODEL}-reference.json`);
const CUT = flag('cut', MODEL === 'mobilenet_v2' ? 'out_relu' : 'mixed7');
const INPUT_SIZE = Number(flag('size', MODEL === 'mobilenet_v2' ? '224' : '299'));
/** nsfwjs feeds pixel / 255 (see its core.js, `normalizationOffset = 255`): `01`; ImageNet Keras weights: `11`. */
const INPUT_RANGE: [number, number] = flag('range', '01') === '11' ? [-1, 1] : [0, 1];
// nsfwjs's exports map hides package.json: find the package root from its main entry.
const NSFW_DIR = path.resolve(path.dirname(require.resolve('nsfwjs')), '../..');

interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown> & { name: string };
  inbound_nodes: [string, number, number, unknown][][];
}

/** An IOHandler over nsfwjs's files: the model ships as UMD modules wrapping JSON and base64. */
function nsfwjsHandler(): tf.io.IOHandler {
  const dir = path.join(NSFW_DIR, 'dist/models', MODEL);
  const model = require(path.join(dir, 'model.min.js')) as { modelTopology: object; weightsManifest: tf.io.WeightsManifestConfig };
  const shards = model.weightsManifest[0].paths.map((p) => {
    const b64 = require(path.join(dir, `${p}.min.js`)) as string;
    return Buffer.from(b64, 'base64');
  });
  const data = Buffer.concat(shards);
  return tf.io.fromMemory({
    modelTopology: model.modelTopology,
    weightSpecs: model.weightsManifest[0].weights,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  });
}

function tensorValues(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const model = await tfl.loadLayersModel(nsfwjsHandler());
  const topology = (model as unknown as { toJSON(u: unknown, r: boolean): { config: { layers: KerasLayerJson[] } } }).toJSON(null, false);
  const layers = topology.config.layers;

  const nodes: BackboneNode[] = [];
  const convByName = new Map<string, ConvNode>();
  const folded = new Map<string, { kernel: Float32Array; bias: Float32Array }>();
  /** Keras layer name → name of the node in our graph that holds its value. */
  const alias = new Map<string, string>();
  const inputName = layers[0].config.name;
  alias.set(inputName, inputName);
  const src = (l: KerasLayerJson, i = 0): string => {
    const name = l.inbound_nodes[0][i][0];
    const a = alias.get(name);
    if (a === undefined) throw new Error(`layer ${l.config.name} reads ${name}, which was not translated`);
    return a;
  };

  for (const l of layers.slice(1)) {
    const c = l.config;
    const layer = model.getLayer(c.name);
    switch (l.class_name) {
      case 'ZeroPadding2D': {
        const pads = c.padding as [[number, number], [number, number]];
        nodes.push({ op: 'pad', name: c.name, input: src(l), pads });
        alias.set(c.name, c.name);
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const st = c.strides as number[];
        const dil = c.dilation_rate as number[];
        if (st[0] !== st[1] || dil[0] !== 1 || dil[1] !== 1) throw new Error(`${c.name}: unsupported geometry`);
        if (l.class_name === 'DepthwiseConv2D' && c.depth_multiplier !== 1) throw new Error(`${c.name}: depth_multiplier ≠ 1`);
        const [kernel, bias] = layer.getWeights();
        const node: ConvNode = {
          op: l.class_name === 'Conv2D' ? 'conv' : 'depthwise',
          name: c.name,
          input: src(l),
          kernelShape: kernel.shape as [number, number, number, number],
          stride: st[0],
          padding: c.padding as 'same' | 'valid',
          activation: 'linear',
        };
        const outC = node.op === 'conv' ? node.kernelShape[3] : node.kernelShape[2] * node.kernelShape[3];
        folded.set(c.name, { kernel: tensorValues(kernel).slice(), bias: bias ? tensorValues(bias).slice() : new Float32Array(outC) });
        nodes.push(node);
        convByName.set(c.name, node);
        alias.set(c.name, c.name);
        break;
      }
      case 'BatchNormalization': {
        const target = src(l);
        const node = convByName.get(target);
        if (node === undefined || node.activation !== 'linear') throw new Error(`${c.name}: batch norm not directly after a convolution`);
        if (c.center === false) throw new Error(`${c.name}: batch norm without centre is not handled`);
        const bn = layer.getWeights().map(tensorValues);
        // Keras leaves gamma out when scale = false (InceptionV3): it is 1.
        const [gamma, beta, mean, variance] = c.scale === false ? [new Float32Array(bn[0].length).fill(1), ...bn] : bn;
        const eps = c.epsilon as number;
        const w = folded.get(target)!;
        const outC = gamma.length;
        // y = gamma * (conv(x) + b - mean) / sqrt(var + eps) + beta: scale the kernel per output channel.
        for (let o = 0; o < outC; o++) {
          const s = gamma[o] / Math.sqrt(variance[o] + eps);
          for (let i = o; i < w.kernel.length; i += outC) w.kernel[i] *= s; // output channel is the fastest axis
          w.bias[o] = (w.bias[o] - mean[o]) * s + beta[o];
        }
        alias.set(c.name, target);
        break;
      }
      case 'ReLU': {
        const target = src(l);
        const node = convByName.get(target);
        if (node === undefined || c.max_value !== 6 || (c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) {
          throw new Error(`${c.name}: only relu6 after a convolution is handled`);
        }
        node.activation = 'relu6';
        alias.set(c.name, target);
        break;
      }
      case 'Activation': {
        const target = src(l);
        const node = convByName.get(target);
        if (node === undefined || node.activation !== 'linear' || c.activation !== 'relu') throw new Error(`${c.name}: only relu after a convolution is handled`);
        node.activation = 'relu';
        alias.set(c.name, target);
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const st = c.strides as number[];
        if (st[0] !== st[1]) throw new Error(`${c.name}: unequal strides`);
        nodes.push({ op: l.class_name === 'MaxPooling2D' ? 'maxpool' : 'avgpool', name: c.name, input: src(l), size: c.pool_size as [number, number], stride: st[0], padding: c.padding as 'same' | 'valid' });
        alias.set(c.name, c.name);
        break;
      }
      case 'Concatenate': {
        if (c.axis !== -1 && c.axis !== 3) throw new Error(`${c.name}: concatenation along axis ${String(c.axis)}`);
        nodes.push({ op: 'concat', name: c.name, inputs: l.inbound_nodes[0].map((_, i) => src(l, i)) });
        alias.set(c.name, c.name);
        break;
      }
      case 'Add': {
        nodes.push({ op: 'add', name: c.name, inputs: [src(l, 0), src(l, 1)] });
        alias.set(c.name, c.name);
        break;
      }
      default:
        throw new Error(`layer ${c.name}: ${l.class_name} is not handled (cut before it)`);
    }
    if (c.name === CUT) break;
  }
  const output = alias.get(CUT)!;
  const graph: BackboneGraph = {
    kind: MODEL,
    inputSize: INPUT_SIZE,
    inputRange: INPUT_RANGE,
    outputChannels: (model.getLayer(CUT).outputShape as number[])[3],
    input: inputName,
    output,
    nodes,
  };
  const arrays: NamedArray[] = [];
  for (const node of nodes) {
    if (node.op !== 'conv' && node.op !== 'depthwise') continue;
    const w = folded.get(node.name)!;
    arrays.push({ name: `${node.name}/kernel`, shape: node.kernelShape, values: w.kernel });
    arrays.push({ name: `${node.name}/bias`, shape: [w.bias.length], values: w.bias });
  }
  const licence = fs.readFileSync(path.join(NSFW_DIR, 'LICENSE'), 'utf8');
  await saveWeights(OUT, BACKBONE_CLASS, graph as unknown as import('@trimod/core').JsonObject, arrays, {
    storage: DTYPE,
    extraFiles: {
      'LICENSE-nsfwjs.txt': licence,
      'SOURCE.md': `Weights derived from the ${MODEL} model of the nsfwjs npm package ${require(path.join(NSFW_DIR, 'package.json')).version} (MIT, Infinite Red, Inc.; licence in LICENSE-nsfwjs.txt):\ncut at layer \`${CUT}\`, batch norm folded into the convolutions, stored as float16 by scripts/extract-backbone.ts (${process.argv.slice(2).join(' ')}); input pixels scaled to [${INPUT_RANGE.join(', ')}].\n`,
    },
  });

  // Reference output of the original (tfjs-layers) sub-model on a reproducible image.
  const sub = tfl.model({ inputs: model.inputs, outputs: model.getLayer(CUT).output as tfl.SymbolicTensor });
  const seed = 2024;
  const [lo, hi] = INPUT_RANGE;
  const image = tf.tidy(() => tf.add(tf.mul(tf.tensor4d(referenceImage(INPUT_SIZE, seed), [1, INPUT_SIZE, INPUT_SIZE, 3]), hi - lo), lo) as tf.Tensor4D);
  const expected = tensorValues(sub.predict(image) as tf.Tensor);
  const ours = await MobileNetV2Backbone.load(OUT);
  const got = tensorValues(ours.featureMap(image));
  let maxDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(expected[i] - got[i]));
    maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
  }
  const stride = 61;
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < expected.length; i += stride) {
    indices.push(i);
    values.push(Number(expected[i].toFixed(5)));
  }
  const regionMeans: number[] = [];
  const d = graph.outputChannels;
  for (let r = 0; r < expected.length / d; r++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += expected[r * d + k];
    regionMeans.push(Number((s / d).toFixed(6)));
  }
  if (DTYPE === 'float16') fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
  if (DTYPE === 'float16') fs.writeFileSync(FIXTURE, JSON.stringify({ seed, inputSize: INPUT_SIZE, inputRange: INPUT_RANGE, shape: (sub.outputs[0].shape as number[]).map((n) => n ?? 1), maxAbs, indices, values, regionMeans }) + '\n');
  const { weights } = await loadWeights(OUT, BACKBONE_CLASS);
  const params = [...weights.values()].reduce((n, w) => n + w.values.length, 0);
  console.log(`saved ${nodes.length} nodes, ${params} parameters to ${OUT}`);
  console.log(`tfjs-layers vs own forward pass (${DTYPE} weights): max |diff| ${maxDiff.toExponential(3)} (max |value| ${maxAbs.toFixed(3)})`);
  console.log(`fixture: ${FIXTURE}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
