// Losses: per-row loss (scaled by `norm`) into `lrow` (reduce.wgsl sums it) and d(loss)/d(pred).
//
// dsm: denoising score matching with antithetic noise. Rows 0..n-1 of s are s(y + sigma zeta),
//   rows n..2n-1 are s(y - sigma zeta); zeta is [n, d]. Per pair:
//   |s+|^2 + 2 s+ . zeta / sigma + |s-|^2 - 2 s- . zeta / sigma   (zeta_- = -zeta).
// mse: masked mean squared error, mask[r] a weight per row (0/1: a mask): mask_r |pred_r - target_r|^2.
// crossEntropy: softmax cross-entropy over d classes, pred the logits and tgt[r] the class (a
//   negative class: the row counts nothing): log sum_c exp(pred_rc) - pred_r,tgt; d/dpred =
//   softmax - one-hot; hits[r] = 1 when the first largest logit is the target's.
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

struct Params { n: u32, d: u32, inv_sigma: f32, norm: f32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> tgt: array<f32>;  // dsm: zeta
@group(0) @binding(3) var<storage, read> mask: array<f32>;
@group(0) @binding(4) var<storage, read_write> dpred: array<f32>;
@group(0) @binding(5) var<storage, read_write> lrow: array<f32>;
@group(0) @binding(6) var<storage, read_write> hits: array<f32>;

@compute @workgroup_size(WG)
fn dsm(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = threadIndex(id, nwg);
  if (p >= u.n) { return; }
  var l = 0.0;
  for (var a = 0u; a < u.d; a++) {
    let z = tgt[p * u.d + a] * u.inv_sigma;
    let sp = pred[p * u.d + a];
    let sm = pred[(u.n + p) * u.d + a];
    l += sp * sp + 2.0 * sp * z + sm * sm - 2.0 * sm * z;
    dpred[p * u.d + a] = u.norm * 2.0 * (sp + z);
    dpred[(u.n + p) * u.d + a] = u.norm * 2.0 * (sm - z);
  }
  lrow[p] = u.norm * l;
}

@compute @workgroup_size(WG)
fn mse(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = threadIndex(id, nwg);
  if (r >= u.n) { return; }
  let m = mask[r];
  var l = 0.0;
  for (var c = 0u; c < u.d; c++) {
    let e = pred[r * u.d + c] - tgt[r * u.d + c];
    l += e * e;
    dpred[r * u.d + c] = u.norm * 2.0 * m * e;
  }
  lrow[r] = u.norm * m * l;
}

@compute @workgroup_size(WG)
fn crossEntropy(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = threadIndex(id, nwg);
  if (r >= u.n) { return; }
  let t = tgt[r];
  let row = r * u.d;
  var m = pred[row];
  var best = 0u;
  for (var c = 1u; c < u.d; c++) {
    if (pred[row + c] > m) { m = pred[row + c]; best = c; }
  }
  var z = 0.0;
  for (var c = 0u; c < u.d; c++) { z += exp(pred[row + c] - m); }
  let counted = t >= 0.0;
  let w = select(0.0, u.norm, counted);
  let cls = u32(max(t, 0.0));
  for (var c = 0u; c < u.d; c++) {
    let p = exp(pred[row + c] - m) / z;
    dpred[row + c] = w * (p - select(0.0, 1.0, c == cls));
  }
  lrow[r] = w * (m + log(z) - pred[row + cls]);
  hits[r] = select(0.0, 1.0, counted && best == cls);
}
