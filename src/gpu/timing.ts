// GPU timing: timestamp queries per labelled compute pass where the adapter has them,
// otherwise the wall time until the queue finishes the submitted work.

export interface TimingReport {
  /** 'timestamp' (GPU clock per pass) or 'queue' (wall time of whole submissions). */
  method: 'timestamp' | 'queue';
  /** Total milliseconds per pass label since the last reset. */
  perLabelMs: Record<string, number>;
  totalMs: number;
}

const MAX_PASSES = 128;

/** How often a simulation times its steps for the lab's GPU-time readout. */
export const TIMING_INTERVAL_MS = 500;

export class GpuTimer {
  private readonly querySet: GPUQuerySet | undefined;
  private readonly resolveBuffer: GPUBuffer | undefined;
  private readonly readBuffer: GPUBuffer | undefined;
  private labels: { label: string; units: number }[] = [];
  /** Work units (e.g. steps) encoded per label, timed or not; timed ones are scaled up to these. */
  private unitsAll: Record<string, number> = {};
  private unitsTimed: Record<string, number> = {};
  private pendingRead = false;
  private perLabel: Record<string, number> = {};
  private queueMs = 0;

  private lastRead = -Infinity;
  private collecting: Promise<void> | undefined;

  /**
   * `minIntervalMs`: time passes only this often (the lab's readout needs a few reads a second,
   * not one per frame); 0 times every pass while query slots last (benchmarks).
   */
  constructor(
    private readonly device: GPUDevice,
    enabled = device.features.has('timestamp-query'),
    private readonly minIntervalMs = 0,
  ) {
    if (!enabled) return;
    this.querySet = device.createQuerySet({ type: 'timestamp', count: MAX_PASSES * 2 });
    const size = MAX_PASSES * 2 * 8;
    this.resolveBuffer = device.createBuffer({ label: 'gpu timer: resolve', size, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.readBuffer = device.createBuffer({ label: 'gpu timer: timestamps', size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  }

  get method(): TimingReport['method'] {
    return this.querySet ? 'timestamp' : 'queue';
  }

  /**
   * Begins a compute pass holding `units` of work (e.g. steps); it is timed when due, a query
   * slot is free and no earlier read is in flight. report() scales timed passes up to all units.
   */
  pass(encoder: GPUCommandEncoder, label: string, units = 1): GPUComputePassEncoder {
    this.unitsAll[label] = (this.unitsAll[label] ?? 0) + units;
    const due = this.labels.length > 0 || performance.now() - this.lastRead >= this.minIntervalMs;
    if (!this.querySet || this.pendingRead || this.labels.length >= MAX_PASSES || !due) {
      return encoder.beginComputePass({ label });
    }
    const i = this.labels.length;
    this.labels.push({ label, units });
    return encoder.beginComputePass({
      label,
      timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
    });
  }

  /** Call once at the end of an encoder that used pass(); copies the timestamps for collect(). */
  resolve(encoder: GPUCommandEncoder): void {
    if (!this.querySet || this.pendingRead || this.labels.length === 0) return;
    const n = this.labels.length * 2;
    encoder.resolveQuerySet(this.querySet, 0, n, this.resolveBuffer!, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer!, 0, this.readBuffer!, 0, n * 8);
    this.pendingRead = true;
  }

  /** Reads resolved timestamps (after the submit that called resolve) and adds them up per label. */
  collect(): Promise<void> {
    // One read at a time: a second call while the buffer is being mapped shares the first.
    this.collecting ??= this.readTimestamps().finally(() => (this.collecting = undefined));
    return this.collecting;
  }

  private async readTimestamps(): Promise<void> {
    if (!this.pendingRead) return;
    const labels = this.labels;
    await this.readBuffer!.mapAsync(GPUMapMode.READ, 0, labels.length * 16);
    const t = new BigUint64Array(this.readBuffer!.getMappedRange(0, labels.length * 16).slice(0));
    this.readBuffer!.unmap();
    labels.forEach(({ label, units }, i) => {
      const ns = Number(t[2 * i + 1]! - t[2 * i]!);
      if (ns >= 0 && ns < 1e12) {
        this.perLabel[label] = (this.perLabel[label] ?? 0) + ns / 1e6;
        this.unitsTimed[label] = (this.unitsTimed[label] ?? 0) + units;
      }
    });
    this.labels = [];
    this.pendingRead = false;
    this.lastRead = performance.now();
  }

  /** Times a whole submission by waiting for the queue (fallback, and for totals). */
  async timeQueue(submit: () => void): Promise<number> {
    const t0 = performance.now();
    submit();
    await this.device.queue.onSubmittedWorkDone();
    const ms = performance.now() - t0;
    this.queueMs += ms;
    return ms;
  }

  report(): TimingReport {
    const perLabelMs = Object.fromEntries(
      Object.entries(this.perLabel).map(([k, ms]) => [k, (ms * (this.unitsAll[k] ?? 1)) / (this.unitsTimed[k] || 1)]),
    );
    const sum = Object.values(perLabelMs).reduce((a, b) => a + b, 0);
    return { method: this.method, perLabelMs, totalMs: this.querySet ? sum : this.queueMs };
  }

  reset(): void {
    this.perLabel = {};
    this.unitsAll = {};
    this.unitsTimed = {};
    this.queueMs = 0;
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
    this.readBuffer?.destroy();
  }
}
