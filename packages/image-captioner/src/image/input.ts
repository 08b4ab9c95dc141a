import * as tf from '@tensorflow/tfjs-core';
import { isNode } from '@trimod/core';
import { decodeImage, decodeImageAsync } from './decode';

/** What the browser can hand to tf.browser.fromPixels. */
export type BrowserImage = HTMLImageElement | HTMLCanvasElement | HTMLVideoElement | ImageBitmap | ImageData | OffscreenCanvas;

/**
 * An image in any form the captioner accepts: file bytes (JPEG / PNG), a file path (Node),
 * a browser image element / bitmap / canvas, or an int32 / float tensor [H, W, 3] of 0..255.
 */
export type ImageInput = Uint8Array | ArrayBuffer | string | tf.Tensor3D | BrowserImage;


async function readPath(path: string): Promise<Uint8Array> {
  if (!isNode()) {
    const res = await fetch(path);
    if (!res.ok) throw new Error(`image ${path}: HTTP ${res.status} ${res.statusText}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  const fs = await import('node:fs/promises');
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (err) {
    throw new Error(`image ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Decoded file bytes as an int32 tensor [H, W, 3]. */
export function bytesToTensor(bytes: Uint8Array, name: string): tf.Tensor3D {
  const img = decodeImage(bytes, name);
  return tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
}

/** bytesToTensor that also decodes PNG in a browser (asynchronously, with the browser's decoder). */
export async function bytesToTensorAsync(bytes: Uint8Array, name: string): Promise<tf.Tensor3D> {
  const img = await decodeImageAsync(bytes, name);
  return tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
}

/** Any ImageInput to a pixel tensor [H, W, 3] (0..255). The caller disposes it. */
export async function toPixels(input: ImageInput, name = 'input'): Promise<tf.Tensor3D> {
  if (typeof input === 'string') return bytesToTensorAsync(await readPath(input), input);
  if (input instanceof Uint8Array) return bytesToTensorAsync(input, name);
  if (input instanceof ArrayBuffer) return bytesToTensorAsync(new Uint8Array(input), name);
  if (input instanceof tf.Tensor) {
    if (input.rank !== 3 || input.shape[2] !== 3) {
      throw new Error(`image ${name}: a tensor image must be [H, W, 3], got [${input.shape.join(', ')}]`);
    }
    return tf.clone(input);
  }
  if (typeof tf.browser?.fromPixels === 'function' && typeof (input as { width?: unknown }).width === 'number') {
    return tf.browser.fromPixels(input as Exclude<BrowserImage, OffscreenCanvas>, 3);
  }
  throw new Error(`image ${name}: unsupported input (expected JPEG/PNG bytes, a path, a [H, W, 3] tensor or a browser image)`);
}
