// Parameter schema of the active-matter system and the geometry derived from it.
import { colormapSpec, defineSchema, ParamError, type DerivedAxis, type Params, type ParamSpec, type ParamsOf } from '../params';

const LEN = 'length (r0 for soft disks, σ for WCA)';

const specs = [
  {
    kind: 'enum', name: 'model', label: 'model', default: 'abp', options: ['aoup', 'abp'],
    optionLabels: { aoup: 'active Ornstein–Uhlenbeck (propulsion vector g, Boffi & Vanden-Eijnden)', abp: 'active Brownian (orientation θ)' },
    description: 'Which active particle: AOUP carries a propulsion vector g (OU process), ABP a unit heading n(θ) that diffuses.',
  },
  {
    kind: 'enum', name: 'force', label: 'pair force', default: 'wca', options: ['softdisk', 'wca', 'none'], rebuild: true,
    optionLabels: { softdisk: 'soft disks: softplus_b(2 r0 − r), r0 = 1 (paper)', wca: 'Weeks–Chandler–Andersen (σ, ε)', none: 'no interactions (free particles)' },
    description: 'Pair repulsion between particles. Sets the particle radius (r0 = 1, or σ/2 for WCA) and hence the box size.',
  },
  { kind: 'number', name: 'n', label: 'N', unit: 'particles', default: 4096, min: 1, max: 1_048_576, integer: true, rebuild: true, log: true,
    description: 'Number of particles (changing it rebuilds the system).' },
  { kind: 'number', name: 'phi', label: 'φ', unit: '', default: 0.5, min: 0, max: 1, minExclusive: true, maxExclusive: true, rebuild: true,
    description: 'Packing fraction N π r² / L² (r = r0, or σ/2 for WCA); sets the side L of the periodic box.' },
  { kind: 'number', name: 'v0', label: 'v0', unit: `${LEN}/time`, default: 1, min: 0, max: 1000,
    description: 'Self-propulsion speed (AOUP: v0 times g, whose components have unit variance).' },
  { kind: 'number', name: 'gamma', label: 'γ', unit: '1/time', default: 1, min: 0, max: 1000, log: true,
    description: 'AOUP: relaxation rate of the propulsion g (persistence time 1/γ); g is stationary N(0, I).' },
  { kind: 'number', name: 'Dr', label: 'Dr', unit: '1/time', default: 0.05, min: 0, max: 1000, log: true,
    description: 'ABP: rotational diffusion of the heading θ (persistence time 1/Dr).' },
  { kind: 'number', name: 'Dt', label: 'Dt', unit: `${LEN}²/time`, default: 0, min: 0, max: 1000,
    description: 'Translational diffusion (the paper’s ε); 0 for no translational noise.' },
  { kind: 'number', name: 'k', label: 'k', unit: '', default: 1, min: 0, max: 1000,
    description: 'Scale (mobility) of the pair force in the drift: dx = [v0 p + k F − A x] dt + ….' },
  { kind: 'number', name: 'dt', label: 'dt', unit: 'time', default: 0.01, min: 0, max: 10, minExclusive: true, log: true,
    description:
      'Time step of the splitting scheme (one force evaluation per step). With Dt > 0 it biases the sampled configurations: ' +
      'a passive system’s score-free EPR reads k⟨∇²U⟩(T_conf/kT − 1) instead of 0 (passive WCA at φ = 0.5, scheme = em: ' +
      '+8 per particle at dt = 5e-5, +14 at 1e-4, +32 at 2e-4; scheme = lm: within ±3 of 0). The live T_conf/kT metric shows it.' },
  { kind: 'number', name: 'seed', label: 'seed', unit: '', default: 1, min: 0, max: 4294967295, integer: true,
    description: 'Seed of the counter-based noise (and of the initial state on reset): same seed, same trajectory.' },
  { kind: 'number', name: 'b', label: 'b', unit: `1/${LEN}`, default: 7.5, min: 0.5, max: 100, log: true,
    description: 'Soft disks: sharpness of softplus_b(z) = log(1 + e^{bz})/b (the paper’s β = 7.5). Cutoff r_c = 2 r0 + ln(10⁶)/b.' },
  { kind: 'number', name: 'sigma', label: 'σ', unit: 'length', default: 1, min: 0.01, max: 100, rebuild: true,
    description: 'WCA: particle diameter (disks of radius σ/2 in φ); the length unit of WCA presets.' },
  { kind: 'number', name: 'epsilon', label: 'ε', unit: 'energy', default: 1 / 24, min: 0, max: 10000, log: true,
    description: 'WCA: energy scale; the force at contact r = σ is 24 ε/σ.' },
  { kind: 'number', name: 'A', label: 'A', unit: '1/time', default: 0, min: 0, max: 1000,
    description: 'Harmonic trap −A (x − box centre), part of the interaction sub-flow.' },
  { kind: 'number', name: 'skin', label: 'skin', unit: 'σ (WCA) or r0 (soft disks)', default: 0.3, min: 0, max: 2,
    description: 'Verlet neighbour list: each particle keeps the particles within r_c + skin, and the list is rebuilt on the GPU only ' +
      'once some particle has moved more than skin/2 since the last build. 0: the cell list is rebuilt every step. Any skin > 0 gives ' +
      'the same trajectory bit for bit (forces are summed in id order); the skin only trades list length against rebuilds.' },
  {
    kind: 'enum', name: 'splitting', label: 'splitting', default: 'lie', options: ['lie', 'strang'],
    optionLabels: { lie: 'Lie–Trotter: force, propulsion, noise (one dt each)', strang: 'Strang: half propulsion/noise, force, half noise/propulsion' },
    description: 'Order of the sub-flows (interaction force, self-propulsion/OU, noise) in one step; switchable live.',
  },
  {
    kind: 'enum', name: 'scheme', label: 'noise scheme', default: 'em', options: ['em', 'lm'],
    optionLabels: {
      em: 'Euler–Maruyama: kick √(2 Dt dt) ξ_n',
      lm: 'Leimkuhler–Matthews: kick √(2 Dt dt) (ξ_n + ξ_{n+1})/2 (same cost; needs splitting = lie)',
    },
    description:
      'Translational noise of the position update. Euler–Maruyama samples configurations with an O(dt) bias: a passive WCA fluid ' +
      '(φ = 0.5, ε = kT) measures T_conf/kT = 1.05 and a score-free EPR of k⟨∇²U⟩(T_conf/kT − 1) = +14 per particle at dt = 1e-4 ' +
      '(1.11 and +32 at 2e-4) instead of 1 and 0. Leimkuhler–Matthews reuses the next step’s counter-based normals, which makes ' +
      'configurational averages second order in dt: 0.99–1.01 and EPR within ±3 of 0 for dt = 5e-5…2e-4 (table in ' +
      'src/sims/mips/README.md). Only Dt > 0 is affected.',
  },
  {
    kind: 'enum', name: 'colorBy', label: 'colour by', default: 'orientation', options: ['orientation', 'density', 'epr', 'scoreCurrent', 'scoreEpr'],
    optionLabels: {
      orientation: 'heading angle (hue wheel)', density: 'local packing fraction', epr: 'score-free local entropy production: −div_x b_x (Dt = 0), |b_x|²/Dt + div_x b_x (Dt > 0)',
      scoreCurrent: 'learned current |g + s_g| (score network; needs weights)',
      scoreEpr: 'learned local EPR −d − div_g s_g (score network; needs weights)',
    },
    description: 'What the particle colours show (the colour bar in the viewport gives the scale).',
  },
  colormapSpec,
] as const satisfies readonly ParamSpec[];

/** Validated mips params, each field typed by its spec. */
export type MipsParams = ParamsOf<typeof specs>;

export interface Geometry {
  /** Particle radius used in φ (r0 = 1, or σ/2 for WCA). */
  radius: number;
  boxL: number;
  /** Interaction cutoff. */
  rc: number;
  /** Contact distance for clusters (≤ rc, so the cell list finds every contact). */
  contact: number;
  /** Verlet list cutoff r_c + skin (in σ for WCA, r0 = 1 otherwise); equals rc when skin = 0. */
  listCut: number;
}

/** Tail tolerance of the soft-disk cutoff: softplus_b(2 r0 − r_c) ≈ 1e-6 / b per pair. */
export const SOFTDISK_TAIL = 1e-6;

export function geometry(p: MipsParams): Geometry {
  const force = p.force;
  const sigma = p.sigma;
  const radius = force === 'wca' ? sigma / 2 : 1;
  const boxL = Math.sqrt((p.n * Math.PI * radius * radius) / p.phi);
  const wcaCut = 2 ** (1 / 6) * sigma;
  const rc = force === 'wca' ? wcaCut : force === 'softdisk' ? 2 + Math.log(1 / SOFTDISK_TAIL) / p.b : 2;
  // Clusters: pairs pushed into contact (r < σ for WCA, overlapping r < 2 r0 for soft disks).
  const contact = force === 'wca' ? sigma : 2;
  const listCut = rc + p.skin * (force === 'wca' ? sigma : 1);
  return { radius, boxL, rc, contact, listCut };
}

/** Candidates a list build can rank per particle (CANDIDATES in sims/mips/shaders/verlet-build.wgsl). */
export const MAX_NEIGHBOUR_CAPACITY = 64;
/** The neighbour list must fit one storage buffer binding of the default WebGPU limit. */
const LIST_BYTES_LIMIT = 128 * 1024 * 1024;

/**
 * Slots per particle of the Verlet list: 1.5 times the particles within r_c + skin of a disk
 * in hexagonal close packing (diameter 2 r), rounded up to a multiple of 4. More neighbours than
 * this overflow the list, which sample() reports as a problem.
 */
export function neighbourCapacity(g: Geometry): number {
  const d = 2 * g.radius;
  const closePacked = 2 / (Math.sqrt(3) * d * d);
  return Math.max(8, 4 * Math.ceil((1.5 * Math.PI * g.listCut ** 2 * closePacked) / 4));
}

export const schema = defineSchema(specs, [
    // LM's correlated kicks are defined for one noise kick per step (Lie); Strang has two.
    (p) => (p.scheme === 'lm' && p.splitting !== 'lie' ? 'scheme = lm (Leimkuhler–Matthews) needs splitting = lie; use scheme = em with strang' : null),
    (p) => {
      const g = geometry(p);
      return g.boxL > 2 * g.rc
        ? null
        : `n must be large enough that the box side L = ${g.boxL.toFixed(3)} exceeds 2 r_c = ${(2 * g.rc).toFixed(3)} (raise n or lower phi)`;
    },
    (p) => {
      if (p.skin === 0) return null;
      const g = geometry(p);
      const capacity = neighbourCapacity(g);
      const mib = (p.n * (capacity + 1) * 4) / 2 ** 20; // slots, then the counts
      if (capacity > MAX_NEIGHBOUR_CAPACITY) {
        return `skin = ${p.skin} is too large: the neighbour list would need ${capacity} slots per particle (at most ${MAX_NEIGHBOUR_CAPACITY}); lower skin`;
      }
      return mib * 2 ** 20 <= LIST_BYTES_LIMIT
        ? null
        : `skin = ${p.skin} needs a neighbour list of n × (${capacity} + 1) slots = ${mib.toFixed(0)} MiB, over the 128 MiB of one storage buffer; lower skin or n`;
    },
], [peclet()]);

/**
 * The Péclet number Pe = v0 / (ℓ · rate): the persistence length in particle sizes, with ℓ the
 * length unit (σ for WCA, r0 = 1 for soft disks) and the rate of the propulsion's decorrelation
 * (Dr for ABP, γ for AOUP). Sweeps set it through that rate, at the given v0.
 */
function peclet(): DerivedAxis {
  const rateOf = (p: Params) => (p.model === 'abp' ? 'Dr' : 'gamma');
  const length = (p: Params) => (p.force === 'wca' ? (p.sigma as number) : 1);
  return {
    name: 'Pe',
    label: 'Pe',
    unit: '',
    description: 'Péclet number v0 / (ℓ · Dr) (ABP; γ for AOUP), ℓ = σ (WCA) or r0: set through Dr (or γ) at the given v0',
    sets: ['Dr', 'gamma'],
    apply: (p, value) => {
      if (!(value > 0) || !Number.isFinite(value)) throw new ParamError('Pe', `Pe must be a number > 0; got ${value}`);
      if (!((p.v0 as number) > 0)) throw new ParamError('Pe', `Pe needs v0 > 0 (it sets ${rateOf(p)} = v0 / (ℓ Pe)); v0 is ${p.v0}`);
      return { [rateOf(p)]: (p.v0 as number) / (length(p) * value) };
    },
    of: (p) => (p.v0 as number) / (length(p) * (p[rateOf(p)] as number)),
  };
}
