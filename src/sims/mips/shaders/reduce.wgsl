// Sums the per-workgroup partials of observe() (pairs of vec4f) in one workgroup.
struct ReduceParams {
  groups: u32,
  _a: u32,
  _b: u32,
  _c: u32,
}

@group(0) @binding(0) var<uniform> u: ReduceParams;
@group(0) @binding(1) var<storage, read> partial: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> total: array<vec4f>;

@compute @workgroup_size(WG)
fn reducePartials(@builtin(local_invocation_id) lid: vec3u) {
  var a = vec4f(0.0);
  var b = vec4f(0.0);
  for (var w = lid.x; w < u.groups; w += WG) {
    a += partial[2u * w];
    b += partial[2u * w + 1u];
  }
  workgroupSum2(lid.x, a, b);
  if (lid.x == 0u) {
    total[0] = sumA[0];
    total[1] = sumB[0];
  }
}
