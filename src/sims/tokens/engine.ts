// One token state on the GPU and the dispatch lists that advance it: the sub-flows (attention,
// FFN), their Euler or RK4 sub-steps, and the Lie and Strang layer steps built from them.
// Dispatch lists are built once per scheme and cached; dt, β, normalisation and activation
// are uniforms, so every live parameter applies without a rebuild.
import { storageBuffer, UniformStruct } from '../../gpu/buffers';
import { gridFor } from '../../gpu/dispatch';
import { kernel, type Kernel } from '../../gpu/pipelines';
import type { TokenParams } from './params';
import {
  ATTEND_FIELDS,
  attentionCodeFor,
  AXPY_FIELDS,
  code,
  LINEAR_FIELDS,
  RK4_FIELDS,
  TOKEN_FIELDS,
  type AttendUniform,
  type LinearUniform,
} from './kernels';
import { ffnSetSize, type Activation, type Normalization, type Splitting, type Substep, type TokenModel } from './model';

export interface LiveSettings {
  beta: number;
  dt: number;
  normalization: Normalization;
  act: Activation;
  splitting: Splitting;
  substep: Substep;
  ffn: boolean;
}

/** The scheme a step runs: a layer step, or the unsplit RK4 used as the fine reference. */
export type Scheme = { splitting: Splitting; substep: Substep } | 'unsplit-rk4';

/** Weights shared by engines of the same model (side-by-side mode runs two engines). */
/** The live settings of a full parameter set. */
export function liveSettings(p: TokenParams): LiveSettings {
  return {
    beta: p.beta,
    dt: p.dt,
    normalization: p.normalization,
    act: p.act,
    splitting: p.splitting,
    substep: p.substep,
    ffn: p.ffn === 'on',
  };
}

export class TokenWeights {
  readonly attention: GPUBuffer;
  readonly ffn: GPUBuffer;
  constructor(device: GPUDevice, model: TokenModel) {
    this.attention = storageBuffer(device, 'tokens attention weights', model.attention);
    this.ffn = storageBuffer(device, 'tokens ffn weights', model.ffn);
  }
  destroy(): void {
    this.attention.destroy();
    this.ffn.destroy();
  }
}

interface Dispatch {
  kernel: Kernel;
  groups: [number, number];
}

type FfnVariant = 'a' | 'b' | 'mean';
type Flow = 'attention' | 'ffnA' | 'ffnB' | 'ffnMean' | 'full';

export class TokenEngine {
  /** The tokens, n×d row-major. */
  readonly x: GPUBuffer;
  private readonly stage: GPUBuffer;
  private readonly k: GPUBuffer[];
  private readonly q: GPUBuffer;
  private readonly keys: GPUBuffer;
  private readonly values: GPUBuffer;
  private readonly mixed: GPUBuffer;
  private readonly hidden: GPUBuffer;
  private readonly n: number;
  private readonly d: number;
  private readonly width: number;
  private readonly heads: number;
  private readonly attentionCode: string;
  private readonly linearUniforms = new Map<string, LinearUniform>();
  private readonly attendUniform: AttendUniform;
  private readonly tokenUniform: UniformStruct<typeof TOKEN_FIELDS>;
  /** axpy / rk4 uniforms whose value is coef·dt. */
  private readonly stepUniforms = new Map<number, { axpy: UniformStruct<typeof AXPY_FIELDS>; rk4: UniformStruct<typeof RK4_FIELDS> }>();
  private readonly schedules = new Map<string, Dispatch[]>();
  private live: LiveSettings;

  constructor(
    private readonly device: GPUDevice,
    model: TokenModel,
    private readonly weights: TokenWeights,
    private readonly sphere: boolean,
    private readonly sharedFfn: boolean,
    live: LiveSettings,
    label = 'tokens',
  ) {
    this.n = model.count;
    this.d = model.d;
    this.width = model.width;
    const size = this.n * this.d * 4;
    this.x = storageBuffer(device, `${label} x`, model.x0);
    this.stage = storageBuffer(device, `${label} rk stage`, size);
    this.k = [1, 2, 3, 4].map((i) => storageBuffer(device, `${label} k${i}`, size));
    this.q = storageBuffer(device, `${label} queries`, size);
    this.keys = storageBuffer(device, `${label} keys`, size);
    this.values = storageBuffer(device, `${label} values`, size);
    this.mixed = storageBuffer(device, `${label} attention mix`, size);
    this.hidden = storageBuffer(device, `${label} ffn hidden`, this.n * this.width * 4);
    this.attentionCode = attentionCodeFor(this.d / model.heads);
    this.attendUniform = new UniformStruct(device, 'attend params', ATTEND_FIELDS);
    this.tokenUniform = new UniformStruct(device, 'token params', TOKEN_FIELDS);
    this.tokenUniform.set({ n: this.n, d: this.d }).upload();
    this.heads = model.heads;
    this.live = live;
    this.setLive(live);
  }

  get settings(): LiveSettings {
    return this.live;
  }

  /** Applies live settings: uniforms only, no buffers or pipelines change. */
  setLive(live: LiveSettings): void {
    this.live = live;
    this.attendUniform.set({ n: this.n, d: this.d, normalization: live.normalization === 'uniform' ? 1 : 0, beta: live.beta }).upload();
    for (const [key, u] of this.linearUniforms) if (key.startsWith('hidden')) u.set({ act: actCode(live.act) }).upload();
    for (const [coef, u] of this.stepUniforms) {
      u.axpy.set({ a: coef * live.dt }).upload();
      u.rk4.set({ h: coef * live.dt }).upload();
    }
  }

  /** Encodes `count` layer steps of the current (or the given) scheme into a compute pass. */
  encode(pass: GPUComputePassEncoder, count = 1, scheme: Scheme = this.live): void {
    const list = this.schedule(scheme);
    for (let s = 0; s < count; s++) {
      for (const { kernel, groups } of list) {
        pass.setPipeline(kernel.pipeline);
        pass.setBindGroup(0, kernel.bindGroup);
        pass.dispatchWorkgroups(groups[0], groups[1]);
      }
    }
  }

  /** Encodes one sub-flow velocity at the current tokens into scratch buffer `out` (tests, debugging). */
  encodeField(pass: GPUComputePassEncoder, flow: 'attention' | 'ffnA' | 'ffnB' | 'ffnMean', out: 0 | 1 | 2 | 3): void {
    for (const { kernel, groups } of this.field(flow, this.x, this.k[out]!)) {
      pass.setPipeline(kernel.pipeline);
      pass.setBindGroup(0, kernel.bindGroup);
      pass.dispatchWorkgroups(groups[0], groups[1]);
    }
  }

  /** The scratch buffer k1..k4 (for reading a field evaluated by encodeField). */
  scratch(i: 0 | 1 | 2 | 3): GPUBuffer {
    return this.k[i]!;
  }

  private schedule(scheme: Scheme): Dispatch[] {
    const key = scheme === 'unsplit-rk4' ? `unsplit|${this.live.ffn}` : `${scheme.splitting}|${scheme.substep}|${this.live.ffn}`;
    let list = this.schedules.get(key);
    if (!list) {
      list = this.buildSchedule(scheme);
      this.schedules.set(key, list);
    }
    return list;
  }

  private buildSchedule(scheme: Scheme): Dispatch[] {
    if (scheme === 'unsplit-rk4') return this.advance(this.live.ffn ? 'full' : 'attention', 1, 'rk4');
    const { splitting, substep } = scheme;
    if (!this.live.ffn) return this.advance('attention', 1, substep);
    if (splitting === 'lie') return [...this.advance('attention', 1, substep), ...this.advance('ffnMean', 1, substep)];
    return [...this.advance('ffnA', 0.5, substep), ...this.advance('attention', 1, substep), ...this.advance('ffnB', 0.5, substep)];
  }

  /** One Euler or RK4 step of size coef·dt of one sub-flow, renormalised on the sphere. */
  private advance(flow: Flow, coef: number, substep: Substep): Dispatch[] {
    const [k1, k2, k3, k4] = this.k as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
    const out: Dispatch[] = [];
    if (substep === 'euler') {
      out.push(...this.field(flow, this.x, k1), this.axpyInPlace(coef, k1));
    } else {
      out.push(
        ...this.field(flow, this.x, k1),
        this.axpy(coef / 2, k1),
        ...this.field(flow, this.stage, k2),
        this.axpy(coef / 2, k2),
        ...this.field(flow, this.stage, k3),
        this.axpy(coef, k3),
        ...this.field(flow, this.stage, k4),
        this.rk4(coef),
      );
    }
    if (this.sphere) {
      out.push({ kernel: kernel(this.device, code.integrate, 'renormalize', { 0: this.tokenUniform.buffer, 1: this.x }), groups: gridFor(this.n) });
    }
    return out;
  }

  /** Velocity of one sub-flow at `input`, written to `out` (tangent-projected on the sphere). */
  private field(flow: Flow, input: GPUBuffer, out: GPUBuffer): Dispatch[] {
    const list: Dispatch[] = [];
    if (flow === 'attention' || flow === 'full') list.push(...this.attention(input, out));
    if (flow === 'full') list.push(...this.ffn(input, out, 'mean', true));
    if (flow === 'ffnA') list.push(...this.ffn(input, out, 'a', false));
    if (flow === 'ffnB') list.push(...this.ffn(input, out, this.sharedFfn ? 'a' : 'b', false));
    if (flow === 'ffnMean') list.push(...this.ffn(input, out, 'mean', false));
    if (this.sphere) {
      list.push({
        kernel: kernel(this.device, code.integrate, 'tangentProject', { 0: this.tokenUniform.buffer, 1: input, 2: out }),
        groups: gridFor(this.n),
      });
    }
    return list;
  }

  private attention(input: GPUBuffer, out: GPUBuffer): Dispatch[] {
    const dd = this.d * this.d;
    const project = (offset: number, src: GPUBuffer, dst: GPUBuffer) => this.linear(`attn${offset}`, { rows: this.d, cols: this.d, weightOffset: offset }, this.weights.attention, src, dst);
    const tile = 64;
    return [
      project(0, input, this.q),
      project(dd, input, this.keys),
      project(2 * dd, input, this.values),
      {
        kernel: kernel(this.device, this.attentionCode, 'attend', {
          0: this.attendUniform.buffer,
          1: this.q,
          2: this.keys,
          3: this.values,
          4: this.mixed,
        }),
        groups: [Math.ceil(this.n / tile), this.heads],
      },
      project(3 * dd, this.mixed, out),
    ];
  }

  /** FFN set a, b, or their mean; `accumulate` adds onto `out` instead of overwriting it. */
  private ffn(input: GPUBuffer, out: GPUBuffer, variant: FfnVariant, accumulate: boolean): Dispatch[] {
    const { d, width } = this;
    const setSize = ffnSetSize(d, width);
    const parts: { set: number; scale: number }[] =
      variant === 'mean' && !this.sharedFfn
        ? [
            { set: 0, scale: 0.5 },
            { set: 1, scale: 0.5 },
          ]
        : [{ set: variant === 'b' ? 1 : 0, scale: 1 }];
    const list: Dispatch[] = [];
    parts.forEach(({ set, scale }, i) => {
      const base = set * setSize;
      list.push(
        this.linear(`hidden${set}`, { rows: width, cols: d, weightOffset: base, biasOffset: base + width * d, hasBias: 1, act: actCode(this.live.act) }, this.weights.ffn, input, this.hidden),
        this.linear(
          `out${set}|${scale}|${accumulate || i > 0 ? 1 : 0}`,
          { rows: d, cols: width, weightOffset: base + width * d + width, biasOffset: base + 2 * width * d + width, hasBias: 1, scale, accumulate: accumulate || i > 0 ? 1 : 0 },
          this.weights.ffn,
          this.hidden,
          out,
        ),
      );
    });
    return list;
  }

  private linear(key: string, fields: Partial<Record<keyof typeof LINEAR_FIELDS, number>>, weights: GPUBuffer, input: GPUBuffer, output: GPUBuffer): Dispatch {
    let u = this.linearUniforms.get(key);
    if (!u) {
      u = new UniformStruct(this.device, `linear ${key}`, LINEAR_FIELDS);
      u.set({ n: this.n, biasOffset: 0, hasBias: 0, act: 0, accumulate: 0, scale: 1, ...fields }).upload();
      this.linearUniforms.set(key, u);
    }
    const rows = fields.rows ?? this.d;
    // Four output rows per thread (sims/tokens/shaders/linear.wgsl).
    return { kernel: kernel(this.device, code.linear, 'linear', { 0: u.buffer, 1: weights, 2: input, 3: output }), groups: gridFor(this.n * Math.ceil(rows / 4)) };
  }

  private stepUniform(coef: number) {
    let u = this.stepUniforms.get(coef);
    if (!u) {
      const count = this.n * this.d;
      u = {
        axpy: new UniformStruct(this.device, `axpy ${coef}`, AXPY_FIELDS).set({ count, a: coef * this.live.dt }),
        rk4: new UniformStruct(this.device, `rk4 ${coef}`, RK4_FIELDS).set({ count, h: coef * this.live.dt }),
      };
      u.axpy.upload();
      u.rk4.upload();
      this.stepUniforms.set(coef, u);
    }
    return u;
  }

  /** stage = x + coef·dt·v */
  private axpy(coef: number, v: GPUBuffer): Dispatch {
    const u = this.stepUniform(coef).axpy;
    return { kernel: kernel(this.device, code.integrate, 'axpy', { 0: u.buffer, 1: this.x, 2: v, 3: this.stage }), groups: gridFor(this.n * this.d) };
  }

  /** x += coef·dt·v */
  private axpyInPlace(coef: number, v: GPUBuffer): Dispatch {
    const u = this.stepUniform(coef).axpy;
    return { kernel: kernel(this.device, code.integrate, 'axpyInPlace', { 0: u.buffer, 1: this.x, 2: v }), groups: gridFor(this.n * this.d) };
  }

  private rk4(coef: number): Dispatch {
    const u = this.stepUniform(coef).rk4;
    const [k1, k2, k3, k4] = this.k as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
    return { kernel: kernel(this.device, code.integrate, 'rk4Combine', { 0: u.buffer, 1: this.x, 2: k1, 3: k2, 4: k3, 5: k4 }), groups: gridFor(this.n * this.d) };
  }

  /** Overwrites the tokens (import, reset, convergence runs). */
  write(x: Float32Array<ArrayBuffer>): void {
    if (x.length !== this.n * this.d) throw new Error(`tokens state must have ${this.n * this.d} floats; got ${x.length}`);
    this.device.queue.writeBuffer(this.x, 0, x);
  }

  destroy(): void {
    for (const b of [this.x, this.stage, ...this.k, this.q, this.keys, this.values, this.mixed, this.hidden]) b.destroy();
    for (const u of this.linearUniforms.values()) u.destroy();
    for (const u of this.stepUniforms.values()) {
      u.axpy.destroy();
      u.rk4.destroy();
    }
    this.attendUniform.destroy();
    this.tokenUniform.destroy();
  }
}

function actCode(act: Activation): number {
  return act === 'relu' ? 1 : 2;
}
