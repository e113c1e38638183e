// Tree sum of two vec4f per invocation over the workgroup (observe, reducePartials).
// Call from uniform control flow; the totals are in sumA[0] and sumB[0] afterwards.
var<workgroup> sumA: array<vec4f, WG>;
var<workgroup> sumB: array<vec4f, WG>;

fn workgroupSum2(lid: u32, a: vec4f, b: vec4f) {
  sumA[lid] = a;
  sumB[lid] = b;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half = half >> 1u) {
    if (lid < half) {
      sumA[lid] += sumA[lid + half];
      sumB[lid] += sumB[lid + half];
    }
    workgroupBarrier();
  }
}
