// Invocation numbering of 1-D work over a 2-D grid of workgroups, and the loop over PER_THREAD items
// per invocation. The host side is src/gpu/dispatch.ts (gridFor sizes the grid, itemsPerThread
// picks PER_THREAD).

// Invocations per workgroup of the 1-D kernels (WORKGROUP_SIZE in src/gpu/dispatch.ts).
const WG: u32 = 64u;

// Items per invocation of the kernels that loop over items: 1 on GPUs; more on CPU
// implementations (SwiftShader runs 4 invocations per SIMD call and pays a fixed cost per call
// that a loop over several items amortises).
override PER_THREAD: u32 = 1u;

// Index of an invocation of a `size`-wide kernel: past 65535 workgroups the work splits into rows
// of num_workgroups.x workgroups (gridFor).
fn threadIndexOf(gid: vec3u, nwg: vec3u, size: u32) -> u32 {
  return gid.x + gid.y * nwg.x * size;
}

fn threadIndex(gid: vec3u, nwg: vec3u) -> u32 {
  return threadIndexOf(gid, nwg, WG);
}

// Index of a workgroup in the same numbering, for kernels with one result per workgroup.
fn workgroupIndex(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.x + wid.y * nwg.x;
}

// The items of one invocation: turn k (< PER_THREAD) takes item first + k * step. A kernel walks
// them as a do-while (SwiftShader runs a for loop's body once more, masked, when the condition
// fails), items growing with the turn:
//   var items = spreadItems(gid, nwg);
//   loop {
//     let i = item(items);
//     if (i >= n) { break; }
//     ...
//     continuing { break if !nextTurn(&items); }
//   }
struct ItemLoop {
  first: u32,
  step: u32,
  turn: u32,
}

// Items t, t + T, t + 2T, ... of invocation t (T invocations in the dispatch): on every turn
// neighbouring invocations touch neighbouring items.
fn spreadItems(gid: vec3u, nwg: vec3u) -> ItemLoop {
  return ItemLoop(threadIndex(gid, nwg), nwg.x * nwg.y * WG, 0u);
}

// For kernels whose items have neighbours in memory: each SIMD call of 4 invocations walks
// 4 * PER_THREAD consecutive items, 4 adjacent ones per turn, so a CPU core stays on one stretch
// of memory (measured: the Verlet step ~20% faster on SwiftShader). Equals spreadItems when
// PER_THREAD = 1.
fn blockItems(gid: vec3u, nwg: vec3u) -> ItemLoop {
  let t = threadIndex(gid, nwg);
  return ItemLoop((t & ~3u) * PER_THREAD + (t & 3u), 4u, 0u);
}

fn item(items: ItemLoop) -> u32 {
  return items.first + items.turn * items.step;
}

// Moves to the next turn; false once PER_THREAD turns are done.
fn nextTurn(items: ptr<function, ItemLoop>) -> bool {
  (*items).turn += 1u;
  return (*items).turn < PER_THREAD;
}
