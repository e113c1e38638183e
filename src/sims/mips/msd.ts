// Free-particle mean squared displacement (science.md §2), d = 2.

/** AOUP: MSD(t) = 2 d Dt t + 2 d v0² (γ t − 1 + e^{−γ t}) / γ². */
export function msdAoup(t: number, v0: number, gamma: number, Dt: number, d = 2): number {
  const active = gamma > 0 ? (2 * d * v0 * v0 * (gamma * t - 1 + Math.exp(-gamma * t))) / (gamma * gamma) : d * v0 * v0 * t * t;
  return 2 * d * Dt * t + active;
}

/** ABP (d = 2): MSD(t) = 4 Dt t + 2 v0² (Dr t − 1 + e^{−Dr t}) / Dr². */
export function msdAbp(t: number, v0: number, Dr: number, Dt: number): number {
  const active = Dr > 0 ? (2 * v0 * v0 * (Dr * t - 1 + Math.exp(-Dr * t))) / (Dr * Dr) : v0 * v0 * t * t;
  return 4 * Dt * t + active;
}
