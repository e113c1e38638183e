// Cell list, pass 1: bin every particle and take its rank within the cell (counting sort).
// PER_THREAD particles per invocation.
struct CountParams {
  n: u32,
  cellsPerSide: u32,
  invCellW: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> u: CountParams;
@group(0) @binding(1) var<storage, read> pos: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> cellCount: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> cellOf: array<u32>;
@group(0) @binding(4) var<storage, read_write> rankInCell: array<u32>;

@compute @workgroup_size(WG)
fn countCells(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var items = spreadItems(gid, nwg);
  loop {
    let i = item(items);
    if (i >= u.n) { return; }
    let c = cellIndex(cellCoord(pos[i].xy, u.cellsPerSide, u.invCellW), u.cellsPerSide);
    cellOf[i] = c;
    rankInCell[i] = atomicAdd(&cellCount[c], 1u);
    continuing {
      break if !nextTurn(&items);
    }
  }
}
