// The LocalTransformer, antithetic DSM loss and Adam in TensorFlow.js (CPU backend): the
// independent implementation our WGSL training step is benchmarked against.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import type { ParamLayout } from '../src/nn/layout';
import type { LocalTransformerConfig } from '../src/nn/local-transformer';

type T2 = tf.Tensor2D;
type T3 = tf.Tensor3D;
type Sc = tf.Scalar;

export interface TfjsDsmProblem {
  cfg: LocalTransformerConfig;
  layout: ParamLayout;
  /** Initial parameters in `layout`. */
  init: Float64Array;
  /** Antithetic pairs: sets = 2 · pairs. */
  pairs: number;
  /** Network input, sets · tokens · inputs. */
  x: Float32Array;
  /** Noise directions, pairs · outputs. */
  zeta: Float32Array;
  sigma: number;
  lr: number;
}

/** Builds the network and returns one Adam step (returns the loss). Call after tf.setBackend('cpu'). */
export function tfjsDsmStep(p: TfjsDsmProblem): () => number {
  const { cfg, layout, init, pairs, x, zeta, sigma } = p;
  const sets = 2 * pairs;
  const v = (name: string) => {
    const e = layout.get(name);
    return tf.variable(tf.tensor(Float32Array.from(init.subarray(e.offset, e.offset + e.size)), e.shape), true, name);
  };
  const vars = new Map(layout.entries.map((e) => [e.name, v(e.name)]));
  const W = (n: string) => vars.get(n)!;
  const lin = (h: T2, n: string) => tf.add(tf.matMul(h, W(`${n}.w`) as T2), W(`${n}.b`)) as T2;
  const gelu = (h: T2) => tf.mul(tf.mul(h, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(h, tf.mul(0.044715, tf.pow(h, 3))))))) as T2;
  const ln = (h: T2, n: string) => {
    const { mean, variance } = tf.moments(h, 1, true);
    return tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), W(`${n}.gamma`)), W(`${n}.beta`)) as T2;
  };
  const K = cfg.tokens, C = cfg.width, H = cfg.heads, dh = C / H, R = sets * K;
  const xin = tf.tensor2d(x, [R, cfg.inputs]);
  const z = tf.tensor2d(zeta, [pairs, cfg.outputs]);
  const forward = () => {
    let h = tf.concat(cfg.embed.map(([s, c], g) => lin(gelu(lin(tf.slice(xin, [0, s], [R, c]), `embed${g}.l1`)), `embed${g}.l2`)), 1) as T2;
    for (let b = 0; b < cfg.depth; b++) {
      const n = `block${b}`;
      const qkv = tf.reshape(lin(h, `${n}.qkv`), [sets, K, 3, H, dh]);
      const part = (i: number) => tf.reshape(tf.transpose(tf.squeeze(tf.slice(qkv, [0, 0, i, 0, 0], [sets, K, 1, H, dh]), [2]), [0, 2, 1, 3]), [sets * H, K, dh]) as T3;
      const att = tf.softmax(tf.mul(tf.matMul(part(0), part(1), false, true), 1 / Math.sqrt(dh)));
      const o = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, part(2)), [sets, H, K, dh]), [0, 2, 1, 3]), [R, C]) as T2;
      const h1 = ln(tf.add(h, lin(o, `${n}.proj`)), `${n}.ln1`);
      h = ln(tf.add(h1, lin(gelu(lin(h1, `${n}.mlp1`)), `${n}.mlp2`)), `${n}.ln2`);
    }
    const t0 = tf.reshape(tf.slice(tf.reshape(h, [sets, K, C]), [0, 0, 0], [sets, 1, C]), [sets, C]) as T2;
    const s = lin(gelu(lin(t0, 'head.l1')), 'head.l2');
    const sp = tf.slice(s, [0, 0], [pairs, cfg.outputs]);
    const sm = tf.slice(s, [pairs, 0], [pairs, cfg.outputs]);
    const zz = tf.div(z, sigma);
    return tf.div(tf.sum(tf.add(tf.add(tf.square(sp), tf.mul(2, tf.mul(sp, zz))), tf.sub(tf.square(sm), tf.mul(2, tf.mul(sm, zz))))), pairs) as Sc;
  };
  const opt = tf.train.adam(p.lr);
  return () => tf.tidy(() => opt.minimize(forward, true)!.dataSync()[0]!);
}

export { tf };
