import { byId } from './dom';

/**
 * The optional image: a file input plus a drop zone around it. Holds the decoded
 * <img> (what the captioner reads through tf.browser.fromPixels) until removed.
 */
export class ImageInput {
  private image: HTMLImageElement | null = null;
  private objectUrl: string | null = null;
  private readonly zone = byId('drop');
  private readonly input = byId<HTMLInputElement>('image-file');
  private readonly preview = byId<HTMLImageElement>('preview');
  private readonly clear = byId<HTMLButtonElement>('clear-image');
  private readonly hint = byId('drop-hint');

  constructor(private readonly onError: (message: string) => void) {
    this.input.addEventListener('change', () => {
      const file = this.input.files?.[0];
      if (file) void this.use(file);
    });
    this.zone.addEventListener('dragover', (e) => {
      e.preventDefault();
      this.zone.classList.add('over');
    });
    this.zone.addEventListener('dragleave', () => this.zone.classList.remove('over'));
    this.zone.addEventListener('drop', (e) => {
      e.preventDefault();
      this.zone.classList.remove('over');
      const file = e.dataTransfer?.files[0];
      if (file) void this.use(file);
    });
    this.clear.addEventListener('click', () => this.reset());
  }

  /** The loaded image, or null when there is none. */
  get current(): HTMLImageElement | null {
    return this.image;
  }

  private async use(file: File): Promise<void> {
    if (!file.type.startsWith('image/')) {
      this.onError(`${file.name}: not an image (${file.type || 'unknown type'})`);
      return;
    }
    this.reset({ keepFile: true });
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.src = url;
    try {
      await img.decode();
    } catch {
      URL.revokeObjectURL(url);
      this.onError(`${file.name}: the browser cannot decode this image`);
      return;
    }
    this.image = img;
    this.objectUrl = url;
    this.preview.src = url;
    this.preview.alt = file.name;
    this.preview.hidden = false;
    this.clear.hidden = false;
    this.hint.textContent = `${file.name} (${img.naturalWidth}×${img.naturalHeight})`;
    this.zone.dataset.state = 'loaded';
  }

  /** Forgets the image; `keepFile` leaves the file input showing the file now being read. */
  private reset({ keepFile = false } = {}): void {
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.image = null;
    this.objectUrl = null;
    if (!keepFile) this.input.value = '';
    this.preview.hidden = true;
    this.preview.removeAttribute('src');
    this.clear.hidden = true;
    this.hint.textContent = 'Drop an image here, or choose a file (optional)';
    delete this.zone.dataset.state;
  }
}
