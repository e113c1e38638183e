// Read access to a built cell list (binding 10, the same in every consumer).
// Particles of cell c occupy sorted slots [cellStart(c), cellStart(c + 1)).
@group(0) @binding(10) var<storage, read> cellStarts: array<u32>;

fn cellStart(c: u32) -> u32 {
  return cellStarts[c];
}
