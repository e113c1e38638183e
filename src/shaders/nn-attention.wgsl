// Multi-head self-attention within each set of K tokens (one set per particle), fused with its
// softmax (online, one pass). qkv rows are [q | k | v] (each C wide, head h at channels h*dh..).
// Token j is a valid key for query i when tok[j] >= 0 and |tok[i] - tok[j]| <= window
// (tok = 0 everywhere and window = inf: plain attention; tok < 0 masks padding tokens; tok =
// layer index with a finite window gives a banded mask). The forward keeps the log-sum-exp per
// (set, head, query); the backward recomputes probabilities from it (no K x K storage).

struct Params { sets: u32, k: u32, heads: u32, dh: u32, c: u32, scale: f32, window: f32, pad: u32 }
const MAX_DH = 64u;

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> tok: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;    // forward: out [rows, C]; backward: D [sets*heads*k]
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;  // [sets*heads*k]
@group(0) @binding(5) var<storage, read> dout: array<f32>;       // backward: dO [rows, C]
@group(0) @binding(6) var<storage, read_write> dqkv: array<f32>;

struct Idx { p: u32, h: u32, i: u32, ok: bool }

fn index(id: vec3u) -> Idx {
  let t = id.x + id.y * 65535u * 64u;
  let i = t % u.k;
  let ph = t / u.k;
  return Idx(ph / u.heads, ph % u.heads, i, t < u.sets * u.heads * u.k);
}

fn allowed(p: u32, i: u32, j: u32) -> bool {
  let ti = tok[p * u.k + i];
  let tj = tok[p * u.k + j];
  return tj >= 0.0 && abs(ti - tj) <= u.window;
}

fn q_at(p: u32, h: u32, i: u32) -> u32 { return (p * u.k + i) * 3u * u.c + h * u.dh; }

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) id: vec3u) {
  let x = index(id);
  if (!x.ok) { return; }
  let qi = q_at(x.p, x.h, x.i);
  var q: array<f32, MAX_DH>;
  var acc: array<f32, MAX_DH>;
  for (var d = 0u; d < u.dh; d++) { q[d] = qkv[qi + d] * u.scale; acc[d] = 0.0; }
  var m = -3.0e38;
  var l = 0.0;
  for (var j = 0u; j < u.k; j++) {
    if (!allowed(x.p, x.i, j)) { continue; }
    let kj = q_at(x.p, x.h, j) + u.c;
    var s = 0.0;
    for (var d = 0u; d < u.dh; d++) { s += q[d] * qkv[kj + d]; }
    let mn = max(m, s);
    let corr = exp(m - mn);
    let e = exp(s - mn);
    l = l * corr + e;
    for (var d = 0u; d < u.dh; d++) { acc[d] = acc[d] * corr + e * qkv[kj + u.c + d]; }
    m = mn;
  }
  let inv = select(0.0, 1.0 / l, l > 0.0);
  let oi = (x.p * u.k + x.i) * u.c + x.h * u.dh;
  for (var d = 0u; d < u.dh; d++) { o[oi + d] = acc[d] * inv; }
  lse[(x.p * u.heads + x.h) * u.k + x.i] = select(0.0, m + log(l), l > 0.0);
}

// Pass 1: D_i = dO_i . O_i (into o), dq_i = scale * sum_j a_ij (dO_i . v_j - D_i) k_j.
// Bindings reuse: o holds D here; O itself is recomputed from the probabilities.
@compute @workgroup_size(64)
fn backward_q(@builtin(global_invocation_id) id: vec3u) {
  let x = index(id);
  if (!x.ok) { return; }
  let qi = q_at(x.p, x.h, x.i);
  let oi = (x.p * u.k + x.i) * u.c + x.h * u.dh;
  let L = lse[(x.p * u.heads + x.h) * u.k + x.i];
  var q: array<f32, MAX_DH>;
  var g: array<f32, MAX_DH>;
  var dq: array<f32, MAX_DH>;
  for (var d = 0u; d < u.dh; d++) { q[d] = qkv[qi + d] * u.scale; g[d] = dout[oi + d]; dq[d] = 0.0; }
  // D = dO . O with O = sum_j a_ij v_j
  var D = 0.0;
  for (var j = 0u; j < u.k; j++) {
    if (!allowed(x.p, x.i, j)) { continue; }
    let kj = q_at(x.p, x.h, j) + u.c;
    var s = 0.0;
    var gv = 0.0;
    for (var d = 0u; d < u.dh; d++) { s += q[d] * qkv[kj + d]; gv += g[d] * qkv[kj + u.c + d]; }
    D += exp(s - L) * gv;
  }
  for (var j = 0u; j < u.k; j++) {
    if (!allowed(x.p, x.i, j)) { continue; }
    let kj = q_at(x.p, x.h, j) + u.c;
    var s = 0.0;
    var gv = 0.0;
    for (var d = 0u; d < u.dh; d++) { s += q[d] * qkv[kj + d]; gv += g[d] * qkv[kj + u.c + d]; }
    let ds = exp(s - L) * (gv - D) * u.scale;
    for (var d = 0u; d < u.dh; d++) { dq[d] += ds * qkv[kj + d]; }
  }
  o[(x.p * u.heads + x.h) * u.k + x.i] = D;
  for (var d = 0u; d < u.dh; d++) { dqkv[qi + d] = dq[d]; }
}

// Pass 2 (thread = key j): dv_j = sum_i a_ij dO_i, dk_j = scale * sum_i a_ij (dO_i . v_j - D_i) q_i.
@compute @workgroup_size(64)
fn backward_kv(@builtin(global_invocation_id) id: vec3u) {
  let x = index(id);
  if (!x.ok) { return; }
  let j = x.i;
  let kj = q_at(x.p, x.h, j) + u.c;
  var kk: array<f32, MAX_DH>;
  var vv: array<f32, MAX_DH>;
  var dk: array<f32, MAX_DH>;
  var dv: array<f32, MAX_DH>;
  for (var d = 0u; d < u.dh; d++) { kk[d] = qkv[kj + d]; vv[d] = qkv[kj + u.c + d]; dk[d] = 0.0; dv[d] = 0.0; }
  for (var i = 0u; i < u.k; i++) {
    if (!allowed(x.p, i, j)) { continue; }
    let qi = q_at(x.p, x.h, i);
    let oi = (x.p * u.k + i) * u.c + x.h * u.dh;
    let row = (x.p * u.heads + x.h) * u.k + i;
    var s = 0.0;
    var gv = 0.0;
    for (var d = 0u; d < u.dh; d++) { s += qkv[qi + d] * kk[d]; gv += dout[oi + d] * vv[d]; }
    let a = exp(s * u.scale - lse[row]);
    let ds = a * (gv - o[row]) * u.scale;
    for (var d = 0u; d < u.dh; d++) { dv[d] += a * dout[oi + d]; dk[d] += ds * qkv[qi + d]; }
  }
  for (var d = 0u; d < u.dh; d++) { dqkv[kj + d] = dk[d]; dqkv[kj + u.c + d] = dv[d]; }
}
