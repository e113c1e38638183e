// CPU mirror of src/gpu/shaders/rng.wgsl (pcg4d), for float64 references that replay the GPU's noise.

export function pcg4d(x: number, y: number, z: number, w: number): [number, number, number, number] {
  let a = (Math.imul(x, 1664525) + 1013904223) >>> 0;
  let b = (Math.imul(y, 1664525) + 1013904223) >>> 0;
  let c = (Math.imul(z, 1664525) + 1013904223) >>> 0;
  let d = (Math.imul(w, 1664525) + 1013904223) >>> 0;
  for (let round = 0; round < 2; round++) {
    a = (a + Math.imul(b, d)) >>> 0;
    b = (b + Math.imul(c, a)) >>> 0;
    c = (c + Math.imul(a, b)) >>> 0;
    d = (d + Math.imul(b, c)) >>> 0;
    if (round === 0) {
      a = (a ^ (a >>> 16)) >>> 0;
      b = (b ^ (b >>> 16)) >>> 0;
      c = (c ^ (c >>> 16)) >>> 0;
      d = (d ^ (d >>> 16)) >>> 0;
    }
  }
  return [a, b, c, d];
}

export function u01(x: number): number {
  return ((x >>> 8) + 0.5) / 16777216;
}

/** Same four normals as WGSL normal4(index, step, seed, stream) (up to float32 rounding). */
export function normal4(index: number, step: number, seed: number, stream: number): [number, number, number, number] {
  const [r0, r1, r2, r3] = pcg4d(index, step, seed, stream);
  const rad1 = Math.sqrt(-2 * Math.log(u01(r0)));
  const rad2 = Math.sqrt(-2 * Math.log(u01(r2)));
  const a1 = 2 * Math.PI * u01(r1);
  const a2 = 2 * Math.PI * u01(r3);
  return [rad1 * Math.cos(a1), rad1 * Math.sin(a1), rad2 * Math.cos(a2), rad2 * Math.sin(a2)];
}

export function uniform4(index: number, step: number, seed: number, stream: number): [number, number, number, number] {
  const r = pcg4d(index, step, seed, stream);
  return [u01(r[0]), u01(r[1]), u01(r[2]), u01(r[3])];
}
