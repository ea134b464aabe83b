/**
 * A one-line progress display for meta-training: bar, meta-step, loss, ETA. On a terminal it
 * redraws in place; in a log (CI, pipes) it prints a line every `logEvery` seconds instead.
 */
export class ProgressBar {
  private lastLog = 0;
  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly logEvery = 10,
  ) {}

  update(step: number, total: number, loss: number, etaSeconds: number, extra = ''): void {
    const line = formatProgress(step, total, loss, etaSeconds, extra);
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
    } else if (Date.now() - this.lastLog > this.logEvery * 1000 || step === total) {
      this.out.write(`${line}\n`);
      this.lastLog = Date.now();
    }
  }

  /** Ends the in-place line so the next output starts on its own line. */
  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function formatProgress(step: number, total: number, loss: number, etaSeconds: number, extra = ''): string {
  const width = 24;
  const frac = total > 0 ? Math.min(1, step / total) : 0;
  const filled = Math.round(frac * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  return `${bar} step ${step}/${total}  loss ${loss.toFixed(4)}  ETA ${formatDuration(etaSeconds)}${extra ? `  ${extra}` : ''}`;
}
