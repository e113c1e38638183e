// The shower axis through the layer stack: where it crosses each layer's active plane and how much
// material (in X0, along the axis) lies in front of and behind each layer.
import type { Detector } from './detector';

export interface AxisRequest {
  /** Polar angle to the stack axis z and azimuth, radians (θ < π/2). */
  theta: number;
  phi: number;
  /** Entry point on the front face, mm. */
  x: number;
  y: number;
}

export interface Axis {
  /** Unit direction. */
  n: [number, number, number];
  /**
   * Two unit vectors u, v spanning the plane transverse to n, carried along n onto a layer plane
   * (x, y): a transverse offset r (cos ψ u + sin ψ v) lands at r (cos ψ planeU + sin ψ planeV) from
   * the axis crossing, stretched by 1/cos θ along the azimuth φ.
   */
  planeU: [number, number];
  planeV: [number, number];
  /** Per layer: material budget (X0 along the axis) from the front face to its front and back faces. */
  tIn: Float64Array;
  tOut: Float64Array;
  /** Per layer: where the axis crosses the middle of its active slab, mm. */
  x: Float64Array;
  y: Float64Array;
}

export function traceAxis(detector: Detector, request: AxisRequest): Axis {
  const { theta, phi } = request;
  if (!(theta >= 0 && theta < Math.PI / 2)) throw new RangeError(`traceAxis: theta = ${theta} must lie in [0, π/2)`);
  const [st, ct, sp, cp] = [Math.sin(theta), Math.cos(theta), Math.sin(phi), Math.cos(phi)];
  const count = detector.layers.length;
  const axis: Axis = {
    n: [st * cp, st * sp, ct],
    // u = (cos θ cos φ, cos θ sin φ, −sin θ) moved by −(u_z/n_z) n; v = (−sin φ, cos φ, 0) lies in the plane.
    planeU: [cp / ct, sp / ct],
    planeV: [-sp, cp],
    tIn: new Float64Array(count),
    tOut: new Float64Array(count),
    x: new Float64Array(count),
    y: new Float64Array(count),
  };
  let t = 0;
  detector.layers.forEach((layer, i) => {
    axis.tIn[i] = t;
    t += layer.x0 / ct; // a slab of thickness d is crossed over d / cos θ
    axis.tOut[i] = t;
    const reach = (layer.zActive - detector.front) * (st / ct);
    axis.x[i] = request.x + reach * cp;
    axis.y[i] = request.y + reach * sp;
  });
  return axis;
}

/** First layer whose back face lies deeper than t (X0 along the axis); −1 beyond the stack. */
export function layerAtDepth(axis: Axis, t: number): number {
  for (let i = 0; i < axis.tOut.length; i++) if (axis.tOut[i]! > t) return i;
  return -1;
}
