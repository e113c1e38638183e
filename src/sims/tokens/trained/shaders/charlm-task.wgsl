// The character language-model task, read on the GPU from the corpus (one symbol per character):
// training windows start at a uniform offset in [first, first + span) from the counter-based RNG
// keyed by (set, step, seed, stream); held-out windows (span = 0) start at first + set · stride.
// At position i the input is the window's i-th character and the target the next one.
// Needs gpu/shaders/threads.wgsl and gpu/shaders/rng.wgsl before it.

struct Params { sets: u32, k: u32, first: u32, span: u32, stride: u32, step: u32, seed: u32, stream: u32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> corpus: array<f32>;
@group(0) @binding(2) var<storage, read_write> symbols: array<f32>;
@group(0) @binding(3) var<storage, read_write> positions: array<f32>;
@group(0) @binding(4) var<storage, read_write> targets: array<f32>;

@compute @workgroup_size(WG)
fn charBatch(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = threadIndex(id, nwg);
  if (t >= u.sets * u.k) { return; }
  let p = t / u.k;
  let i = t % u.k;
  var start = u.first + p * u.stride;
  if (u.span > 0u) {
    // Every token of the set draws the same counter, so the set shares one offset.
    let r = uniform4(p, u.step, u.seed, u.stream).x;
    start = u.first + min(u32(r * f32(u.span)), u.span - 1u);
  }
  symbols[t] = corpus[start + i];
  positions[t] = f32(i);
  targets[t] = corpus[start + i + 1u];
}
