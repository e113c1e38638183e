// The 3x3 neighbour cells of a position in a built cell list, as six slot ranges: per row (below,
// at, above), the columns inside the box, then the column wrapped around the x edge (empty unless
// the cell is on an edge). stencilSlot walks them as ONE sequence t = 0 .. end, without branches
// (SwiftShader runs both sides of a branch and a loop as long as any lane needs it).
// Needs sims/mips/shaders/common.wgsl and sims/mips/shaders/cell-access.wgsl.
struct Stencil {
  b0: u32, b1: u32, b2: u32, b3: u32, b4: u32, b5: u32, // first slot of each range
  o1: u32, o2: u32, o3: u32, o4: u32, o5: u32, end: u32, // offsets of ranges 1..5 in t, and the total
  sx: f32,  // x shift of the wrapped column's image
  sy0: f32, // y shift of the row below (wraps at the bottom edge)
  sy2: f32, // y shift of the row above (wraps at the top edge)
}

// A candidate neighbour: its slot and the shift of its periodic image.
struct StencilSlot {
  slot: u32,
  shift: vec2f,
}

fn cellStencil(x: vec2f, cellsPerSide: u32, invCellW: f32, boxL: f32) -> Stencil {
  let m = i32(cellsPerSide);
  let h = cellCoord(x, cellsPerSide, invCellW);
  let lo = u32(max(h.x - 1, 0));
  let hi = u32(min(h.x + 1, m - 1));
  let wraps = h.x == 0 || h.x == m - 1;
  let wc = select(0u, u32(select(0, m - 1, h.x == 0)), wraps);
  let r0 = u32(select(h.y - 1, m - 1, h.y == 0) * m);
  let r1 = u32(h.y * m);
  let r2 = u32(select(h.y + 1, 0, h.y == m - 1) * m);
  let b0 = cellStart(r0 + lo);
  let e0 = cellStart(r0 + hi + 1u);
  let b1 = cellStart(r0 + wc);
  let e1 = select(b1, cellStart(r0 + wc + 1u), wraps);
  let b2 = cellStart(r1 + lo);
  let e2 = cellStart(r1 + hi + 1u);
  let b3 = cellStart(r1 + wc);
  let e3 = select(b3, cellStart(r1 + wc + 1u), wraps);
  let b4 = cellStart(r2 + lo);
  let e4 = cellStart(r2 + hi + 1u);
  let b5 = cellStart(r2 + wc);
  let e5 = select(b5, cellStart(r2 + wc + 1u), wraps);
  let o1 = e0 - b0;
  let o2 = o1 + e1 - b1;
  let o3 = o2 + e2 - b2;
  let o4 = o3 + e3 - b3;
  let o5 = o4 + e4 - b4;
  let end = o5 + e5 - b5;
  return Stencil(b0, b1, b2, b3, b4, b5, o1, o2, o3, o4, o5, end,
    select(boxL, -boxL, h.x == 0), select(0.0, -boxL, h.y == 0), select(0.0, boxL, h.y == m - 1));
}

// Candidate t of the stencil (t < end).
fn stencilSlot(st: Stencil, t: u32) -> StencilSlot {
  var j = st.b0 + t;
  var sh = vec2f(0.0, st.sy0);
  if (t >= st.o1) { j = st.b1 + (t - st.o1); sh = vec2f(st.sx, st.sy0); }
  if (t >= st.o2) { j = st.b2 + (t - st.o2); sh = vec2f(0.0, 0.0); }
  if (t >= st.o3) { j = st.b3 + (t - st.o3); sh = vec2f(st.sx, 0.0); }
  if (t >= st.o4) { j = st.b4 + (t - st.o4); sh = vec2f(0.0, st.sy2); }
  if (t >= st.o5) { j = st.b5 + (t - st.o5); sh = vec2f(st.sx, st.sy2); }
  return StencilSlot(j, sh);
}
