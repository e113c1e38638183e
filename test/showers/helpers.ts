// Small statistics helpers for the shower tests.

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample standard deviation (n − 1). */
export function sd(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

export function standardError(xs: ArrayLike<number>): number {
  return sd(xs) / Math.sqrt(xs.length);
}

/** Weighted least squares y = a + b x with σ_y; returns a, b and their standard errors. */
export function fitLine(x: number[], y: number[], sigma: number[]) {
  let [S, Sx, Sy, Sxx, Sxy] = [0, 0, 0, 0, 0];
  x.forEach((xi, i) => {
    const w = 1 / sigma[i]! ** 2;
    S += w;
    Sx += w * xi;
    Sy += w * y[i]!;
    Sxx += w * xi * xi;
    Sxy += w * xi * y[i]!;
  });
  const D = S * Sxx - Sx * Sx;
  return { a: (Sxx * Sy - Sx * Sxy) / D, b: (S * Sxy - Sx * Sy) / D, sigmaA: Math.sqrt(Sxx / D), sigmaB: Math.sqrt(S / D) };
}

/** Standard normal density. */
export function phi(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}
