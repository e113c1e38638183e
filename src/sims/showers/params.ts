// Parameter schema of the showers system: what is shot (particle, energy, direction), the
// calorimeter's cells, how many showers the plots accumulate and what they are compared with.
import { colormapSpec, defineSchema, rangeOf, type ParamsOf } from '../params';

export const PARTICLES = ['electron', 'photon', 'pion', 'neutron'] as const;

const specs = [
  {
    kind: 'enum', name: 'particle', label: 'particle', default: 'electron', options: PARTICLES, rebuild: true,
    optionLabels: {
      electron: 'electron (GFlash EM shower from the front face)',
      photon: 'photon (converts after Exp(9/7 X0), then an EM shower)',
      pion: 'charged pion (hadronic toy: MIP track, then Bock profile)',
      neutron: 'neutron (hadronic toy, no track before the interaction)',
    },
    description: 'The incident particle. Electrons and photons follow the GFlash parametrisation; pions and neutrons a documented hadronic toy.',
  },
  {
    kind: 'range', name: 'energy', label: 'energy', unit: 'GeV', default: '10', min: 1, max: 200, rebuild: true, log: true,
    description: 'Incident energy: one value (10) or an interval lo:hi (2:10), drawn uniformly per shower. GFlash is fitted from about 1 GeV up.',
  },
  { kind: 'number', name: 'theta', label: 'θ', unit: 'deg', default: 0, min: 0, max: 60, rebuild: true,
    description: 'Polar angle of the incident direction to the stack axis (0: normal incidence). The axis crosses each layer at its shifted position.' },
  { kind: 'number', name: 'phi', label: 'φ', unit: 'deg', default: 0, min: -180, max: 180, rebuild: true,
    description: 'Azimuth of the incident direction about the stack axis (from +x towards +y).' },
  { kind: 'number', name: 'ecalCell', label: 'ECAL cell', unit: 'mm', default: 5, min: 2, max: 30, rebuild: true,
    description: 'ECAL cell pitch (ILD: 5 × 5 mm² Si pads). Coarser cells (10–15 mm) give smaller showers, as for training.' },
  { kind: 'number', name: 'hcalCell', label: 'HCAL tile', unit: 'mm', default: 30, min: 10, max: 100, rebuild: true,
    description: 'HCAL scintillator tile pitch (ILD AHCAL: 30 × 30 mm²).' },
  { kind: 'number', name: 'front', label: 'front face', unit: 'mm', default: 0, min: 0, max: 5000, rebuild: true,
    description: 'Depth z of the ECAL front face (ILD barrel: 1805 mm from the beam); every layer sits behind it.' },
  { kind: 'number', name: 'window', label: 'window', unit: 'showers', default: 200, min: 10, max: 5000, integer: true, rebuild: true,
    description: 'The plots accumulate the last N showers; the reference sample has N showers too.' },
  {
    kind: 'enum', name: 'reference', label: 'reference', default: 'independent', options: ['independent', ...PARTICLES], rebuild: true,
    optionLabels: {
      independent: 'an independent sample of the same particle and energy (the noise floor)',
      electron: 'electrons at the same energy and angle',
      photon: 'photons at the same energy and angle',
      pion: 'charged pions at the same energy and angle',
      neutron: 'neutrons at the same energy and angle',
    },
    description: 'What the plots overlay: another seed of the same showers (how far two samples differ by chance), or another particle.',
  },
  { kind: 'number', name: 'seed', label: 'seed', unit: '', default: 1, min: 0, max: 4294967295, integer: true, rebuild: true,
    description: 'Shower i of a run uses the random stream (seed, i): the same seed gives the same showers, bit for bit.' },
  { kind: 'boolean', name: 'planes', label: 'layer planes', default: true,
    description: 'Draw the detector layers as translucent planes (ECAL blue, HCAL amber).' },
  colormapSpec,
] as const;

export const schema = defineSchema(specs);
export type ShowerParams = ParamsOf<typeof specs>;
export type Particle = (typeof PARTICLES)[number];

/** The incident-energy interval of the params, GeV (lo = hi for one value). */
export function energyRange(p: Pick<ShowerParams, 'energy'>): { lo: number; hi: number } {
  return rangeOf(p.energy);
}
