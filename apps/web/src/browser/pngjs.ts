/**
 * Stands in for `pngjs` in the browser build. image-captioner decodes PNG *bytes* with pngjs,
 * which needs Node's streams, zlib and Buffer: bundled for a browser it crashes as soon as the
 * page loads (`util.inherits is not a function`), although the demo never decodes bytes (it
 * hands the captioner an <img>, read through tf.browser.fromPixels). This module keeps that
 * path failing with a clear message instead of the page failing at start.
 */
function nodeOnly(): never {
  throw new Error('decoding PNG bytes needs Node (pngjs); in a browser pass an <img>, ImageBitmap or canvas to the captioner');
}

export class PNG {
  static sync = { read: nodeOnly, write: nodeOnly };
}
