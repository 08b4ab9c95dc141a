/**
 * Conv2DBackpropFilter for the wasm backend, which ships the input-gradient of conv2d but not
 * the filter-gradient (so conv1d/conv2d layers could not train on wasm). The filter gradient is
 * dW[K, Co] = P^T dy[N, Co], with P the im2col patch matrix (N = B * outH * outW output pixels,
 * K = fh * fw * Ci patch values). We write P^T straight onto the heap in row chunks (bounded
 * memory for large images) and let the backend's own BatchMatMul (XNNPACK) do the products.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, BatchMatMul, Conv2DBackpropFilter, getKernel } from '@tensorflow/tfjs-core';
import type { WasmBackendView } from './backend-views';

/** Upper bound on the values of one P^T chunk (16 MiB of float32). */
const MAX_PATCH_VALUES = 4 * 1024 * 1024;

export interface BackpropFilterArgs {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackendView;
  attrs: {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
}

function conv2DBackpropFilterWasm({ inputs, backend, attrs }: BackpropFilterArgs): TensorInfo {
  return filterGradientWasm(backend, inputs.x, inputs.dy, attrs);
}

/**
 * The filter gradient [fh, fw, Ci, Co] of an NHWC conv2d with input `x` and output gradient
 * `dy`. `maxPatchValues` bounds the im2col chunk (exposed so tests can force several chunks).
 */
export function filterGradientWasm(
  backend: WasmBackendView,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: BackpropFilterArgs['attrs'],
  maxPatchValues = MAX_PATCH_VALUES,
): TensorInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw new Error('Conv2DBackpropFilter (wasm): dataFormat NCHW is not supported; use NHWC');
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`Conv2DBackpropFilter (wasm): x and dy must be float32, got ${x.dtype} and ${dy.dtype}`);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const patchSize = filterHeight * filterWidth * inChannels;
  const numRows = batchSize * outHeight * outWidth;

  const out = backend.makeOutput(attrs.filterShape, 'float32');
  backend.typedArrayFromHeap(out).fill(0);
  if (numRows === 0 || patchSize === 0 || outChannels === 0) return out;

  const matMul = getKernel(BatchMatMul, 'wasm');
  if (matMul == null) throw new Error('Conv2DBackpropFilter (wasm): the wasm BatchMatMul kernel is not registered');
  const rowsPerChunk = Math.max(1, Math.min(numRows, Math.floor(maxPatchValues / patchSize)));

  for (let r0 = 0; r0 < numRows; r0 += rowsPerChunk) {
    const n = Math.min(rowsPerChunk, numRows - r0);
    const patchesT = backend.makeOutput([1, patchSize, n], 'float32');
    const dyRows = backend.makeOutput([1, n, outChannels], 'float32');
    const xv = backend.typedArrayFromHeap(x);
    const pv = backend.typedArrayFromHeap(patchesT);
    backend.typedArrayFromHeap(dyRows).set(backend.typedArrayFromHeap(dy).subarray(r0 * outChannels, (r0 + n) * outChannels));

    for (let fy = 0; fy < filterHeight; fy++) {
      for (let fx = 0; fx < filterWidth; fx++) {
        const kBase = (fy * filterWidth + fx) * inChannels;
        // Walk the chunk's output pixels (b, oy, ox) in row order.
        let ox = r0 % outWidth;
        let oy = Math.floor(r0 / outWidth) % outHeight;
        let b = Math.floor(r0 / (outWidth * outHeight));
        for (let r = 0; r < n; r++) {
          const iy = oy * strideHeight + fy - top;
          const ix = ox * strideWidth + fx - left;
          const inside = iy >= 0 && iy < inHeight && ix >= 0 && ix < inWidth;
          const xBase = ((b * inHeight + iy) * inWidth + ix) * inChannels;
          for (let c = 0; c < inChannels; c++) pv[(kBase + c) * n + r] = inside ? xv[xBase + c] : 0;
          if (++ox === outWidth) {
            ox = 0;
            if (++oy === outHeight) {
              oy = 0;
              b++;
            }
          }
        }
      }
    }

    const product = matMul.kernelFunc({
      inputs: { a: patchesT, b: dyRows },
      backend: backend as never,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    // Views again: the product's allocation may have grown the heap.
    const acc = backend.typedArrayFromHeap(out);
    const part = backend.typedArrayFromHeap(product);
    for (let i = 0; i < acc.length; i++) acc[i] += part[i];
    backend.disposeData(patchesT.dataId);
    backend.disposeData(dyRows.dataId);
    backend.disposeData(product.dataId);
  }
  return out;
}

export const conv2DBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as KernelFunc,
};
