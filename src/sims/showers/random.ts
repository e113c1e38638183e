// Seeded CPU random numbers for the shower generators: xoshiro128** seeded through splitmix32, with
// normal, exponential and gamma draws. Integer arithmetic only in the core, so a seed gives the same
// stream on every run; `forShower` derives independent streams so shower i is the same however a
// batch is split (between Web Workers, say).

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) >>> 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** Second Box–Muller normal, kept for the next call. */
  private spare: number | null = null;

  constructor(seed: number) {
    let state = seed >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, word] = splitmix32(state);
      state = next;
      words.push(word);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The stream of shower `index` in a run seeded `seed`. */
  static forShower(seed: number, index: number): Rng {
    return new Rng(splitmix32((seed ^ splitmix32(index >>> 0)[1]) >>> 0)[1]);
  }

  /** Next 32-bit word (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on the open interval (0, 1). */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(this.uniform());
  }

  /** Gamma(shape k, scale θ): mean kθ, variance kθ² (Marsaglia–Tsang; k < 1 through k + 1 and U^{1/k}). */
  gamma(shape: number, scale: number): number {
    if (!(shape > 0)) return 0;
    if (shape < 1) return this.gamma(shape + 1, scale) * Math.exp(Math.log(this.uniform()) / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      if (Math.log(this.uniform()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  }

  /** An integer with mean `x`: ⌊x⌋ plus one with probability x − ⌊x⌋ (the least-variance unbiased rounding). */
  roundStochastic(x: number): number {
    const floor = Math.floor(x);
    return floor + (this.uniform() < x - floor ? 1 : 0);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
