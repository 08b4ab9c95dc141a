/**
 * A one-line progress bar on stderr. On a terminal it redraws in place; otherwise (CI, logs)
 * it prints a plain line at most every few seconds so logs stay readable.
 */
export class ProgressBar {
  private lastPrint = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly width = 28,
  ) {}

  update(done: number, total: number, extra = ''): void {
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const now = Date.now();
    if (!this.tty && now - this.lastPrint < 5000 && done < total) return;
    this.lastPrint = now;
    const filled = Math.round(frac * this.width);
    const bar = '█'.repeat(filled) + '░'.repeat(this.width - filled);
    const line = `${this.label} ${bar} ${String(Math.round(frac * 100)).padStart(3)}% ${done}/${total}${extra ? '  ' + extra : ''}`;
    if (this.tty) process.stderr.write(`\r\x1b[2K${line}`);
    else process.stderr.write(line + '\n');
  }

  /** Ends the bar's line (on a terminal) and optionally prints a closing message. */
  done(message?: string): void {
    if (this.tty) process.stderr.write('\r\x1b[2K');
    if (message) process.stderr.write(message + '\n');
  }
}

/** Prints a status message on stderr (stdout is kept for results). */
export function status(message: string): void {
  process.stderr.write(message + '\n');
}
