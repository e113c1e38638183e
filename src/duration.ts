// Seconds as people read a duration: "12 s", "3.5 min"; "–" when unknown.
export function formatSeconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '–';
  return s < 90 ? `${Math.max(0, s).toFixed(0)} s` : `${(s / 60).toFixed(1)} min`;
}
