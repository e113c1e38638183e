// Verlet list build (indirect dispatch: only on steps that rebuild), after the cell list of width
// r_c + skin has copied the state into cell order (sorted*, each cell in id order):
//  - the cell-ordered state becomes the main state (pos, body; and xyOut, the positions the step
//    reads), which keeps neighbours close in memory;
//  - each particle lists the slots of the particles within r_c + skin in ascending id (rank by
//    id among them: the force step's sums then have one order whatever the build);
//  - xBuild keeps the positions of this build for the rebuild decision.
// More than `capacity` neighbours: the list keeps `capacity` of them and status records the
// count and the step (sample() reports it as a problem; the pairs left out are not summed).
struct BuildParams {
  n: u32,
  capacity: u32,
  cellsPerSide: u32,
  _pad: u32,
  boxL: f32,
  invCellW: f32,
  listCut2: f32, // (r_c + skin)^2
  _pad2: f32,
}

// One cell holds every particle (box < 3 list cutoffs): all pairs, minimum image.
override ALL_PAIRS: bool = false;

// Candidates kept per particle while ranking; capacity <= CANDIDATES (params.ts).
const CANDIDATES: u32 = 64u;

@group(0) @binding(0) var<uniform> u: BuildParams;
@group(0) @binding(1) var<storage, read> sortedPos: array<vec4f>;
@group(0) @binding(2) var<storage, read> sortedBody: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> pos: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> body: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> xyOut: array<vec2f>;
@group(0) @binding(6) var<storage, read_write> xBuild: array<vec2f>;
// Slot of neighbour t of s at t * n + s; the count of s at capacity * n + s.
@group(0) @binding(7) var<storage, read_write> neighbours: array<u32>;
@group(0) @binding(9) var<storage, read_write> status: ListStatus;
@group(0) @binding(11) var<storage, read> clock: array<u32>;

var<private> candidateId: array<f32, CANDIDATES>;
var<private> candidateSlot: array<u32, CANDIDATES>;

// Appends slot j (id) to the candidates when it is in range; returns the new count. Branch-free:
// the entry at `count` is written either way and overwritten when it was not taken.
fn consider(count: u32, j: u32, id: f32, inRange: bool) -> u32 {
  let w = min(count, CANDIDATES - 1u);
  candidateId[w] = id;
  candidateSlot[w] = j;
  return count + select(0u, 1u, inRange);
}

// Neighbours of the particle in slot s at x, into the candidates; returns how many there are.
fn gatherCandidates(s: u32, x: vec2f) -> u32 {
  let cut2 = u.listCut2;
  var count = 0u;
  if (ALL_PAIRS) {
    for (var j = 0u; j < u.n; j++) {
      let q = sortedPos[j];
      let d = minImage(x - q.xy, u.boxL);
      count = consider(count, j, q.w, dot(d, d) < cut2 && j != s);
    }
    return count;
  }
  let st = cellStencil(x, u.cellsPerSide, u.invCellW, u.boxL);
  var t = 0u;
  loop { // st.end >= 1: the particle's own cell holds it
    let c = stencilSlot(st, t);
    let q = sortedPos[c.slot];
    let d = x - (q.xy + c.shift);
    count = consider(count, c.slot, q.w, dot(d, d) < cut2 && c.slot != s);
    t++;
    continuing {
      break if t >= st.end;
    }
  }
  return count;
}

// Two entry points, so that each binds at most 6 storage buffers (WebGPU's default limit is 8).
@compute @workgroup_size(WG)
fn adoptOrder(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var items = blockItems(gid, nwg);
  loop {
    let s = item(items);
    if (s >= u.n) { break; }
    let p = sortedPos[s];
    pos[s] = p;
    body[s] = sortedBody[s];
    xyOut[s] = p.xy;
    xBuild[s] = p.xy;
    continuing {
      break if !nextTurn(&items);
    }
  }
}

@compute @workgroup_size(WG)
fn buildNeighbours(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = u.n;
  let capacity = u.capacity;
  var most = 0u;
  var items = blockItems(gid, nwg);
  loop {
    let s = item(items);
    if (s >= n) { break; }
    let count = gatherCandidates(s, sortedPos[s].xy);
    let kept = min(count, CANDIDATES);
    for (var a = 0u; a < kept; a++) {
      let id = candidateId[a];
      var rank = 0u;
      for (var b = 0u; b < kept; b++) { rank += select(0u, 1u, candidateId[b] < id); }
      neighbours[min(rank, capacity - 1u) * n + s] = candidateSlot[a];
    }
    neighbours[capacity * n + s] = min(count, capacity);
    most = max(most, count);
    continuing {
      break if !nextTurn(&items);
    }
  }
  atomicMax(&status.most, most);
  if (most > capacity) { atomicMin(&status.overflowStep, clock[0]); }
  if (threadIndex(gid, nwg) == 0u) { status.rebuilds += 1u; }
}
