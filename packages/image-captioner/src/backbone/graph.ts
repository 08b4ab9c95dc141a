/**
 * The plain JSON description of a convolutional backbone, written by
 * training/captioner/scripts/extract-backbone.ts. Batch norm and the activation are already folded into each
 * convolution, so the forward pass needs only conv2d / depthwiseConv2d / pad / add / pooling /
 * concat: enough for MobileNetV2 and InceptionV3.
 */
export type Activation = 'linear' | 'relu6' | 'relu';

/** Which network the graph was cut from (for the record; the forward pass is the same). */
export type BackboneGraphKind = 'mobilenet_v2' | 'inception_v3';

export interface PadNode {
  op: 'pad';
  name: string;
  input: string;
  /** [[top, bottom], [left, right]] zero padding. */
  pads: [[number, number], [number, number]];
}

export interface ConvNode {
  op: 'conv' | 'depthwise';
  name: string;
  input: string;
  /** conv: [kh, kw, inChannels, outChannels]; depthwise: [kh, kw, inChannels, 1]. */
  kernelShape: [number, number, number, number];
  stride: number;
  padding: 'same' | 'valid';
  activation: Activation;
}

export interface AddNode {
  op: 'add';
  name: string;
  inputs: [string, string];
}

export interface PoolNode {
  op: 'maxpool' | 'avgpool';
  name: string;
  input: string;
  /** [height, width] of the window. */
  size: [number, number];
  stride: number;
  /** 'same' average pooling divides by the cells inside the image, as Keras and tfjs do. */
  padding: 'same' | 'valid';
}

export interface ConcatNode {
  op: 'concat';
  name: string;
  /** Joined along the channel axis, in this order. */
  inputs: string[];
}

export type BackboneNode = PadNode | ConvNode | AddNode | PoolNode | ConcatNode;

export interface BackboneGraph {
  kind: BackboneGraphKind;
  /** Square input side the weights were trained at. */
  inputSize: number;
  /** Pixel range the network expects: [0, 1] means pixel / 255. */
  inputRange: [number, number];
  /** Channels of the output regions (D of [B, R, D]). */
  outputChannels: number;
  /** Name of the first node's input. */
  input: string;
  output: string;
  nodes: BackboneNode[];
}

/** The nodes a node reads. */
export function nodeInputs(node: BackboneNode): string[] {
  return node.op === 'add' || node.op === 'concat' ? node.inputs : [node.input];
}

const KINDS: BackboneGraphKind[] = ['mobilenet_v2', 'inception_v3'];

/** Checks the parts of a graph description the forward pass relies on. */
export function checkGraph(graph: BackboneGraph, source: string): void {
  if (!KINDS.includes(graph.kind)) throw new Error(`${source}: unknown backbone kind ${JSON.stringify(graph.kind)}`);
  const known = new Set([graph.input]);
  for (const node of graph.nodes) {
    for (const i of nodeInputs(node)) {
      if (!known.has(i)) throw new Error(`${source}: node "${node.name}" reads "${i}", which no earlier node produces`);
    }
    known.add(node.name);
  }
  if (!known.has(graph.output)) throw new Error(`${source}: output "${graph.output}" is not produced by any node`);
}
