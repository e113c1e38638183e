// What the viewport draws: token positions in 3-D (written by a GPU kernel through a 3×d basis),
// colours, a GPU ring buffer of past positions (trails), and the basis itself: identity rows for
// d ≤ 3, a fixed random orthonormal projection, or PCA of the current tokens (from a d×d
// covariance reduced on the GPU; only the d×d matrix is read back).
import { Readback, storageBuffer, UniformStruct } from '../../gpu/buffers';
import { dispatchThreads } from '../../gpu/dispatch';
import { kernel, wgsl, type Kernel } from '../../gpu/pipelines';
import threads from '../../gpu/shaders/threads.wgsl?raw';
import viewCode from './shaders/view.wgsl?raw';
import { normals, orthonormalRows, randomProjection } from './model';

export type Projection = 'pca' | 'random';

const VIEW = wgsl(threads, viewCode);

/** Token sets drawn together: the main state and, side by side, the other scheme. */
export interface ViewSet {
  x: GPUBuffer;
  color: (i: number, n: number) => [number, number, number];
}

export class TokenView {
  readonly positions: GPUBuffer;
  readonly colors: GPUBuffer;
  readonly trails: GPUBuffer | null;
  readonly count: number;
  private readonly basis: GPUBuffer;
  private readonly covariance: GPUBuffer;
  private readonly write: Kernel[];
  private readonly covarianceKernel: Kernel;
  private readonly uniforms: UniformStruct<{ n: 'u32'; d: 'u32'; offset: 'u32' }>[];
  private readonly covUniform: UniformStruct<{ n: 'u32'; d: 'u32' }>;
  private readonly readback: Readback;
  private basisRows: Float64Array;
  private head = -1;
  private filledFrames = 0;

  constructor(
    private readonly device: GPUDevice,
    sets: ViewSet[],
    private readonly n: number,
    private readonly d: number,
    private readonly trailLength: number,
    private projection: Projection,
    private readonly seed: number,
    /** PCA over these rows instead of the current tokens (a trained network: all its frames, fitted once). */
    private readonly pcaOver?: { buffer: GPUBuffer; rows: number },
  ) {
    this.count = n * sets.length;
    this.positions = storageBuffer(device, 'token positions', this.count * 16, GPUBufferUsage.VERTEX);
    const rgba = new Float32Array(this.count * 4);
    sets.forEach((s, k) => {
      for (let i = 0; i < n; i++) rgba.set([...s.color(i, n), 1], (k * n + i) * 4);
    });
    this.colors = storageBuffer(device, 'token colors', rgba, GPUBufferUsage.VERTEX);
    this.trails = trailLength > 0 ? storageBuffer(device, 'token trails', trailLength * this.count * 16, GPUBufferUsage.VERTEX) : null;
    this.basisRows = this.initialBasis();
    this.basis = storageBuffer(device, 'token view basis', new Float32Array(this.basisRows));
    this.covariance = storageBuffer(device, 'token covariance', d * d * 4);
    this.uniforms = sets.map((_, k) => new UniformStruct(device, `view params ${k}`, { n: 'u32', d: 'u32', offset: 'u32' }).set({ n, d, offset: k * n }));
    this.uniforms.forEach((u) => u.upload());
    this.write = sets.map((s, k) => kernel(device, VIEW, 'positions3d', { 0: this.uniforms[k]!.buffer, 1: s.x, 2: this.basis, 3: this.positions }));
    this.covUniform = new UniformStruct(device, 'covariance params', { n: 'u32', d: 'u32' }).set({ n: pcaOver?.rows ?? n, d });
    this.covUniform.upload();
    this.covarianceKernel = kernel(device, VIEW, 'covarianceMatrix', { 0: this.covUniform.buffer, 1: pcaOver?.buffer ?? sets[0]!.x, 2: this.covariance });
    this.readback = new Readback(device, 'covariance readback');
  }

  get caption(): string {
    if (this.d === 2) return 'tokens in the plane (d = 2)';
    if (this.d === 3) return 'tokens in R³ (d = 3)';
    if (this.projection === 'pca' && this.pcaOver) return `PCA projection R^${this.d} → 3-D (top three principal axes of all frames, fixed)`;
    return this.projection === 'pca'
      ? `PCA projection R^${this.d} → 3-D (top three principal axes, refreshed at each sample)`
      : `fixed random orthonormal projection R^${this.d} → 3-D (seeded)`;
  }

  headFrame(): number {
    return Math.max(0, this.head);
  }

  filled(): number {
    return this.filledFrames;
  }

  setProjection(projection: Projection): void {
    if (projection === this.projection) return;
    this.projection = projection;
    this.basisRows = this.initialBasis();
    this.device.queue.writeBuffer(this.basis, 0, new Float32Array(this.basisRows));
  }

  /** Writes the positions of every set (inside a compute pass). */
  encodePositions(pass: GPUComputePassEncoder): void {
    for (const k of this.write) dispatchThreads(pass, k, this.n);
  }

  /** Copies the current positions into the next trail frame (outside a pass). */
  pushTrail(encoder: GPUCommandEncoder): void {
    if (!this.trails) return;
    this.head = (this.head + 1) % this.trailLength;
    this.filledFrames = Math.min(this.trailLength, this.filledFrames + 1);
    encoder.copyBufferToBuffer(this.positions, 0, this.trails, this.head * this.count * 16, this.count * 16);
  }

  clearTrails(): void {
    this.head = -1;
    this.filledFrames = 0;
  }

  /** For PCA with d > 3: recomputes the top three principal axes (sign-aligned with the old ones). */
  async refreshBasis(): Promise<void> {
    if (this.d <= 3 || this.projection !== 'pca') return;
    const encoder = this.device.createCommandEncoder({ label: 'covariance' });
    const pass = encoder.beginComputePass({ label: 'covariance' });
    dispatchThreads(pass, this.covarianceKernel, this.d * this.d);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    const cov = await this.readback.f32(this.covariance, 0, this.d * this.d * 4);
    const next = topEigenvectors(cov, this.d, 3, this.basisRows);
    if (!next) return;
    this.basisRows = next;
    this.device.queue.writeBuffer(this.basis, 0, new Float32Array(next));
  }

  /** The box the rows of every x (count × d each) fill through the current basis: what the view must frame. */
  projectedBox(xs: readonly ArrayLike<number>[], count: number): { min: [number, number, number]; max: [number, number, number] } {
    const { d } = this;
    const min: [number, number, number] = [Infinity, Infinity, Infinity];
    const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
    for (const x of xs) {
      for (let i = 0; i < count; i++) {
        for (let r = 0; r < 3; r++) {
          let p = 0;
          if (r * d < this.basisRows.length) for (let c = 0; c < d; c++) p += this.basisRows[r * d + c]! * x[i * d + c]!;
          min[r] = Math.min(min[r]!, p);
          max[r] = Math.max(max[r]!, p);
        }
      }
    }
    return { min, max };
  }

  private initialBasis(): Float64Array {
    const { d } = this;
    if (d <= 3) {
      const m = new Float64Array(3 * d);
      for (let r = 0; r < d; r++) m[r * d + r] = 1;
      return m;
    }
    return randomProjection(d, this.seed);
  }

  destroy(): void {
    for (const b of [this.positions, this.colors, this.trails, this.basis, this.covariance]) b?.destroy();
    for (const u of [...this.uniforms, this.covUniform]) u.destroy();
    this.readback.destroy();
  }
}

/**
 * Top-k eigenvectors of a symmetric d×d matrix by subspace iteration (float64), started from
 * `previous` and sign-aligned with it so the view does not flip. Null for a zero matrix.
 */
export function topEigenvectors(m: ArrayLike<number>, d: number, k: number, previous: Float64Array): Float64Array | null {
  let trace = 0;
  for (let i = 0; i < d; i++) trace += m[i * d + i]!;
  if (!(trace > 0) || !Number.isFinite(trace)) return null;
  // Start from the previous basis plus a little noise so a degenerate start still spans k dims.
  const noise = normals(k * d, 7, 11);
  let q = previous.map((v, i) => v + 1e-3 * noise[i]!);
  for (let it = 0; it < 60; it++) {
    const z = new Float64Array(k * d);
    for (let r = 0; r < k; r++)
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += m[a * d + b]! * q[r * d + b]!;
        z[r * d + a] = s;
      }
    orthonormalRows(z, k, d);
    q = z;
  }
  for (let r = 0; r < k; r++) {
    let dot = 0;
    for (let a = 0; a < d; a++) dot += q[r * d + a]! * previous[r * d + a]!;
    if (dot < 0) for (let a = 0; a < d; a++) q[r * d + a] = -q[r * d + a]!;
  }
  return q;
}
