// Connected components of the contact graph (pairs closer than the contact distance), by
// lock-free union-find on the cell-sorted state: hook roots with compare-exchange (larger root
// under smaller), then point every particle at its root and count component sizes.
struct ClusterParams {
  n: u32,
  cellsPerSide: u32,
  stencil: i32,
  _pad: u32,
  boxL: f32,
  invCellW: f32,
  contact2: f32,
  _pad2: f32,
}

@group(0) @binding(0) var<uniform> u: ClusterParams;
@group(0) @binding(1) var<storage, read> sortedPos: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> parent: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> clusterSize: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> largest: array<atomic<u32>>;

var<workgroup> groupMax: atomic<u32>;

fn findRoot(start: u32) -> u32 {
  var r = start;
  loop {
    let p = atomicLoad(&parent[r]);
    if (p == r) { break; }
    r = p;
  }
  return r;
}

fn unite(a0: u32, b0: u32) {
  var a = findRoot(a0);
  var b = findRoot(b0);
  loop {
    if (a == b) { break; }
    let hi = max(a, b);
    let lo = min(a, b);
    let res = atomicCompareExchangeWeak(&parent[hi], hi, lo);
    if (res.exchanged) { break; }
    a = findRoot(res.old_value);
    b = findRoot(lo);
  }
}

@compute @workgroup_size(WG)
fn clusterInit(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  if (s == 0u) { atomicStore(&largest[0], 0u); }
  if (s >= u.n) { return; }
  atomicStore(&parent[s], s);
  atomicStore(&clusterSize[s], 0u);
}

@compute @workgroup_size(WG)
fn clusterHook(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  if (s >= u.n) { return; }
  let x = sortedPos[s].xy;
  let home = cellCoord(x, u.cellsPerSide, u.invCellW);
  for (var dy = -u.stencil; dy <= u.stencil; dy++) {
    for (var dx = -u.stencil; dx <= u.stencil; dx++) {
      let c = cellIndex(home + vec2i(dx, dy), u.cellsPerSide);
      let end = cellStart(c + 1u);
      for (var j = cellStart(c); j < end; j++) {
        if (j <= s) { continue; }
        let d = minImage(x - sortedPos[j].xy, u.boxL);
        if (dot(d, d) < u.contact2) { unite(s, j); }
      }
    }
  }
}

@compute @workgroup_size(WG)
fn clusterCount(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  if (s >= u.n) { return; }
  atomicAdd(&clusterSize[findRoot(s)], 1u);
}

@compute @workgroup_size(WG)
fn clusterLargest(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                  @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  if (lid.x == 0u) { atomicStore(&groupMax, 0u); }
  workgroupBarrier();
  if (s < u.n) { atomicMax(&groupMax, atomicLoad(&clusterSize[s])); }
  workgroupBarrier();
  if (lid.x == 0u) { atomicMax(&largest[0], atomicLoad(&groupMax)); }
}
