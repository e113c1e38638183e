// Cell list, pass 3: each particle's id goes to the slot given by the atomics of pass 1 (an
// arbitrary order within each cell); sims/mips/shaders/gather.wgsl (placeSorted) then ranks each particle by
// id within its cell and copies it to its final slot.
struct ScatterParams {
  n: u32,
  _a: u32,
  _b: u32,
  _c: u32,
}

@group(0) @binding(0) var<uniform> u: ScatterParams;
@group(0) @binding(1) var<storage, read> cellOf: array<u32>;
@group(0) @binding(2) var<storage, read> rankInCell: array<u32>;
@group(0) @binding(4) var<storage, read> posIn: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> slotId: array<f32>;

@compute @workgroup_size(WG)
fn scatterIds(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var items = spreadItems(gid, nwg);
  loop {
    let i = item(items);
    if (i >= u.n) { return; }
    slotId[cellStart(cellOf[i]) + rankInCell[i]] = posIn[i].w;
    continuing {
      break if !nextTurn(&items);
    }
  }
}
