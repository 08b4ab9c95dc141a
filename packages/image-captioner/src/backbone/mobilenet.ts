import * as tf from '@tensorflow/tfjs-core';
import { loadWeights, requireWeight, type NamedArray } from '../weights/io';
import { checkGraph, nodeInputs, type BackboneGraph, type BackboneNode, type ConvNode } from './graph';
import type { Backbone } from './types';

/** The class name a backbone folder's model.json holds (its config is the graph). */
export const BACKBONE_CLASS = 'MobileNetV2Backbone';

interface ConvWeights {
  kernel: tf.Tensor4D;
  bias: tf.Tensor1D;
}

/**
 * A convolutional backbone cut from a Keras model (MobileNetV2 up to `out_relu`, InceptionV3 up
 * to one of its `mixed` blocks) written with tfjs-core ops only (no tfjs-layers at run time),
 * reading the folded weights that training/captioner/scripts/extract-backbone.ts saved. The class keeps its first
 * name, MobileNetV2Backbone, because the package exported it under that name first.
 */
export class MobileNetV2Backbone implements Backbone {
  readonly inputSize: number;
  readonly inputRange: [number, number];
  readonly featureDim: number;
  private readonly convs = new Map<string, ConvWeights>();
  /** For each node, the names whose values are no longer needed once it has run. */
  private readonly freeAfter: string[][];
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
    // Inception's feature maps at 299 pixels add up to hundreds of MB per batch if all are kept
    // to the end of the pass: free each one after its last reader.
    const lastUse = new Map<string, number>();
    graph.nodes.forEach((node, i) => nodeInputs(node).forEach((name) => lastUse.set(name, i)));
    this.freeAfter = graph.nodes.map(() => []);
    for (const [name, i] of lastUse) if (name !== graph.input && name !== graph.output) this.freeAfter[i].push(name);
  }

  /** Loads the graph and weights saved by training/captioner/scripts/extract-backbone.ts (a folder or URL). */
  static async load(location: string): Promise<MobileNetV2Backbone> {
    const { config, weights } = await loadWeights(location, BACKBONE_CLASS);
    return new MobileNetV2Backbone(config as unknown as BackboneGraph, weights, location);
  }

  /** images: [B, S, S, 3] in `inputRange` → feature map [B, H, W, D] (7×7 for MobileNetV2 at 224). */
  featureMap(images: tf.Tensor4D): tf.Tensor4D {
    if (this.disposed) throw new Error('MobileNetV2Backbone: used after dispose()');
    if (images.rank !== 4 || images.shape[3] !== 3) {
      throw new Error(`MobileNetV2Backbone: images must be [B, H, W, 3], got [${images.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const values = new Map<string, tf.Tensor4D>([[this.graph.input, images]]);
      this.graph.nodes.forEach((node, i) => {
        values.set(node.name, this.run(node, values));
        for (const name of this.freeAfter[i]) {
          values.get(name)!.dispose();
          values.delete(name);
        }
      });
      return values.get(this.graph.output)!;
    });
  }

  /** images: [B, S, S, 3] → regions [B, R, D] with R = H × W, row-major over the grid. */
  regions(images: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const map = this.featureMap(images);
      const [b, h, w, d] = map.shape;
      return tf.reshape(map, [b, h * w, d]);
    });
  }

  private run(node: BackboneNode, values: Map<string, tf.Tensor4D>): tf.Tensor4D {
    const get = (name: string): tf.Tensor4D => values.get(name)!;
    switch (node.op) {
      case 'pad':
        return tf.pad(get(node.input), [[0, 0], node.pads[0], node.pads[1], [0, 0]]);
      case 'add':
        return tf.add(get(node.inputs[0]), get(node.inputs[1]));
      case 'concat':
        return tf.concat(node.inputs.map(get), 3);
      case 'maxpool':
        return tf.maxPool(get(node.input), node.size, node.stride, node.padding);
      case 'avgpool':
        return tf.avgPool(get(node.input), node.size, node.stride, node.padding);
      default:
        return this.conv(node, get(node.input));
    }
  }

  private conv(node: ConvNode, x: tf.Tensor4D): tf.Tensor4D {
    const { kernel, bias } = this.convs.get(node.name)!;
    const activation = node.activation;
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
