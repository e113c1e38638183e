// Fused multi-head self-attention with an online softmax (O(n) memory, no n×n matrix):
//   o_i^h = Σ_j a_ij v_j^h,  a_ij = softmax_j(β <q_i^h, k_j^h>)   (SA)
//                             a_ij = exp(β <q_i^h, k_j^h>) / n    (USA)
// One thread per (query, head). Keys and values stream through workgroup memory in tiles of
// KEY_TILE; the last tile may be partial, so any n works. Head vectors are held as HEAD_VEC
// vec4s (zero-padded past HEAD_DIM). HEAD_DIM, HEAD_VEC and KEY_TILE are prepended as constants
// by the host (WGSL function arrays need a constant size).

const QUERY_TILE: u32 = 64u;

struct AttendParams {
  n: u32,
  d: u32,
  normalization: u32, // 0 softmax (SA), 1 uniform (USA)
  beta: f32,
}

@group(0) @binding(0) var<uniform> params: AttendParams;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> o: array<f32>;

var<workgroup> keyTile: array<vec4f, KEY_TILE * HEAD_VEC>;
var<workgroup> valueTile: array<vec4f, KEY_TILE * HEAD_VEC>;

// Components 4·slot … 4·slot+3 of token j's head slice, zero past HEAD_DIM. (A helper per buffer:
// storage pointers as function parameters need a WGSL extension.)
fn headOffset(j: u32, headBase: u32, comp: u32) -> u32 {
  return j * params.d + headBase + min(comp, HEAD_DIM - 1u);
}

fn mask4(slot: u32) -> vec4f {
  return select(vec4f(0.0), vec4f(1.0), vec4u(4u * slot) + vec4u(0u, 1u, 2u, 3u) < vec4u(HEAD_DIM));
}

fn query4(j: u32, headBase: u32, slot: u32) -> vec4f {
  let b = 4u * slot;
  return mask4(slot) * vec4f(q[headOffset(j, headBase, b)], q[headOffset(j, headBase, b + 1u)], q[headOffset(j, headBase, b + 2u)], q[headOffset(j, headBase, b + 3u)]);
}

fn key4(j: u32, headBase: u32, slot: u32) -> vec4f {
  let b = 4u * slot;
  return mask4(slot) * vec4f(k[headOffset(j, headBase, b)], k[headOffset(j, headBase, b + 1u)], k[headOffset(j, headBase, b + 2u)], k[headOffset(j, headBase, b + 3u)]);
}

fn value4(j: u32, headBase: u32, slot: u32) -> vec4f {
  let b = 4u * slot;
  return mask4(slot) * vec4f(v[headOffset(j, headBase, b)], v[headOffset(j, headBase, b + 1u)], v[headOffset(j, headBase, b + 2u)], v[headOffset(j, headBase, b + 3u)]);
}

@compute @workgroup_size(QUERY_TILE)
fn attend(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wg: vec3u) {
  let n = params.n;
  let d = params.d;
  let headBase = wg.y * HEAD_DIM;
  let i = wg.x * QUERY_TILE + lid;
  let isQuery = i < n;

  var query: array<vec4f, HEAD_VEC>;
  var acc: array<vec4f, HEAD_VEC>;
  if (isQuery) {
    for (var c = 0u; c < HEAD_VEC; c++) { query[c] = params.beta * query4(i, headBase, c); }
  }
  var runningMax = -3.0e38; // max logit so far
  var runningSum = 0.0;     // Σ exp(logit - runningMax)
  var logits: array<f32, KEY_TILE>;

  for (var start = 0u; start < n; start += KEY_TILE) {
    let count = min(KEY_TILE, n - start);
    for (var e = lid; e < count * HEAD_VEC; e += QUERY_TILE) {
      keyTile[e] = key4(start + e / HEAD_VEC, headBase, e % HEAD_VEC);
      valueTile[e] = value4(start + e / HEAD_VEC, headBase, e % HEAD_VEC);
    }
    workgroupBarrier();
    if (isQuery) {
      var tileMax = runningMax;
      for (var j = 0u; j < count; j++) {
        var s = 0.0;
        for (var c = 0u; c < HEAD_VEC; c++) { s += dot(query[c], keyTile[j * HEAD_VEC + c]); }
        logits[j] = s;
        tileMax = max(tileMax, s);
      }
      // Rescale what was summed under the old max, then add this tile.
      let rescale = exp(runningMax - tileMax);
      runningSum *= rescale;
      for (var c = 0u; c < HEAD_VEC; c++) { acc[c] *= rescale; }
      runningMax = tileMax;
      for (var j = 0u; j < count; j++) {
        let p = exp(logits[j] - runningMax);
        runningSum += p;
        for (var c = 0u; c < HEAD_VEC; c++) { acc[c] = fma(vec4f(p), valueTile[j * HEAD_VEC + c], acc[c]); }
      }
    }
    workgroupBarrier();
  }

  if (isQuery) {
    let norm = select(1.0 / runningSum, exp(runningMax) / f32(n), params.normalization == 1u);
    for (var c = 0u; c < HEAD_DIM; c++) { o[i * d + headBase + c] = acc[c / 4u][c % 4u] * norm; }
  }
}
