// Mean and standard error of a correlated time series by block means: successive samples of a
// simulation are correlated, so the naive s/√n understates the error; means of blocks much longer
// than the correlation time are nearly independent, and their spread gives the error of the mean.

export interface BlockEstimate {
  mean: number;
  /** Standard error of the mean from the spread of the block means (s_block / √blocks). */
  se: number;
  /** The block means themselves. */
  blocks: number[];
}

/** Splits `xs` into `blocks` equal consecutive blocks (dropping the remainder at the start). */
export function blockEstimate(xs: readonly number[], blocks: number): BlockEstimate {
  const size = Math.floor(xs.length / blocks);
  if (blocks < 2 || size < 1) throw new Error(`blockEstimate: need at least 2 blocks of 1 sample (got ${xs.length} samples, ${blocks} blocks)`);
  const start = xs.length - size * blocks;
  const means = Array.from({ length: blocks }, (_, b) => {
    let s = 0;
    for (let i = 0; i < size; i++) s += xs[start + b * size + i]!;
    return s / size;
  });
  const mean = means.reduce((a, m) => a + m, 0) / blocks;
  const variance = means.reduce((a, m) => a + (m - mean) ** 2, 0) / (blocks - 1);
  return { mean, se: Math.sqrt(variance / blocks), blocks: means };
}
