// The calorimeter-showers system (science.md §3, after AllShowers): an ILD-like calorimeter, a
// GFlash generator (and a hadronic toy) standing in for Geant4, showers drawn as cells, and the
// field's observables against a reference sample. Register with `register(showersSystem)`.
import type { GpuContext } from '../../gpu/context';
import type { Params } from '../params';
import type { MetricInfo, PlotSpec, SimDefinition, Simulation } from '../types';
import { schema } from './params';
import { presets } from './presets';
import { ShowerSimulation } from './simulation';
import { benchTool, evaluateTool, generateTool } from './tools';
import { flowModel } from './model';
import { about } from './about';

const metrics: readonly MetricInfo[] = [
  { name: 'showers', label: 'showers in the window', unit: '', description: 'Showers the plots accumulate now (up to the window N).' },
  { name: 'meanHits', label: 'hits per shower', unit: '', description: 'Mean number of cells above threshold per shower, over the window.' },
  { name: 'meanRatio', label: 'visible / incident', unit: '', description: 'Mean visible (read-out) energy over the incident energy: the sampling fraction, about 0.04 for EM showers in the Si–W ECAL.' },
  { name: 'meanCogLayer', label: 'CoG layer', unit: 'layer', description: 'Mean energy-weighted centre of gravity along the stack, in layer indices (0 = first ECAL layer).' },
  { name: 'maxLayer', label: 'shower maximum', unit: 'layer', description: 'Depth of the maximum of the mean longitudinal profile over the window (peak layer refined by a parabola).' },
  { name: 'referenceMaxLayer', label: 'reference maximum', unit: 'layer', description: 'The depth of the maximum for the reference sample.' },
  { name: 'referenceMeanHits', label: 'reference hits', unit: '', description: 'Mean hits per shower of the reference sample.' },
  { name: 'referenceMeanCogLayer', label: 'reference CoG layer', unit: 'layer', description: 'Mean centre of gravity along the stack of the reference sample.' },
];

const plots: readonly PlotSpec[] = [
  { kind: 'histogram', id: 'longitudinal', title: 'Longitudinal profile (mean over the window)', histogram: 'longitudinal', xLabel: 'layer', yLabel: 'MeV visible', logY: true, heights: 'as-is' },
  { kind: 'histogram', id: 'radial', title: 'Radial profile about the axis', histogram: 'radial', xLabel: 'r (mm)', yLabel: 'MeV visible', logY: true, heights: 'as-is' },
  { kind: 'histogram', id: 'hits', title: 'Hits per shower', histogram: 'hits', xLabel: 'hits', yLabel: 'share of showers', heights: 'as-is' },
  { kind: 'histogram', id: 'ratio', title: 'Visible / incident energy', histogram: 'ratio', xLabel: 'E_visible / E', yLabel: 'share of showers', heights: 'as-is' },
  { kind: 'histogram', id: 'cogLayer', title: 'Centre of gravity along the stack', histogram: 'cogLayer', xLabel: 'layer', yLabel: 'share of showers', heights: 'as-is' },
  { kind: 'histogram', id: 'cogX', title: 'Centre of gravity across (x)', histogram: 'cogX', xLabel: 'x (mm)', yLabel: 'share of showers', heights: 'as-is' },
  { kind: 'histogram', id: 'hitEnergy', title: 'Hit-energy spectrum', histogram: 'hitEnergy', xLabel: 'log10(E_hit / GeV)', yLabel: 'hits per shower', logY: true, heights: 'as-is' },
  { kind: 'series', id: 'depth', title: 'Shower maximum and CoG (window) vs reference', y: ['maxLayer', 'referenceMaxLayer', 'meanCogLayer', 'referenceMeanCogLayer'], x: 'step', yLabel: 'layer' },
  { kind: 'series', id: 'meanHits', title: 'Hits per shower (window) vs reference', y: ['meanHits', 'referenceMeanHits'], x: 'step', yLabel: 'hits' },
];

export const showersSystem: SimDefinition = {
  id: 'showers',
  title: 'Calorimeter showers',
  description:
    'Particle showers in a highly granular ILD-like calorimeter (30 Si–W ECAL layers, 48 steel–scintillator HCAL layers), one per step, from a GFlash generator (electrons, photons) and a hadronic toy (pions, neutrons), drawn as the cells they light; the plots compare the last N showers with a reference sample.',
  schema,
  presets,
  defaultPreset: 'electron-10gev',
  about,
  headline: (p) =>
    `One ${p.energy} GeV ${p.particle} shower per step in an ILD-like calorimeter (${p.ecalCell} mm ECAL cells): each box is a cell it lit, coloured by visible energy.`,
  metrics,
  plots,
  async create(ctx: GpuContext, params: Params): Promise<Simulation> {
    return ShowerSimulation.create(ctx, params);
  },
  tools: [generateTool, evaluateTool, benchTool],
  model: flowModel,
};
