// The score network as the mips system's learned model: its settings, shipped weights, panel
// plots, live session and headless tools, for the lab and the CLI through the registry.
import type { SimModel } from '../../model';
import type { PlotSpec } from '../../types';
import type { MipsSimulation } from '../simulation';
import { SCORE_PREFIX, SCORE_SCHEMA } from './config';
import { modelFromWeights } from './model';
import { ScoreSession } from './session';
import { benchScoreTool, trainTool } from './tools';
import { checkWeights } from './weights';

const EPR_PLOT: PlotSpec = {
  kind: 'series', id: 'score-epr', title: 'EPR: learned (both forms) vs score-free', y: ['eprLearned', 'eprLearnedDiv', 'eprScoreFree'], yLabel: 'EPR per particle',
};

export const scoreModel: SimModel = {
  id: 'score',
  title: 'Score network',
  description: 'Learns the score of the steady state online (denoising score matching, in WGSL) and from it the learned EPR and its local map.',
  prefix: SCORE_PREFIX,
  settings: SCORE_SCHEMA,
  plots: [EPR_PLOT],
  defaultWeights: { 'boffi-mips': 'weights/boffi-mips.bin' },
  checkWeights,
  async attach(sim, bytes) {
    const mips = sim as MipsSimulation;
    const model = await modelFromWeights(mips, bytes);
    mips.attach(model);
    return model;
  },
  createSession: (sim, hooks) => new ScoreSession(sim as MipsSimulation, hooks),
  tools: [trainTool, benchScoreTool],
};
