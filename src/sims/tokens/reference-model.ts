// Builds the float64 reference model from the same parameters and float32 weights the GPU uses.
import type { TokenParams } from './params';
import type { Activation, Normalization, TokenModel } from './model';
import type { ReferenceModel } from './reference';

export function referenceModel(p: TokenParams, model: TokenModel): ReferenceModel {
  return {
    n: model.count,
    d: model.d,
    heads: model.heads,
    beta: p.beta,
    normalization: p.normalization,
    attention: model.attention,
    ffn: p.ffn === 'on' ? model.ffn : null,
    width: model.width,
    act: p.act,
    sphere: p.sphere,
  };
}
