// Draws the propulsion state of every particle from the stationary law, keyed on its id:
// AOUP g ~ N(0, I); ABP theta ~ U(-pi, pi). Displacements (MSD origin) are zeroed.
struct InitParams {
  n: u32,
  seed: u32,
  model: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> u: InitParams;
@group(0) @binding(1) var<storage, read> pos: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> body: array<vec4f>;

const INIT_STREAM: u32 = 7u;

@compute @workgroup_size(WG)
fn initPropulsion(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  if (s >= u.n) { return; }
  let id = u32(pos[s].w);
  var p: vec2f;
  if (u.model == 1u) {
    p = vec2f(6.283185307179586 * (uniform4(id, 0xffffffffu, u.seed, INIT_STREAM).x - 0.5), 0.0);
  } else {
    p = normal4(id, 0xffffffffu, u.seed, INIT_STREAM).xy;
  }
  body[s] = vec4f(p, 0.0, 0.0); // the MSD origin restarts here
}
