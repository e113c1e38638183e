// Hits → what the viewport draws: each hit becomes a cell box at its layer's depth, its size the
// layer's cell pitch, coloured by log10 of its visible energy through a colour-map table.
// Needs gpu/shaders/threads.wgsl (WG, the invocation numbering) and gpu/shaders/colormap.wgsl.

struct CellParams {
  count: u32,
  capacity: u32,
  // log10 of the visible energies (GeV) at the two ends of the colour map.
  logLow: f32,
  logHigh: f32,
  map: u32,      // row of the colour map
}

@group(0) @binding(0) var<uniform> cellParams: CellParams;
// x, y (mm), layer index, visible energy (GeV).
@group(0) @binding(1) var<storage, read> hits: array<vec4f>;
// Per layer: z of the active slab's middle (mm), cell pitch (mm).
@group(0) @binding(2) var<storage, read> layerGeometry: array<vec2f>;
@group(0) @binding(3) var<storage, read> colormaps: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> positions: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> colors: array<vec4f>;

@compute @workgroup_size(WG)
fn cellsFromHits(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(id, nwg);
  if (i >= cellParams.capacity) { return; }
  if (i >= cellParams.count) {
    // Size 0 hides the slots past this shower's hits.
    positions[i] = vec4f(0.0);
    colors[i] = vec4f(0.0);
    return;
  }
  let hit = hits[i];
  let geometry = layerGeometry[u32(hit.z)];
  positions[i] = vec4f(hit.x, hit.y, geometry.x, geometry.y);
  let u = (log(max(hit.w, 1e-30)) / log(10.0) - cellParams.logLow) / (cellParams.logHigh - cellParams.logLow);
  colors[i] = vec4f(colormap(cellParams.map, u), 1.0);
}
