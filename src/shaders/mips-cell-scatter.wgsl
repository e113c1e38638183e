// Cell list, pass 3: scatter particle indices to their sorted slots (perm[slot] = particle).
struct ScatterParams {
  n: u32,
  _a: u32,
  _b: u32,
  _c: u32,
}

@group(0) @binding(0) var<uniform> u: ScatterParams;
@group(0) @binding(1) var<storage, read> cellOf: array<u32>;
@group(0) @binding(2) var<storage, read> rankInCell: array<u32>;
@group(0) @binding(3) var<storage, read_write> perm: array<u32>;

@compute @workgroup_size(WG)
fn scatterCells(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(gid, nwg);
  if (i >= u.n) { return; }
  perm[cellStart(cellOf[i]) + rankInCell[i]] = i;
}
