// The unfused attention baseline for the benchmark, one head at a time:
//   scores   S = β Q_h K_hᵀ          (an n×n matrix in memory; 16×16 tiled matmul)
//   softmax  row-wise, in place      (one workgroup per row)
//   mix      O_h = S V_h             (16×16 tiled matmul)
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

const TILE: u32 = 16u;

struct HeadParams { n: u32, d: u32, headOffset: u32, headDim: u32, beta: f32 }

@group(0) @binding(0) var<uniform> params: HeadParams;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read_write> scores: array<f32>;

var<workgroup> tileA: array<f32, 256>;
var<workgroup> tileB: array<f32, 256>;

// scores[i, j] = β Σ_c q[i, c] k[j, c]; workgroup = a 16×16 block of (i, j).
@compute @workgroup_size(16, 16)
fn scoresMatmul(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let i = wg.y * TILE + lid.y;
  let j = wg.x * TILE + lid.x;
  let n = params.n;
  var s = 0.0;
  for (var c0 = 0u; c0 < params.headDim; c0 += TILE) {
    let c = c0 + lid.x;
    let iq = wg.y * TILE + lid.y;
    let jk = wg.x * TILE + lid.y;
    tileA[lid.y * TILE + lid.x] = select(0.0, q[iq * params.d + params.headOffset + c], iq < n && c < params.headDim);
    tileB[lid.y * TILE + lid.x] = select(0.0, k[jk * params.d + params.headOffset + c], jk < n && c < params.headDim);
    workgroupBarrier();
    for (var t = 0u; t < TILE; t++) { s = fma(tileA[lid.y * TILE + t], tileB[lid.x * TILE + t], s); }
    workgroupBarrier();
  }
  if (i < n && j < n) { scores[i * n + j] = params.beta * s; }
}

@group(0) @binding(0) var<uniform> rowParams: HeadParams;
@group(0) @binding(1) var<storage, read_write> rows: array<f32>;

var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn softmaxRows(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = rowParams.n;
  let row = workgroupIndex(wg, nwg);
  let base = row * n;
  if (row >= n) { return; }
  var m = -3.0e38;
  for (var j = lid; j < n; j += 256u) { m = max(m, rows[base + j]); }
  partial[lid] = m;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] = max(partial[lid], partial[lid + s]); }
    workgroupBarrier();
  }
  let rowMax = partial[0];
  workgroupBarrier();
  var z = 0.0;
  for (var j = lid; j < n; j += 256u) {
    let e = exp(rows[base + j] - rowMax);
    rows[base + j] = e;
    z += e;
  }
  partial[lid] = z;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  let inv = 1.0 / partial[0];
  for (var j = lid; j < n; j += 256u) { rows[base + j] *= inv; }
}

@group(0) @binding(0) var<uniform> mixParams: HeadParams;
@group(0) @binding(1) var<storage, read> weightsIn: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;

// o[i, c] = Σ_j S[i, j] v[j, c]; workgroup = 16 rows i × 16 columns c.
@compute @workgroup_size(16, 16)
fn mixMatmul(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let n = mixParams.n;
  let i = wg.y * TILE + lid.y;
  let c = wg.x * TILE + lid.x;
  var s = 0.0;
  for (var j0 = 0u; j0 < n; j0 += TILE) {
    let js = j0 + lid.x;
    let jv = j0 + lid.y;
    tileA[lid.y * TILE + lid.x] = select(0.0, weightsIn[i * n + js], i < n && js < n);
    tileB[lid.y * TILE + lid.x] = select(0.0, v[jv * mixParams.d + mixParams.headOffset + c], jv < n && c < mixParams.headDim);
    workgroupBarrier();
    for (var t = 0u; t < TILE; t++) { s = fma(tileA[lid.y * TILE + t], tileB[t * TILE + lid.x], s); }
    workgroupBarrier();
  }
  if (i < n && c < mixParams.headDim) { o[i * mixParams.d + mixParams.headOffset + c] = s; }
}

// Untiled variants (no workgroup memory, no barriers): one thread per output element / row.
@compute @workgroup_size(WG)
fn scoresSimple(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = params.n;
  let e = threadIndex(id, nwg);
  if (e >= n * n) { return; }
  let i = e / n;
  let j = e % n;
  var s = 0.0;
  for (var c = 0u; c < params.headDim; c++) {
    s = fma(q[i * params.d + params.headOffset + c], k[j * params.d + params.headOffset + c], s);
  }
  scores[e] = params.beta * s;
}

@compute @workgroup_size(WG)
fn softmaxSerial(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = rowParams.n;
  let i = threadIndex(id, nwg);
  if (i >= n) { return; }
  let base = i * n;
  var m = -3.0e38;
  for (var j = 0u; j < n; j++) { m = max(m, rows[base + j]); }
  var z = 0.0;
  for (var j = 0u; j < n; j++) {
    let e = exp(rows[base + j] - m);
    rows[base + j] = e;
    z += e;
  }
  let inv = 1.0 / z;
  for (var j = 0u; j < n; j++) { rows[base + j] *= inv; }
}

@compute @workgroup_size(WG)
fn mixSimple(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = mixParams.n;
  let dh = mixParams.headDim;
  let e = threadIndex(id, nwg);
  if (e >= n * dh) { return; }
  let i = e / dh;
  let c = e % dh;
  var s = 0.0;
  for (var j = 0u; j < n; j++) {
    s = fma(weightsIn[i * n + j], v[j * mixParams.d + mixParams.headOffset + c], s);
  }
  o[i * mixParams.d + mixParams.headOffset + c] = s;
}
