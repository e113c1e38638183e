// Builds the float64 reference model from the same parameters and float32 weights the GPU uses.
import type { Params } from '../params';
import type { Activation, Normalization, TokenModel } from './model';
import type { ReferenceModel } from './reference';

export function referenceModel(p: Params, model: TokenModel): ReferenceModel {
  return {
    n: model.count,
    d: model.d,
    heads: model.heads,
    beta: Number(p.beta),
    normalization: p.normalization as Normalization,
    attention: model.attention,
    ffn: p.ffn === 'on' ? model.ffn : null,
    width: model.width,
    act: p.act as Activation,
    sphere: p.sphere === true,
  };
}
