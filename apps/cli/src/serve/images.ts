import { loadCaptioner } from '@trimod/image-captioner';
import { RequestError } from './request-error';

/** What the server needs of a captioner: image-captioner's `Captioner.describe`. */
export interface ImageDescriber {
  describe(image: Uint8Array, name?: string): Promise<{ caption: string }>;
}

/**
 * Writes captions for posts' images with a captioner loaded on first use and then kept: models
 * that read no captions never pay for loading one (about 11 MB of weights).
 */
export class ImageCaptions {
  private captioner: Promise<ImageDescriber> | null = null;

  constructor(private readonly load: () => Promise<ImageDescriber> = loadCaptioner) {}

  /** The caption of base64 JPEG / PNG bytes; a RequestError naming `field` when they are not an image. */
  async caption(base64: string, field: string): Promise<string> {
    const bytes = imageBytes(base64, field);
    if (this.captioner === null) {
      // A failed load is not cached: the next image tries again (and reports the same problem).
      this.captioner = this.load().catch((err: unknown) => {
        this.captioner = null;
        throw err;
      });
    }
    const captioner = await this.captioner;
    try {
      return (await captioner.describe(bytes, field)).caption;
    } catch (err) {
      throw new RequestError(400, `${field}: cannot caption the image: ${err instanceof Error ? err.message : String(err)}`, field);
    }
  }
}

/** Base64 text to file bytes, checked to start like a JPEG or a PNG. */
export function imageBytes(base64: string, field: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (!jpeg && !png) throw new RequestError(400, `${field}: not a JPEG or PNG file (expected the file's bytes in base64)`, field);
  return bytes;
}
