// The flow model as the showers system's learned model: its settings, shipped weights, panel plots
// (model against generator), live session and headless tools, for the lab and the CLI via the registry.
import type { SimModel } from '../../model';
import type { PlotSpec } from '../../types';
import type { ShowerSimulation } from '../simulation';
import { Rng } from '../random';
import { flowAttachment } from './attachment';
import { FLOW_PREFIX, FLOW_SETTINGS_SCHEMA, SAMPLING_DEFAULTS } from './settings';
import { FlowSession } from './session';
import { sampleTool, trainTool } from './tools';
import { checkWeights, modelFromWeights } from './weights';

const model = (id: string, title: string, histogram: string, xLabel: string, yLabel: string, logY = false): PlotSpec => ({
  kind: 'histogram', id: `flow-${id}`, title: `Model vs generator: ${title}`, histogram: `flow.${histogram}`, xLabel, yLabel, logY, heights: 'as-is',
});

const plots: readonly PlotSpec[] = [
  {
    kind: 'series', id: 'flow-w1', title: 'W1 to the generator vs training step, beside each noise floor', x: 'flowTrainStep',
    y: ['flowW1Hits', 'flowW1HitsFloor', 'flowW1Cog', 'flowW1CogFloor', 'flowW1Ratio', 'flowW1RatioFloor'], yLabel: 'W1 / σ_generator', logY: true,
  },
  model('longitudinal', 'longitudinal profile', 'longitudinal', 'layer', 'MeV visible', true),
  model('hits', 'cells per shower', 'hits', 'cells', 'share of showers'),
  model('cogLayer', 'centre of gravity along the stack', 'cogLayer', 'layer', 'share of showers'),
  model('ratio', 'visible / incident energy', 'ratio', 'E_visible / E', 'share of showers'),
  model('radial', 'radial profile', 'radial', 'r (mm)', 'MeV visible', true),
  model('hitEnergy', 'cell-energy spectrum', 'hitEnergy', 'log10(E_hit / GeV)', 'cells per shower', true),
];

export const flowModel: SimModel = {
  id: 'flow',
  title: 'Flow model',
  description:
    'AllShowers’ flow-matching transformer in WGSL: every hit is a token that flows from noise (t = 1) to the shower (t = 0), layer by layer, ' +
    'with a point-count model for the hits per layer; trained online on this run’s generator showers and drawn beside them.',
  prefix: FLOW_PREFIX,
  settings: FLOW_SETTINGS_SCHEMA,
  plots,
  defaultWeights: { 'flow-electrons': 'weights/flow-electrons.bin' },
  checkWeights,
  async attach(sim, bytes) {
    const showers = sim as ShowerSimulation;
    const m = modelFromWeights(showers.device, showers.params, bytes);
    await showers.attachFlow(flowAttachment(m, { sampling: () => SAMPLING_DEFAULTS, rng: new Rng(showers.params.seed) }));
    return m;
  },
  createSession: (sim, hooks) => new FlowSession(sim as ShowerSimulation, hooks),
  tools: [trainTool, sampleTool],
};
