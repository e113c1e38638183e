// Multi-head self-attention within each set of K tokens (one set per particle), fused with its
// softmax (online, one pass). qkv rows are [q | k | v] (each C wide, head h at channels h*dh..).
// Token j is a valid key for query i when tok[j] >= 0 and |tok[i] - tok[j]| <= window
// (tok = 0 everywhere and window = inf: plain attention; tok < 0 masks padding tokens; tok =
// layer index with a finite window gives a banded mask); with causal = 1 also tok[j] <= tok[i]
// (tok = position: a language model's causal mask). The forward keeps the log-sum-exp per
// (set, head, query); the backward recomputes probabilities from it (no K x K storage).
// Queries are the first nq tokens of each set (nq = K: all; nq = 1: token 0 only, e.g. the last
// block of a network that reads token 0): out, dout are [sets * nq, C], lse and delta
// [sets * heads * nq]; keys and values are all K tokens, qkv and dqkv [sets * K, 3C] (dq is zero
// for tokens past nq).
//
// One head's dh channels are a `Head` value (vec4 fields, so no private arrays: dynamic indexing
// of those is slow on CPU implementations). ops.ts (headCode) prepends, for the network's dh:
//   struct Head, head_zero(), head_dot(a, b), head_axpy(s, x, y) = s x + y, head_scale(s, x);
//   the bindings qkv (1), o (3), dout (5), dqkv (6): array<vec4f> when dh and C are multiples of
//   4 (every head then starts at a multiple of 4 floats), else array<f32>;
//   load_qkv(i), load_o(i), load_dout(i) (the dh floats from float index i), store_o(i, h),
//   store_dqkv(i, h).
// Masks are applied with select (no divergent branches: SwiftShader runs both sides).
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

struct Params { sets: u32, k: u32, heads: u32, dh: u32, c: u32, scale: f32, window: f32, nq: u32, causal: u32 }

@group(0) @binding(0) var<uniform> u: Params;
// 1: qkv [sets*K, 3C]; 3: o, forward writes O [sets*nq, C], backward reads it; 5: dout, dO
// [sets*nq, C]; 6: dqkv [sets*K, 3C] (declared by headCode)
@group(0) @binding(2) var<storage, read> tok: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;   // [sets*heads*nq]
@group(0) @binding(7) var<storage, read_write> delta: array<f32>; // backward: D = dO . O [sets*heads*nq]

struct Idx { p: u32, h: u32, i: u32, ok: bool }

// Thread -> (set, head, token i < n): n = nq for query threads, K for key threads.
fn index(t: u32, n: u32) -> Idx {
  let ph = t / n;
  return Idx(ph / u.heads, ph % u.heads, t % n, t < u.sets * u.heads * n);
}

fn visible(ti: f32, tj: f32) -> bool {
  return tj >= 0.0 && abs(ti - tj) <= u.window && (u.causal == 0u || tj <= ti);
}

fn q_at(p: u32, h: u32, i: u32) -> u32 { return (p * u.k + i) * 3u * u.c + h * u.dh; }
fn o_at(p: u32, h: u32, i: u32) -> u32 { return (p * u.nq + i) * u.c + h * u.dh; }
fn row_at(p: u32, h: u32, i: u32) -> u32 { return (p * u.heads + h) * u.nq + i; }

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let x = index(threadIndex(id, nwg), u.nq);
  if (!x.ok) { return; }
  let q = head_scale(u.scale, load_qkv(q_at(x.p, x.h, x.i)));
  let ti = tok[x.p * u.k + x.i];
  var acc = head_zero();
  var m = -3.0e38;
  var l = 0.0;
  for (var j = 0u; j < u.k; j++) {
    let ok = visible(ti, tok[x.p * u.k + j]);
    let kj = q_at(x.p, x.h, j) + u.c;
    let s = head_dot(q, load_qkv(kj));
    let mn = select(m, max(m, s), ok);
    let corr = exp(m - mn);
    let e = select(0.0, exp(s - mn), ok);
    l = l * corr + e;
    acc = head_axpy(e, load_qkv(kj + u.c), head_scale(corr, acc));
    m = mn;
  }
  let inv = select(0.0, 1.0 / l, l > 0.0);
  store_o(o_at(x.p, x.h, x.i), head_scale(inv, acc));
  lse[row_at(x.p, x.h, x.i)] = select(0.0, m + log(l), l > 0.0);
}

// Pass 1 (thread = query i): D_i = dO_i . O_i, dq_i = scale * sum_j a_ij (dO_i . v_j - D_i) k_j.
@compute @workgroup_size(WG)
fn backwardQ(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let x = index(threadIndex(id, nwg), u.nq);
  if (!x.ok) { return; }
  let qi = q_at(x.p, x.h, x.i);
  let oi = o_at(x.p, x.h, x.i);
  let row = row_at(x.p, x.h, x.i);
  let L = lse[row];
  let q = head_scale(u.scale, load_qkv(qi));
  let g = load_dout(oi);
  let D = head_dot(g, load_o(oi));
  let ti = tok[x.p * u.k + x.i];
  var dq = head_zero();
  for (var j = 0u; j < u.k; j++) {
    let ok = visible(ti, tok[x.p * u.k + j]);
    let kj = q_at(x.p, x.h, j) + u.c;
    let kv = load_qkv(kj);
    let a = select(0.0, exp(head_dot(q, kv) - L), ok);
    let ds = a * (head_dot(g, load_qkv(kj + u.c)) - D) * u.scale;
    dq = head_axpy(ds, kv, dq);
  }
  delta[row] = D;
  store_dqkv(qi, dq);
}

// Pass 2 (thread = key j): dv_j = sum_i a_ij dO_i, dk_j = scale * sum_i a_ij (dO_i . v_j - D_i) q_i
// over the queries i < nq; zeroes dq_j of the tokens that are no query.
@compute @workgroup_size(WG)
fn backwardKv(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let x = index(threadIndex(id, nwg), u.k);
  if (!x.ok) { return; }
  let j = x.i;
  let kj = q_at(x.p, x.h, j) + u.c;
  let kk = head_scale(u.scale, load_qkv(kj));
  let vv = load_qkv(kj + u.c);
  let tj = tok[x.p * u.k + j];
  var dk = head_zero();
  var dv = head_zero();
  for (var i = 0u; i < u.nq; i++) {
    let ok = visible(tok[x.p * u.k + i], tj);
    let row = row_at(x.p, x.h, i);
    let qv = load_qkv(q_at(x.p, x.h, i));
    let g = load_dout(o_at(x.p, x.h, i));
    let a = select(0.0, exp(head_dot(qv, kk) - lse[row]), ok);
    let ds = a * (head_dot(g, vv) - delta[row]) * u.scale;
    dv = head_axpy(a, g, dv);
    dk = head_axpy(ds, qv, dk);
  }
  store_dqkv(kj, dk);
  store_dqkv(kj + u.c, dv);
  if (j >= u.nq) { store_dqkv(kj - u.c, head_zero()); }
}

// ---- Four queries (forward, backwardQ) or four keys (backwardKv) per thread: each load of
// a key / value / query row then serves four pairs. For CPU implementations (SwiftShader), where
// a load costs far more than the arithmetic it feeds; GPUs take the one-per-thread kernels above.
// Tokens 4g .. 4g+3 (< n: nq queries or K keys) of a set are one thread's; past n they are
// clamped for loading, not stored.

struct Idx4 { p: u32, h: u32, i0: u32, ok: bool }

fn index4(t: u32, n: u32) -> Idx4 {
  let groups = (n + 3u) / 4u;
  let ph = t / groups;
  return Idx4(ph / u.heads, ph % u.heads, (t % groups) * 4u, t < u.sets * u.heads * groups);
}

fn tokens4(i0: u32, n: u32) -> vec4u { return min(vec4u(i0) + vec4u(0u, 1u, 2u, 3u), vec4u(n - 1u)); }

fn tok4(p: u32, i: vec4u) -> vec4f {
  let b = p * u.k;
  return vec4f(tok[b + i.x], tok[b + i.y], tok[b + i.z], tok[b + i.w]);
}

fn visible4(ti: vec4f, tj: vec4f) -> vec4<bool> {
  return (tj >= vec4f(0.0)) & (abs(ti - tj) <= vec4f(u.window)) & ((tj <= ti) | vec4<bool>(u.causal == 0u));
}

fn dots4(a0: Head, a1: Head, a2: Head, a3: Head, b: Head) -> vec4f {
  return vec4f(head_dot(a0, b), head_dot(a1, b), head_dot(a2, b), head_dot(a3, b));
}

fn rows4(p: u32, h: u32, i: vec4u) -> vec4u { return (p * u.heads + h) * u.nq + i; }

@compute @workgroup_size(WG)
fn forward4(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let x = index4(threadIndex(id, nwg), u.nq);
  if (!x.ok) { return; }
  let i = tokens4(x.i0, u.nq);
  let q0 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, i.x)));
  let q1 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, i.y)));
  let q2 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, i.z)));
  let q3 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, i.w)));
  let ti = tok4(x.p, i);
  var a0 = head_zero();
  var a1 = head_zero();
  var a2 = head_zero();
  var a3 = head_zero();
  var m = vec4f(-3.0e38);
  var l = vec4f(0.0);
  for (var j = 0u; j < u.k; j++) {
    let ok = visible4(ti, vec4f(tok[x.p * u.k + j]));
    let kj = q_at(x.p, x.h, j) + u.c;
    let vj = load_qkv(kj + u.c);
    let s = dots4(q0, q1, q2, q3, load_qkv(kj));
    let mn = select(m, max(m, s), ok);
    let corr = exp(m - mn);
    let e = select(vec4f(0.0), exp(s - mn), ok);
    l = l * corr + e;
    a0 = head_axpy(e.x, vj, head_scale(corr.x, a0));
    a1 = head_axpy(e.y, vj, head_scale(corr.y, a1));
    a2 = head_axpy(e.z, vj, head_scale(corr.z, a2));
    a3 = head_axpy(e.w, vj, head_scale(corr.w, a3));
    m = mn;
  }
  let inv = select(vec4f(0.0), 1.0 / l, l > vec4f(0.0));
  let L = select(vec4f(0.0), m + log(l), l > vec4f(0.0));
  let r = rows4(x.p, x.h, i);
  store_o(o_at(x.p, x.h, i.x), head_scale(inv.x, a0));
  lse[r.x] = L.x;
  if (x.i0 + 1u < u.nq) { store_o(o_at(x.p, x.h, i.y), head_scale(inv.y, a1)); lse[r.y] = L.y; }
  if (x.i0 + 2u < u.nq) { store_o(o_at(x.p, x.h, i.z), head_scale(inv.z, a2)); lse[r.z] = L.z; }
  if (x.i0 + 3u < u.nq) { store_o(o_at(x.p, x.h, i.w), head_scale(inv.w, a3)); lse[r.w] = L.w; }
}

@compute @workgroup_size(WG)
fn backwardQ4(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let x = index4(threadIndex(id, nwg), u.nq);
  if (!x.ok) { return; }
  let i = tokens4(x.i0, u.nq);
  let r = rows4(x.p, x.h, i);
  let L = vec4f(lse[r.x], lse[r.y], lse[r.z], lse[r.w]);
  let q0 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, i.x)));
  let q1 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, i.y)));
  let q2 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, i.z)));
  let q3 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, i.w)));
  let g0 = load_dout(o_at(x.p, x.h, i.x));
  let g1 = load_dout(o_at(x.p, x.h, i.y));
  let g2 = load_dout(o_at(x.p, x.h, i.z));
  let g3 = load_dout(o_at(x.p, x.h, i.w));
  let D = vec4f(
    head_dot(g0, load_o(o_at(x.p, x.h, i.x))), head_dot(g1, load_o(o_at(x.p, x.h, i.y))),
    head_dot(g2, load_o(o_at(x.p, x.h, i.z))), head_dot(g3, load_o(o_at(x.p, x.h, i.w))),
  );
  let ti = tok4(x.p, i);
  var d0 = head_zero();
  var d1 = head_zero();
  var d2 = head_zero();
  var d3 = head_zero();
  for (var j = 0u; j < u.k; j++) {
    let ok = visible4(ti, vec4f(tok[x.p * u.k + j]));
    let kj = q_at(x.p, x.h, j) + u.c;
    let kv = load_qkv(kj);
    let a = select(vec4f(0.0), exp(dots4(q0, q1, q2, q3, kv) - L), ok);
    let ds = a * (dots4(g0, g1, g2, g3, load_qkv(kj + u.c)) - D) * u.scale;
    d0 = head_axpy(ds.x, kv, d0);
    d1 = head_axpy(ds.y, kv, d1);
    d2 = head_axpy(ds.z, kv, d2);
    d3 = head_axpy(ds.w, kv, d3);
  }
  delta[r.x] = D.x;
  store_dqkv(q_at(x.p, x.h, i.x), d0);
  if (x.i0 + 1u < u.nq) { delta[r.y] = D.y; store_dqkv(q_at(x.p, x.h, i.y), d1); }
  if (x.i0 + 2u < u.nq) { delta[r.z] = D.z; store_dqkv(q_at(x.p, x.h, i.z), d2); }
  if (x.i0 + 3u < u.nq) { delta[r.w] = D.w; store_dqkv(q_at(x.p, x.h, i.w), d3); }
}

// Thread = keys j0 .. j0+3.
@compute @workgroup_size(WG)
fn backwardKv4(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let x = index4(threadIndex(id, nwg), u.k);
  if (!x.ok) { return; }
  let j = tokens4(x.i0, u.k);
  let k0 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, j.x) + u.c));
  let k1 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, j.y) + u.c));
  let k2 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, j.z) + u.c));
  let k3 = head_scale(u.scale, load_qkv(q_at(x.p, x.h, j.w) + u.c));
  let v0 = load_qkv(q_at(x.p, x.h, j.x) + 2u * u.c);
  let v1 = load_qkv(q_at(x.p, x.h, j.y) + 2u * u.c);
  let v2 = load_qkv(q_at(x.p, x.h, j.z) + 2u * u.c);
  let v3 = load_qkv(q_at(x.p, x.h, j.w) + 2u * u.c);
  let tj = tok4(x.p, j);
  var dk0 = head_zero();
  var dk1 = head_zero();
  var dk2 = head_zero();
  var dk3 = head_zero();
  var dv0 = head_zero();
  var dv1 = head_zero();
  var dv2 = head_zero();
  var dv3 = head_zero();
  for (var i = 0u; i < u.nq; i++) {
    let ok = visible4(vec4f(tok[x.p * u.k + i]), tj);
    let row = row_at(x.p, x.h, i);
    let qv = load_qkv(q_at(x.p, x.h, i));
    let g = load_dout(o_at(x.p, x.h, i));
    let a = select(vec4f(0.0), exp(vec4f(head_dot(k0, qv), head_dot(k1, qv), head_dot(k2, qv), head_dot(k3, qv)) - lse[row]), ok);
    let ds = a * (vec4f(head_dot(v0, g), head_dot(v1, g), head_dot(v2, g), head_dot(v3, g)) - delta[row]) * u.scale;
    dv0 = head_axpy(a.x, g, dv0);
    dv1 = head_axpy(a.y, g, dv1);
    dv2 = head_axpy(a.z, g, dv2);
    dv3 = head_axpy(a.w, g, dv3);
    dk0 = head_axpy(ds.x, qv, dk0);
    dk1 = head_axpy(ds.y, qv, dk1);
    dk2 = head_axpy(ds.z, qv, dk2);
    dk3 = head_axpy(ds.w, qv, dk3);
  }
  let zero = head_zero();
  store_dqkv(q_at(x.p, x.h, j.x) + u.c, dk0);
  store_dqkv(q_at(x.p, x.h, j.x) + 2u * u.c, dv0);
  if (x.i0 >= u.nq) { store_dqkv(q_at(x.p, x.h, j.x), zero); }
  if (x.i0 + 1u < u.k) {
    store_dqkv(q_at(x.p, x.h, j.y) + u.c, dk1);
    store_dqkv(q_at(x.p, x.h, j.y) + 2u * u.c, dv1);
    if (x.i0 + 1u >= u.nq) { store_dqkv(q_at(x.p, x.h, j.y), zero); }
  }
  if (x.i0 + 2u < u.k) {
    store_dqkv(q_at(x.p, x.h, j.z) + u.c, dk2);
    store_dqkv(q_at(x.p, x.h, j.z) + 2u * u.c, dv2);
    if (x.i0 + 2u >= u.nq) { store_dqkv(q_at(x.p, x.h, j.z), zero); }
  }
  if (x.i0 + 3u < u.k) {
    store_dqkv(q_at(x.p, x.h, j.w) + u.c, dk3);
    store_dqkv(q_at(x.p, x.h, j.w) + 2u * u.c, dv3);
    if (x.i0 + 3u >= u.nq) { store_dqkv(q_at(x.p, x.h, j.w), zero); }
  }
}
