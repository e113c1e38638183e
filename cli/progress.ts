// Progress on stderr: a bar redrawn in place on a terminal (at most 10 times a second), nothing
// when stderr is a pipe or a file (logs stay clean), and nothing at all with --quiet. Progress
// lines from a tool clear the bar, print, and let it redraw.
import { formatSeconds } from '../src/duration';

const WIDTH = 24;

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export class Progress {
  private drawn = '';
  private lastDraw = 0;
  private startedAt = performance.now();
  private readonly bar: boolean;

  constructor(
    private readonly stream: ProgressStream,
    private readonly quiet: boolean,
  ) {
    this.bar = !quiet && !!stream.isTTY;
  }

  /** `done` of `total` `unit` (steps, showers …), with the time left at the pace so far. */
  update(done: number, total: number, unit: string): void {
    if (!this.bar) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const f = total > 0 ? Math.min(1, done / total) : 0;
    const full = Math.round(f * WIDTH);
    const elapsed = (now - this.startedAt) / 1000;
    const left = done > 0 ? (elapsed * (total - done)) / done : undefined;
    this.drawn = `[${'#'.repeat(full)}${'.'.repeat(WIDTH - full)}] ${(100 * f).toFixed(0).padStart(3)} % ${done}/${total} ${unit} · ${formatSeconds(left)} left`;
    this.stream.write(`\r\x1b[K${this.drawn}`);
  }

  /** A line of its own (a tool's progress report): above the bar, which is redrawn under it. */
  line(text: string): void {
    if (this.quiet) return;
    this.stream.write(this.drawn ? `\r\x1b[K${text}\n${this.drawn}` : `${text}\n`);
  }

  /** Clears the bar (before the report). */
  end(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = '';
  }
}
