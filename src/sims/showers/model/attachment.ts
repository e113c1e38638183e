// The flow model as the running sim sees it (simulation.ts FlowAttachment): a model shower for each
// generator shower's conditions, with the sampling settings of the moment.
import type { Rng } from '../random';
import type { FlowAttachment } from '../simulation';
import { cellsDiffer, type FlowSample, type ShowerFlowModel } from './flow-model';
import type { SamplingSettings } from './settings';

export interface AttachmentOptions {
  /** The sampling settings at each call (the lab's panel may change them between showers). */
  sampling(): SamplingSettings;
  rng: Rng;
  /** Keep each chunk's trajectory (the lab animates the last shower's flow). */
  trajectory?: boolean;
  /** Sees every sampled chunk; with it the caller draws the model's side (FlowAttachment.drawsItself). */
  sampled?(sample: FlowSample, count: number): void;
}

export function flowAttachment(model: ShowerFlowModel, options: AttachmentOptions): FlowAttachment {
  return {
    drawsItself: options.sampled !== undefined,
    async sample(showers) {
      const out = await model.sample(showers, options.sampling(), options.rng, options.trajectory ?? false);
      options.sampled?.(out, showers.length);
      return out.hits;
    },
    unfit(p) {
      const differ = cellsDiffer(model.trainedOn, p);
      return differ && `the model ${differ}`;
    },
    get steps() {
      return model.steps;
    },
    get label() {
      return `model (flow, ${model.steps} training steps)`;
    },
  };
}
