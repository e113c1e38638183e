// Cell list, pass 4: puts the particles of each cell in ascending order of id (the scatter left
// them in the order the atomics of pass 1 happened to run). The order, and every float sum that
// follows it, then depends only on the positions: not on thread scheduling, nor on the previous
// order (an imported state resumes bit for bit).
// placeSorted: per particle, rank = number of ids in its cell below its own (the cell's ids are
// contiguous in slotId), then perm and the state copy go to cell start + rank. A short loop per
// particle, no branches: cheap on SwiftShader as on GPUs.
struct SortParams {
  n: u32,
  cells: u32,
  _b: u32,
  _c: u32,
}

@group(0) @binding(0) var<uniform> u: SortParams;
@group(0) @binding(1) var<storage, read_write> perm: array<u32>;
@group(0) @binding(2) var<storage, read> posIn: array<vec4f>;
@group(0) @binding(3) var<storage, read> bodyIn: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> posOut: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> bodyOut: array<vec4f>;
@group(0) @binding(6) var<storage, read> cellOf: array<u32>;
@group(0) @binding(7) var<storage, read> slotId: array<f32>;

@compute @workgroup_size(WG)
fn placeSorted(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var items = spreadItems(gid, nwg);
  loop {
    let i = item(items);
    if (i >= u.n) { return; }
    let p = posIn[i];
    let c = cellOf[i];
    let begin = cellStart(c);
    let end = cellStart(c + 1u);
    // The cell holds particle i, so end > begin: do-while.
    var rank = 0u;
    var q = begin;
    loop {
      rank += select(0u, 1u, slotId[q] < p.w);
      q++;
      continuing {
        break if q >= end;
      }
    }
    let slot = begin + rank;
    perm[slot] = i;
    posOut[slot] = p;
    bodyOut[slot] = bodyIn[i];
    continuing {
      break if !nextTurn(&items);
    }
  }
}
