// A run's metric history, kept on the CPU (small samples only), exportable as CSV and JSON.
import type { MetricSample } from './types';

export class MetricLog {
  readonly samples: MetricSample[] = [];

  constructor(
    readonly system: string,
    private readonly limit = 100_000,
  ) {}

  push(s: MetricSample): void {
    this.samples.push(s);
    if (this.samples.length > this.limit) this.samples.splice(0, this.samples.length - this.limit);
  }

  clear(): void {
    this.samples.length = 0;
  }

  get latest(): MetricSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  scalarNames(): string[] {
    const names = new Set<string>();
    for (const s of this.samples) for (const k of Object.keys(s.scalars)) names.add(k);
    return [...names];
  }

  /** step,time,<scalars...>; histograms and curves are in the JSON export. */
  toCSV(): string {
    const names = this.scalarNames();
    const rows = [['step', 'time', ...names].join(',')];
    for (const s of this.samples) {
      rows.push([s.step, s.time, ...names.map((n) => (n in s.scalars ? s.scalars[n] : ''))].join(','));
    }
    return rows.join('\n') + '\n';
  }

  toJSON(meta: Record<string, unknown> = {}): string {
    return JSON.stringify({ system: this.system, ...meta, samples: this.samples });
  }
}
