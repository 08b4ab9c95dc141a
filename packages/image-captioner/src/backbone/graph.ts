/**
 * The plain JSON description of a convolutional backbone, written by
 * scripts/extract-backbone.ts. Batch norm and the activation are already folded into each
 * convolution, so the forward pass needs only conv2d / depthwiseConv2d / pad / add / relu6.
 */
export type Activation = 'linear' | 'relu6';

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

export type BackboneNode = PadNode | ConvNode | AddNode;

export interface BackboneGraph {
  kind: 'mobilenet_v2';
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

/** Checks the parts of a graph description the forward pass relies on. */
export function checkGraph(graph: BackboneGraph, source: string): void {
  if (graph.kind !== 'mobilenet_v2') throw new Error(`${source}: unknown backbone kind ${JSON.stringify(graph.kind)}`);
  const known = new Set([graph.input]);
  for (const node of graph.nodes) {
    const inputs = node.op === 'add' ? node.inputs : [node.input];
    for (const i of inputs) {
      if (!known.has(i)) throw new Error(`${source}: node "${node.name}" reads "${i}", which no earlier node produces`);
    }
    known.add(node.name);
  }
  if (!known.has(graph.output)) throw new Error(`${source}: output "${graph.output}" is not produced by any node`);
}
