import type * as node from './png-node';

// The browser twin of png-node.ts (same exports, checked by these types): the browser's own
// PNG decoder instead of pngjs, which needs Node's zlib, streams and Buffer.

export const decodePngRgba: typeof node.decodePngRgba = () => {
  throw new Error(
    'decoding PNG bytes synchronously needs Node (pngjs); in a browser use toPixels(bytes) (asynchronous, ' +
      'the browser decodes) or pass an <img>, ImageBitmap or canvas',
  );
};

export const decodePngRgbaAsync: typeof node.decodePngRgbaAsync = async (bytes) => {
  // Unpremultiplied and without colour management, so the pixels match pngjs's in Node.
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context on an OffscreenCanvas');
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: bitmap.width, height: bitmap.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    bitmap.close();
  }
};
