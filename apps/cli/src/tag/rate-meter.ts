/**
 * Progress of a stream on stderr: records done, records per second and, when the total is known,
 * an ETA. Redrawn in place on a terminal; otherwise a plain line every few seconds, so logs stay short.
 */
export class RateMeter {
  private done_ = 0;
  private readonly started = Date.now();
  private lastPrint = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number | null,
    private readonly skipped = 0,
  ) {}

  tick(): void {
    this.done_++;
    const now = Date.now();
    if (now - this.lastPrint < (this.tty ? 200 : 5000)) return;
    this.lastPrint = now;
    this.print(this.line(now));
  }

  done(message?: string): void {
    const line = this.line(Date.now());
    if (this.tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(line + '\n' + (message ? message + '\n' : ''));
  }

  private line(now: number): string {
    const seconds = Math.max(1e-3, (now - this.started) / 1000);
    const rate = this.done_ / seconds;
    const doneAll = this.done_ + this.skipped;
    let text = `${this.label} ${doneAll}${this.total !== null ? `/${this.total}` : ''} posts  ${rate.toFixed(0)} posts/s  ${seconds.toFixed(0)} s`;
    if (this.total !== null && rate > 0 && doneAll < this.total) text += `  ETA ${Math.ceil((this.total - doneAll) / rate)} s`;
    if (this.skipped) text += `  (${this.skipped} kept from before)`;
    return text;
  }

  private print(line: string): void {
    if (this.tty) process.stderr.write(`\r\x1b[2K${line}`);
    else process.stderr.write(line + '\n');
  }
}
