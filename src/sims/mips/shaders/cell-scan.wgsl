// Cell list, pass 2: exclusive prefix sum of the cell counts -> absolute cell starts, without
// workgroup barriers (they are costly on CPU implementations such as SwiftShader):
//   sumChunks:   one thread per chunk of 64 cells sums its counts;
//   scanChunks:  one thread scans the chunk totals in place (M / 64 entries);
//   startCells:  one thread per chunk writes cellStart = chunk offset + running sum and zeroes
//                the counts, so the next build needs no clear.
// scanSerial does all three in one thread: one dispatch instead of three, for builds on CPU
// implementations where a dispatch costs more than a serial pass over the cells (verlet.ts).
const SCAN_CHUNK: u32 = 64u;

struct ScanParams {
  entries: u32,
  chunks: u32,
  _a: u32,
  _b: u32,
}

@group(0) @binding(0) var<uniform> u: ScanParams;
@group(0) @binding(1) var<storage, read_write> cellCount: array<u32>;
@group(0) @binding(2) var<storage, read_write> chunkTotal: array<u32>;
@group(0) @binding(3) var<storage, read_write> cellStartOut: array<u32>;

@compute @workgroup_size(WG)
fn sumChunks(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = threadIndex(gid, nwg);
  if (t >= u.chunks) { return; }
  let end = min((t + 1u) * SCAN_CHUNK, u.entries);
  var sum = 0u;
  for (var c = t * SCAN_CHUNK; c < end; c++) { sum += cellCount[c]; }
  chunkTotal[t] = sum;
}

@compute @workgroup_size(1)
fn scanChunks() {
  var running = 0u;
  for (var t = 0u; t < u.chunks; t++) {
    let s = chunkTotal[t];
    chunkTotal[t] = running;
    running += s;
  }
}

@compute @workgroup_size(WG)
fn startCells(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = threadIndex(gid, nwg);
  if (t >= u.chunks) { return; }
  let end = min((t + 1u) * SCAN_CHUNK, u.entries);
  var running = chunkTotal[t];
  for (var c = t * SCAN_CHUNK; c < end; c++) {
    cellStartOut[c] = running;
    running += cellCount[c];
    cellCount[c] = 0u;
  }
}

@compute @workgroup_size(1)
fn scanSerial() {
  var running = 0u;
  for (var c = 0u; c < u.entries; c++) {
    cellStartOut[c] = running;
    running += cellCount[c];
    cellCount[c] = 0u;
  }
}
