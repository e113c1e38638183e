// Reorders the particle state by cell (slot order of the cell list). Within a cell, particles
// are put in ascending order of id, so the order (and every float sum that follows it) depends
// only on the positions: not on which thread won an atomic, nor on the previous order (an
// imported state resumes bit for bit).
struct GatherParams {
  cells: u32,
  _a: u32,
  _b: u32,
  _c: u32,
}

@group(0) @binding(0) var<uniform> u: GatherParams;
@group(0) @binding(1) var<storage, read_write> perm: array<u32>;
@group(0) @binding(2) var<storage, read> posIn: array<vec4f>;
@group(0) @binding(3) var<storage, read> bodyIn: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> posOut: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> bodyOut: array<vec4f>;

@compute @workgroup_size(WG)
fn gatherByCell(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = threadIndex(gid, nwg);
  if (c >= u.cells) { return; }
  let begin = cellStart(c);
  let end = cellStart(c + 1u);
  // Insertion sort of the (few) particles of this cell by id.
  for (var s = begin + 1u; s < end; s++) {
    let key = perm[s];
    let keyId = posIn[key].w;
    var t = s;
    while (t > begin && posIn[perm[t - 1u]].w > keyId) {
      perm[t] = perm[t - 1u];
      t--;
    }
    perm[t] = key;
  }
  for (var s = begin; s < end; s++) {
    let i = perm[s];
    posOut[s] = posIn[i];
    bodyOut[s] = bodyIn[i];
  }
}
