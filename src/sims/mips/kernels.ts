// Every mips kernel for one configuration (params + geometry + buffers): uniforms set from the
// params, bind groups built once. Rebuilt only when the cell grid changes (n, phi, force, σ, b,
// skin). skin > 0 adds the Verlet list (verlet.ts) and the step kernels that use it.
import { storageBuffer, UniformStruct, type UniformType } from '../../gpu/buffers';
import { workgroupCount } from '../../gpu/dispatch';
import { kernel, wgsl, type Kernel } from '../../gpu/pipelines';
import rng from '../../gpu/shaders/rng.wgsl?raw';
import flows from './shaders/flows.wgsl?raw';
import halfFlowCode from './shaders/half-flow.wgsl?raw';
import forceStepCode from './shaders/force-step.wgsl?raw';
import stencil from './shaders/stencil.wgsl?raw';
import verletStepCode from './shaders/verlet-step.wgsl?raw';
import tickCode from './shaders/tick.wgsl?raw';
import densityCode from './shaders/density.wgsl?raw';
import observeCode from './shaders/observe.wgsl?raw';
import reduceCode from './shaders/reduce.wgsl?raw';
import workgroupSum from './shaders/workgroup-sum.wgsl?raw';
import clustersCode from './shaders/clusters.wgsl?raw';
import colorCode from './shaders/color.wgsl?raw';
import { colormapIndex, colormapTable, colormapWgsl } from '../../gpu/colormap';
import initCode from './shaders/init.wgsl?raw';
import { CellList } from './cell-list';
import { geometry, type Geometry, type MipsParams } from './params';
import type { ParticleBuffers } from './particles';
import { kernelPair, verletStatusWgsl, VerletList } from './verlet';
import { common } from './wgsl';

export const HISTOGRAM_BINS = 30;
export const HISTOGRAM_MAX = 1.5;
/** Side of a density bin, in particle diameters (≈ 20 particles per bin at φ = 0.5). */
const DENSITY_PROBE_DIAMETERS = 5;
const FORCE_KIND: Record<string, number> = { none: 0, softdisk: 1, wca: 2 };
const COLOR_MODE: Record<string, number> = { orientation: 0, density: 1, epr: 2 };
/** The colour scales of color.wgsl, stated again by the colour bars: packing fraction 0…DENSITY_MAX, EPR ±EPR_SCALE × |mean|. */
export const COLOR_SCALE = { densityMax: 1, eprScale: 3 } as const;

type Fields = Record<string, UniformType>;

/** Step kernels of one pipeline variant; the Verlet ones per parity of the position buffers. */
interface Variant {
  halfFlow: Kernel;
  forceStep: Kernel;
  halfFlowTracked?: [Kernel, Kernel];
  verletStep?: [Kernel, Kernel];
}

/** Sub-flow coefficients over a time h (computed in float64: 1 − e^{−2γh} loses digits in f32). */
export function flowCoefficients(p: MipsParams, h: number) {
  return {
    propulsionStep: p.v0 * h,
    ouDecay: Math.exp(-p.gamma * h),
    ouKick: Math.sqrt(-Math.expm1(-2 * p.gamma * h)),
    rotationKick: Math.sqrt(2 * p.Dr * h),
    noiseKick: Math.sqrt(2 * p.Dt * h),
  };
}

export class MipsKernels {
  readonly geometry: Geometry;
  readonly cells: CellList;
  readonly binsPerSide: number;
  readonly cellsPerBin: number;
  readonly binDensity: GPUBuffer;
  /** Particles per invocation of halfFlow / forceStep (dispatchItems). */
  readonly perThread: number;
  private readonly uniforms: UniformStruct<Fields>[] = [];
  private readonly u: {
    halfFlow: UniformStruct<Fields>;
    forceStep: UniformStruct<Fields>;
    verletStep: UniformStruct<Fields>;
    density: UniformStruct<Fields>;
    observe: UniformStruct<Fields>;
    reduce: UniformStruct<Fields>;
    clusters: UniformStruct<Fields>;
    color: UniformStruct<Fields>;
    init: UniformStruct<Fields>;
  };
  private readonly variants = new Map<string, Variant>();
  private variant!: Variant;
  private readonly buildVariant: (constants: Record<string, number>) => Variant;
  /** The Verlet list (skin > 0); without it every step rebuilds the cell list. */
  readonly verlet: VerletList | undefined;
  readonly tick: Kernel;
  readonly density: Kernel;
  readonly observe: Kernel;
  readonly reduce: Kernel;
  readonly clusterInit: Kernel;
  readonly clusterHook: Kernel;
  readonly clusterCount: Kernel;
  readonly clusterLargest: Kernel;
  readonly color: Kernel;
  readonly init: Kernel;

  constructor(
    private readonly device: GPUDevice,
    params: MipsParams,
    readonly buf: ParticleBuffers,
  ) {
    const n = buf.n;
    this.geometry = geometry(params);
    const g = this.geometry;
    // The build also copies the state (A) into cell order (B), each cell in id order.
    this.cells = new CellList(device, n, g.boxL, g.rc, buf.posA, { body: buf.bodyA, sortedPos: buf.posB, sortedBody: buf.bodyB });
    this.perThread = this.cells.perThread;
    const grid = this.cells.grid;
    this.verlet = params.skin > 0 ? new VerletList(device, g, params.force, buf) : undefined;
    this.cellsPerBin = Math.max(1, Math.round((DENSITY_PROBE_DIAMETERS * 2 * g.radius) / grid.cellWidth));
    this.binsPerSide = Math.ceil(grid.cellsPerSide / this.cellsPerBin);
    this.binDensity = storageBuffer(device, 'mips: bin density', this.binsPerSide ** 2 * 4);

    const forceKind = { FORCE_KIND: FORCE_KIND[params.force] ?? 0 };
    const access = CellList.accessWgsl;
    const cellBindings = this.cells.accessBindings();
    this.u = {
      halfFlow: this.uniform('half flow params', {
        n: 'u32', seed: 'u32', model: 'u32', _pad: 'u32', boxL: 'f32',
        propulsionStep: 'f32', ouDecay: 'f32', ouKick: 'f32', rotationKick: 'f32', noiseKick: 'f32',
      }),
      forceStep: this.uniform('force step params', {
        n: 'u32', seed: 'u32', model: 'u32', strang: 'u32', cellsPerSide: 'u32', stencil: 'i32', boxL: 'f32', invCellW: 'f32',
        forceParams: 'vec4f', rc2: 'f32', dt: 'f32', k: 'f32', trapA: 'f32',
        propulsionStep: 'f32', ouDecay: 'f32', ouKick: 'f32', rotationKick: 'f32', noiseKick: 'f32',
      }),
      verletStep: this.uniform('verlet step params', {
        n: 'u32', seed: 'u32', model: 'u32', capacity: 'u32', forceParams: 'vec4f', boxL: 'f32', rc2: 'f32', dt: 'f32', k: 'f32',
        trapA: 'f32', propulsionStep: 'f32', ouDecay: 'f32', ouKick: 'f32', rotationKick: 'f32', noiseKick: 'f32',
      }),
      density: this.uniform('density params', {
        cellsPerSide: 'u32', cellsPerBin: 'u32', binsPerSide: 'u32', histogramBins: 'u32',
        cellArea: 'f32', particleArea: 'f32', histogramMax: 'f32', _pad: 'f32',
      }),
      observe: this.uniform('observe params', {
        n: 'u32', model: 'u32', cellsPerSide: 'u32', stencil: 'i32', boxL: 'f32', invCellW: 'f32', rc2: 'f32', k: 'f32',
        forceParams: 'vec4f', trapA: 'f32', cellsPerBin: 'u32', binsPerSide: 'u32', v0: 'f32', invDt: 'f32',
        _pad0: 'u32', _pad1: 'u32', _pad2: 'u32',
      }),
      reduce: this.uniform('reduce params', { groups: 'u32', _a: 'u32', _b: 'u32', _c: 'u32' }),
      clusters: this.uniform('cluster params', {
        n: 'u32', cellsPerSide: 'u32', stencil: 'i32', _pad: 'u32', boxL: 'f32', invCellW: 'f32', contact2: 'f32', _pad2: 'f32',
      }),
      color: this.uniform('color params', {
        n: 'u32', model: 'u32', mode: 'u32', sequentialMap: 'u32', densityMax: 'f32', eprScale: 'f32', _pad2: 'vec2f',
      }),
      init: this.uniform('init params', { n: 'u32', seed: 'u32', model: 'u32', _pad: 'u32' }),
    };
    const u = this.u;
    const { device: d } = this;
    const perThread = { PER_THREAD: this.perThread };
    const allPairs = grid.stencil === 0 ? 1 : 0;
    const halfFlowModule = wgsl(rng, common, flows, verletStatusWgsl, halfFlowCode);
    const v = this.verlet;
    this.buildVariant = (constants) => {
      const selfFlows = { ...perThread, MODEL: constants.MODEL!, ORIENT_NOISE: constants.ORIENT_NOISE!, THERMAL: constants.THERMAL! };
      const halfFlowBuffers = { 0: u.halfFlow.buffer, 1: buf.posA, 2: buf.bodyA, 3: buf.clock };
      return {
        halfFlow: kernel(d, halfFlowModule, 'halfFlow', halfFlowBuffers, selfFlows),
        forceStep: kernel(d, wgsl(rng, common, flows, access, stencil, forceStepCode), 'forceStep', {
          0: u.forceStep.buffer, 1: buf.posB, 2: buf.bodyB, 3: buf.posA, 4: buf.bodyA, 5: buf.clock, ...cellBindings,
        }, { ...forceKind, ...perThread, ...constants, ALL_PAIRS: allPairs }),
        halfFlowTracked: v && kernelPair(d, halfFlowModule, 'halfFlowTracked', (p) => ({
          ...halfFlowBuffers, 4: v.xy[p], 5: v.xBuild, 6: v.status,
        }), selfFlows),
        verletStep: v && kernelPair(d, wgsl(rng, common, flows, verletStatusWgsl, verletStepCode), 'verletStep', (p) => ({
          0: u.verletStep.buffer, 1: v.xy[p], 2: v.neighbours, 4: buf.posA, 5: buf.bodyA,
          6: v.xy[1 - p]!, 7: v.xBuild, 8: v.status, 9: buf.clock,
        }), { ...forceKind, ...perThread, ...constants }),
      };
    };
    this.tick = kernel(d, tickCode, 'tick', { 0: buf.clock });
    this.density = kernel(d, wgsl(common, access, densityCode), 'densityField', {
      0: u.density.buffer, 1: this.binDensity, 2: buf.histogram, ...cellBindings,
    });
    this.observe = kernel(d, wgsl(common, access, workgroupSum, observeCode), 'observe', {
      0: u.observe.buffer, 1: buf.posB, 2: buf.bodyB, 3: this.cells.perm, 4: this.binDensity, 5: buf.fields, 6: buf.partial,
      ...cellBindings,
    }, forceKind);
    this.reduce = kernel(d, wgsl(common, workgroupSum, reduceCode), 'reducePartials', { 0: u.reduce.buffer, 1: buf.partial, 2: buf.total });
    const clusters = wgsl(common, access, clustersCode);
    const clusterBuffers = { 0: u.clusters.buffer, 2: buf.parent, 3: buf.clusterSize, 4: buf.largest };
    this.clusterInit = kernel(d, clusters, 'clusterInit', clusterBuffers);
    this.clusterHook = kernel(d, clusters, 'clusterHook', { 0: u.clusters.buffer, 1: buf.posB, 2: buf.parent, ...cellBindings });
    this.clusterCount = kernel(d, clusters, 'clusterCount', { 0: u.clusters.buffer, 2: buf.parent, 3: buf.clusterSize });
    this.clusterLargest = kernel(d, clusters, 'clusterLargest', { 0: u.clusters.buffer, 3: buf.clusterSize, 4: buf.largest });
    this.color = kernel(d, wgsl(common, colormapWgsl, colorCode), 'colorParticles', {
      0: u.color.buffer, 1: buf.bodyA, 2: buf.fields, 3: buf.total, 4: buf.colors, 5: colormapTable(d),
    });
    this.init = kernel(d, wgsl(rng, common, initCode), 'initPropulsion', { 0: u.init.buffer, 1: buf.posA, 2: buf.bodyA });
    this.setParams(params);
  }

  /** halfFlow / forceStep for the current params (pipeline constants: model, noise, splitting). */
  get halfFlow(): Kernel {
    return this.variant.halfFlow;
  }

  get forceStep(): Kernel {
    return this.variant.forceStep;
  }

  /** Strang first half that also feeds the Verlet list (skin > 0), per parity. */
  get halfFlowTracked(): [Kernel, Kernel] {
    return this.variant.halfFlowTracked!;
  }

  /** The step on the Verlet list (skin > 0), per parity. */
  get verletStep(): [Kernel, Kernel] {
    return this.variant.verletStep!;
  }

  /** Does this configuration serve `p` (same buffers and cell grid)? Otherwise build a new one. */
  fits(p: MipsParams): boolean {
    const g = geometry(p);
    const same = g.boxL === this.geometry.boxL && g.rc === this.geometry.rc && g.listCut === this.geometry.listCut;
    return same && p.force === this.force && p.n === this.buf.n;
  }

  private force = '';

  /** Writes every kernel's uniforms for live params (dt, v0, splitting, colours, ...). */
  setParams(p: MipsParams): void {
    this.force = p.force;
    const n = this.buf.n;
    const g = this.geometry;
    const grid = this.cells.grid;
    const model = p.model === 'abp' ? 1 : 0;
    const strang = p.splitting === 'strang';
    const dt = p.dt;
    const seed = p.seed;
    const sigma = p.sigma;
    const forceParams = [p.b, 2, sigma * sigma, 24 * p.epsilon];
    const cellGeom = { cellsPerSide: grid.cellsPerSide, stencil: grid.stencil, boxL: g.boxL, invCellW: 1 / grid.cellWidth };
    // Pipeline variant: CPU implementations run every branch, so model, absent noise terms and
    // the noise scheme are compiled out (a handful of variants at most, built on first use).
    const aoup = model === 0;
    const constants = {
      MODEL: model,
      ORIENT_NOISE: (aoup ? p.gamma > 0 : p.Dr > 0) ? 1 : 0,
      THERMAL: p.Dt > 0 ? 1 : 0,
      STRANG: strang ? 1 : 0,
      LM: p.scheme === 'lm' && !strang ? 1 : 0,
    };
    const key = JSON.stringify(constants);
    let v = this.variants.get(key);
    if (!v) this.variants.set(key, (v = this.buildVariant(constants)));
    this.variant = v;
    const u = this.u;
    u.halfFlow.set({ n, seed, model, boxL: g.boxL, ...flowCoefficients(p, dt / 2) }).upload();
    u.forceStep.set({
      n, seed, model, strang: strang ? 1 : 0, ...cellGeom, forceParams, rc2: g.rc * g.rc, dt,
      k: p.k, trapA: p.A, ...flowCoefficients(p, strang ? dt / 2 : dt),
    }).upload();
    u.verletStep.set({
      n, seed, model, capacity: this.verlet?.capacity ?? 0, forceParams, boxL: g.boxL, rc2: g.rc * g.rc, dt, k: p.k, trapA: p.A,
      ...flowCoefficients(p, strang ? dt / 2 : dt),
    }).upload();
    u.density.set({
      cellsPerSide: grid.cellsPerSide, cellsPerBin: this.cellsPerBin, binsPerSide: this.binsPerSide,
      histogramBins: HISTOGRAM_BINS, cellArea: grid.cellWidth ** 2, particleArea: Math.PI * g.radius ** 2, histogramMax: HISTOGRAM_MAX,
    }).upload();
    u.observe.set({
      n, model, ...cellGeom, rc2: g.rc * g.rc, k: p.k, forceParams, trapA: p.A,
      cellsPerBin: this.cellsPerBin, binsPerSide: this.binsPerSide,
      v0: p.v0, invDt: p.Dt > 0 ? 1 / p.Dt : 0,
    }).upload();
    u.reduce.set({ groups: workgroupCount(n) }).upload();
    u.clusters.set({ n, ...cellGeom, contact2: g.contact * g.contact }).upload();
    u.color.set({ n, model, mode: COLOR_MODE[p.colorBy] ?? 0, sequentialMap: colormapIndex(p.colormap), ...COLOR_SCALE }).upload();
    u.init.set({ n, seed, model }).upload();
  }

  destroy(): void {
    this.cells.destroy();
    this.verlet?.destroy();
    this.binDensity.destroy();
    for (const u of this.uniforms) u.destroy();
  }

  private uniform(label: string, fields: Fields): UniformStruct<Fields> {
    const s = new UniformStruct(this.device, `mips: ${label}`, fields);
    this.uniforms.push(s);
    return s;
  }
}
