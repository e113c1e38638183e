// Advances the step counter that keys the noise (one thread, end of every step).
@group(0) @binding(0) var<storage, read_write> clock: array<u32>;

@compute @workgroup_size(1)
fn tick() {
  clock[0] = clock[0] + 1u;
}
