/**
 * @trimod/image-captioner: captions, COCO objects and region features of images, and the visual
 * encoder TriMod fuses them with.
 *
 *   const captioner = await loadCaptioner();      // shipped MobileNetV2 + CenterNet backbone, GRU decoder
 *   const { caption, objects } = await captioner.describe('photo.jpg');
 *
 * Search, scoring (BLEU, CIDEr-D), the backbone graph and image decoding internals are not part
 * of the public face; the training workspace (training/captioner) reaches them through the sources.
 */
export { Captioner, loadCaptioner, type CaptionerOptions, type LoadCaptionerOptions, type Description } from './captioner';
export { VisualEncoder, type VisualSample, type VisualEncoderConfig } from './visual-encoder';
export { CaptionDecoder } from './decoder/decoder';
export { DecoderEnsemble } from './decoder/ensemble';
export { CaptionVocab } from './decoder/vocab';
export type { DecoderConfig } from './decoder/config';
export { loadDecoder, saveDecoder, type DecoderDescription, type BackboneKind } from './decoder/io';
export { MobileNetV2Backbone } from './backbone/mobilenet';
export { StackedBackbone } from './backbone/stacked';
export type { Backbone, PixelBackbone } from './backbone/types';
export { CenterNetDetector, lazyCenterNet, type CenterNetOptions } from './objects/centernet';
export type { Box, Detection, DetectedObject, ObjectDetector } from './objects/types';
export { toPixels, type ImageInput, type BrowserImage } from './image/input';
export { decodeImage } from './image/decode';
