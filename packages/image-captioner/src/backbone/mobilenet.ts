import * as tf from '@tensorflow/tfjs-core';
import type { NamedArray } from '../weights/codec';
import { requireWeight } from '../weights/codec';
import { loadWeights } from '../weights/io';
import { checkGraph, type BackboneGraph, type ConvNode } from './graph';
import type { Backbone } from './types';

interface ConvWeights {
  kernel: tf.Tensor4D;
  bias: tf.Tensor1D;
}

/**
 * MobileNetV2 up to `out_relu` written with tfjs-core ops only (no tfjs-layers at run time),
 * reading the folded weights that scripts/extract-backbone.ts saved.
 */
export class MobileNetV2Backbone implements Backbone {
  readonly inputSize: number;
  readonly inputRange: [number, number];
  readonly featureDim: number;
  private readonly convs = new Map<string, ConvWeights>();
  private disposed = false;

  constructor(readonly graph: BackboneGraph, weights: Map<string, NamedArray>, source = 'backbone') {
    checkGraph(graph, source);
    this.inputSize = graph.inputSize;
    this.inputRange = graph.inputRange;
    this.featureDim = graph.outputChannels;
    for (const node of graph.nodes) {
      if (node.op !== 'conv' && node.op !== 'depthwise') continue;
      const k = requireWeight(weights, `${node.name}/kernel`, node.kernelShape, source);
      const outChannels = node.op === 'conv' ? node.kernelShape[3] : node.kernelShape[2] * node.kernelShape[3];
      const b = requireWeight(weights, `${node.name}/bias`, [outChannels], source);
      this.convs.set(node.name, {
        kernel: tf.tensor4d(k.values as Float32Array, node.kernelShape),
        bias: tf.tensor1d(b.values as Float32Array),
      });
    }
  }

  /** Loads the graph and weights saved by scripts/extract-backbone.ts (a folder or URL). */
  static async load(location: string): Promise<MobileNetV2Backbone> {
    const { manifest, weights } = await loadWeights(location);
    return new MobileNetV2Backbone(manifest.description as unknown as BackboneGraph, weights, location);
  }

  /** images: [B, S, S, 3] in `inputRange` → feature map [B, S/32, S/32, D]. */
  featureMap(images: tf.Tensor4D): tf.Tensor4D {
    if (this.disposed) throw new Error('MobileNetV2Backbone: used after dispose()');
    if (images.rank !== 4 || images.shape[3] !== 3) {
      throw new Error(`MobileNetV2Backbone: images must be [B, H, W, 3], got [${images.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const values = new Map<string, tf.Tensor4D>([[this.graph.input, images]]);
      for (const node of this.graph.nodes) {
        if (node.op === 'pad') {
          const x = values.get(node.input)!;
          values.set(node.name, tf.pad(x, [[0, 0], node.pads[0], node.pads[1], [0, 0]]));
        } else if (node.op === 'add') {
          values.set(node.name, tf.add(values.get(node.inputs[0])!, values.get(node.inputs[1])!));
        } else {
          values.set(node.name, this.conv(node, values.get(node.input)!));
        }
      }
      return values.get(this.graph.output)!;
    });
  }

  /** images: [B, S, S, 3] → regions [B, R, D] with R = (S/32)², row-major over the grid. */
  regions(images: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const map = this.featureMap(images);
      const [b, h, w, d] = map.shape;
      return tf.reshape(map, [b, h * w, d]);
    });
  }

  private conv(node: ConvNode, x: tf.Tensor4D): tf.Tensor4D {
    const { kernel, bias } = this.convs.get(node.name)!;
    const activation = node.activation === 'relu6' ? 'relu6' : 'linear';
    // fused ops add the folded batch-norm bias and clip in one kernel on wasm and cpu.
    if (node.op === 'conv') {
      return tf.fused.conv2d({ x, filter: kernel, strides: node.stride, pad: node.padding, bias, activation });
    }
    return tf.fused.depthwiseConv2d({ x, filter: kernel, strides: node.stride, pad: node.padding, bias, activation });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { kernel, bias } of this.convs.values()) {
      kernel.dispose();
      bias.dispose();
    }
    this.convs.clear();
  }
}
