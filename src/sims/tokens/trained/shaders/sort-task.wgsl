// The sort task, generated on the GPU: per set, k symbols uniform in [0, vocab) from the
// counter-based RNG keyed by (set, step, seed, stream); the target at position i is the i-th
// smallest symbol of the set. Positions (0 … k−1) are written too: the position embedding's row.
// Needs gpu/shaders/threads.wgsl and gpu/shaders/rng.wgsl before it.

struct Params { sets: u32, k: u32, vocab: u32, step: u32, seed: u32, stream: u32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read_write> symbols: array<f32>;
@group(0) @binding(2) var<storage, read_write> positions: array<f32>;
@group(0) @binding(3) var<storage, read_write> targets: array<f32>;

// Counter indices per set: k ≤ 4 · SLOTS.
const SLOTS = 64u;

@compute @workgroup_size(WG)
fn sortBatch(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = threadIndex(id, nwg);
  if (p >= u.sets) { return; }
  let base = p * u.k;
  for (var i = 0u; i < u.k; i += 4u) {
    let r = uniform4(p * SLOTS + i / 4u, u.step, u.seed, u.stream);
    for (var e = 0u; e < 4u; e++) {
      if (i + e < u.k) {
        symbols[base + i + e] = min(floor(r[e] * f32(u.vocab)), f32(u.vocab - 1u)); // u01 rounds to 1 in f32 once in 2^25
        positions[base + i + e] = f32(i + e);
      }
    }
  }
  // A counting sort: each value, as many times as it occurs (O(vocab · k), no private arrays).
  var filled = 0u;
  for (var v = 0u; v < u.vocab; v++) {
    for (var j = 0u; j < u.k; j++) {
      if (u32(symbols[base + j]) == v) {
        targets[base + filled] = f32(v);
        filled++;
      }
    }
  }
}
