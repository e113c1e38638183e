// Observables of the token cloud as small GPU reductions (nothing of size n·d leaves the GPU):
//   pairStats        per token: Σ_{j≠i} cos_ij, |x_i - y_i|², |x_i|, and Σ_j exp(β<x_i,x_j>)
//                    as a log-sum-exp pair (m_i = max_j β<x_i,x_j>, Σ_j exp(β<x_i,x_j> − m_i)):
//                    exp(β<x,y>) overflows float32 once β<x,y> > 88 (β = 100 on the sphere);
//                    histogram of cos over pairs i<j; adjacency bits cos_ij > THRESHOLD;
//                    pairs i<j with cos > THRESHOLD counted; non-finite tokens counted.
//   reduceStats      one workgroup sums the per-token values; the exp sums are rescaled to the
//                    largest m_i, so the host gets (M, Σ) with Σ_j exp(...) = exp(M)·Σ, Σ ≤ n².
//   labelsInit / propagateLabels / countRoots: connected components of the adjacency
//                    (min-label propagation; the host repeats it until nothing changes).
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

const BINS: u32 = 40u;
const THRESHOLD: f32 = 0.999;
// counters layout: [0, BINS) histogram, then these slots.
const NON_FINITE: u32 = BINS;
const CHANGED: u32 = BINS + 1u;
const CLUSTERS: u32 = BINS + 2u;
const CLOSE_PAIRS: u32 = BINS + 3u; // pairs i<j with cos > THRESHOLD (the (t, β) phase-diagram order parameter)

// unit != 0: E_β of the unit-normalised tokens (logits β cos_ij), for a residual stream off the sphere.
struct PairParams { n: u32, d: u32, words: u32, beta: f32, unit: u32 }

@group(0) @binding(0) var<uniform> pairParams: PairParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> other: array<f32>; // the side-by-side state (or x again)
// Two per token: [2i] = (Σcos, Σexp(β dot − m_i), gap², |x_i|), [2i + 1] = (m_i, 0, 0, 0).
@group(0) @binding(3) var<storage, read_write> partial: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> adjacency: array<u32>;
@group(0) @binding(5) var<storage, read_write> counters: array<atomic<u32>>;

fn isFinite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

fn dotTokens(i: u32, j: u32, d: u32) -> f32 {
  var s = 0.0;
  for (var c = 0u; c < d; c++) { s = fma(x[i * d + c], x[j * d + c], s); }
  return s;
}

@compute @workgroup_size(WG)
fn pairStats(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(id, nwg);
  let n = pairParams.n;
  let d = pairParams.d;
  if (i >= n) { return; }
  var finite = true;
  var gap = 0.0;
  for (var c = 0u; c < d; c++) {
    let xc = x[i * d + c];
    finite = finite && isFinite(xc);
    let diff = xc - other[i * d + c];
    gap = fma(diff, diff, gap);
  }
  if (!finite) { atomicAdd(&counters[NON_FINITE], 1u); }
  let normI = sqrt(dotTokens(i, i, d));
  var sumCos = 0.0;
  var sumExp = 0.0; // Σ exp(β dot − maxLogit), rescaled whenever the running maximum grows
  var maxLogit = -3.4e38;
  for (var w = 0u; w < pairParams.words; w++) {
    var bits = 0u;
    for (var b = 0u; b < 32u; b++) {
      let j = w * 32u + b;
      if (j >= n) { break; }
      let dot = dotTokens(i, j, d);
      let cosine = dot / max(normI * sqrt(dotTokens(j, j, d)), 1e-30);
      let logit = pairParams.beta * select(dot, cosine, pairParams.unit != 0u);
      if (logit > maxLogit) {
        sumExp = sumExp * exp(maxLogit - logit) + 1.0;
        maxLogit = logit;
      } else {
        sumExp += exp(logit - maxLogit);
      }
      if (j == i) { continue; }
      sumCos += cosine;
      if (cosine > THRESHOLD) { bits |= 1u << b; }
      if (j > i) {
        let bin = u32(clamp((cosine + 1.0) * 0.5 * f32(BINS), 0.0, f32(BINS - 1u)));
        atomicAdd(&counters[bin], 1u);
        if (cosine > THRESHOLD) { atomicAdd(&counters[CLOSE_PAIRS], 1u); }
      }
    }
    adjacency[i * pairParams.words + w] = bits;
  }
  partial[2u * i] = vec4f(sumCos, sumExp, gap, normI);
  partial[2u * i + 1u] = vec4f(maxLogit, 0.0, 0.0, 0.0);
}

struct ReduceParams { n: u32 }
@group(0) @binding(0) var<uniform> reduceParams: ReduceParams;
@group(0) @binding(1) var<storage, read> partialIn: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> totals: array<f32>; // Σcos, Σexp (scaled by e^−M), Σgap², Σ|x|, max|x|, M

var<workgroup> sums: array<vec4f, 256>;
var<workgroup> maxima: array<vec2f, 256>; // (max |x_i|, max m_i)

@compute @workgroup_size(256)
fn reduceStats(@builtin(local_invocation_index) lid: u32) {
  // Pass 1: the largest norm and the largest logit M.
  var m = vec2f(0.0, -3.4e38);
  for (var i = lid; i < reduceParams.n; i += 256u) {
    m = max(m, vec2f(partialIn[2u * i].w, partialIn[2u * i + 1u].x));
  }
  maxima[lid] = m;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride >>= 1u) {
    if (lid < stride) { maxima[lid] = max(maxima[lid], maxima[lid + stride]); }
    workgroupBarrier();
  }
  let top = maxima[0].y;
  // Pass 2: sums, each token's exp sum rescaled from its m_i to M (a factor ≤ 1, never overflows).
  var s = vec4f(0.0);
  for (var i = lid; i < reduceParams.n; i += 256u) {
    let a = partialIn[2u * i];
    s += vec4f(a.x, a.y * exp(partialIn[2u * i + 1u].x - top), a.z, a.w);
  }
  sums[lid] = s;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride >>= 1u) {
    if (lid < stride) { sums[lid] += sums[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    totals[0] = sums[0].x;
    totals[1] = sums[0].y;
    totals[2] = sums[0].z;
    totals[3] = sums[0].w;
    totals[4] = maxima[0].x;
    totals[5] = top;
  }
}

struct LabelParams { n: u32, words: u32 }
@group(0) @binding(0) var<uniform> labelParams: LabelParams;
@group(0) @binding(1) var<storage, read> edges: array<u32>;
@group(0) @binding(2) var<storage, read_write> labels: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> labelCounters: array<atomic<u32>>;

@compute @workgroup_size(WG)
fn labelsInit(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(id, nwg);
  if (i < labelParams.n) { atomicStore(&labels[i], i); }
}

// Every token takes the smallest label among itself and its neighbours and pushes it to them.
@compute @workgroup_size(WG)
fn propagateLabels(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(id, nwg);
  if (i >= labelParams.n) { return; }
  let own = atomicLoad(&labels[i]);
  var m = own;
  for (var w = 0u; w < labelParams.words; w++) {
    var bits = edges[i * labelParams.words + w];
    while (bits != 0u) {
      let b = firstTrailingBit(bits);
      bits &= bits - 1u;
      m = min(m, atomicLoad(&labels[w * 32u + b]));
    }
  }
  if (m < own) {
    atomicMin(&labels[i], m);
    atomicStore(&labelCounters[CHANGED], 1u);
  }
  for (var w = 0u; w < labelParams.words; w++) {
    var bits = edges[i * labelParams.words + w];
    while (bits != 0u) {
      let b = firstTrailingBit(bits);
      bits &= bits - 1u;
      if (atomicMin(&labels[w * 32u + b], m) > m) { atomicStore(&labelCounters[CHANGED], 1u); }
    }
  }
}

@compute @workgroup_size(WG)
fn countRoots(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(id, nwg);
  if (i < labelParams.n && atomicLoad(&labels[i]) == i) {
    atomicAdd(&labelCounters[CLUSTERS], 1u);
  }
}
