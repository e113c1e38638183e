// A colour map's colour at t in [0, 1] (clamped), linear rgb, interpolated between the table's
// entries. COLORMAP_SIZE and the *_MAP rows come from gpu/colormap.ts; the kernel binds
//   var<storage, read> colormaps: array<vec4f>;
fn colormap(map: u32, t: f32) -> vec3f {
  let k = clamp(t, 0.0, 1.0) * f32(COLORMAP_SIZE - 1u);
  let k0 = min(u32(floor(k)), COLORMAP_SIZE - 2u);
  let row = map * COLORMAP_SIZE;
  return mix(colormaps[row + k0].rgb, colormaps[row + k0 + 1u].rgb, k - f32(k0));
}
