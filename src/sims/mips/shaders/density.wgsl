// Local density field on coarse bins (blocks of cells) and its histogram.
// Packing fraction of bin b = (particles in b) * particle area / (area of b).
struct DensityParams {
  cellsPerSide: u32,
  cellsPerBin: u32,   // bin side, in cells
  binsPerSide: u32,
  histogramBins: u32,
  cellArea: f32,
  particleArea: f32,
  histogramMax: f32,
  _pad: f32,
}

@group(0) @binding(0) var<uniform> u: DensityParams;
@group(0) @binding(1) var<storage, read_write> binDensity: array<f32>;
@group(0) @binding(2) var<storage, read_write> histogram: array<atomic<u32>>;

@compute @workgroup_size(WG)
fn densityField(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let b = threadIndex(gid, nwg);
  if (b >= u.binsPerSide * u.binsPerSide) { return; }
  let bx = b % u.binsPerSide;
  let by = b / u.binsPerSide;
  let x0 = bx * u.cellsPerBin;
  let y0 = by * u.cellsPerBin;
  let x1 = min(x0 + u.cellsPerBin, u.cellsPerSide);
  let y1 = min(y0 + u.cellsPerBin, u.cellsPerSide);
  var count = 0u;
  for (var y = y0; y < y1; y++) {
    let row = y * u.cellsPerSide;
    count += cellStart(row + x1) - cellStart(row + x0);
  }
  let phi = f32(count) * u.particleArea / (f32((x1 - x0) * (y1 - y0)) * u.cellArea);
  binDensity[b] = phi;
  let h = min(u32(phi / u.histogramMax * f32(u.histogramBins)), u.histogramBins - 1u);
  atomicAdd(&histogram[h], 1u);
}
