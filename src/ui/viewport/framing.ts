// Where the 3-D camera starts. Roughly cubic bounds keep the lab's usual oblique view. A long thin
// box (e.g. a calorimeter, ±150 mm across and 1300 mm deep) seen that way would be viewed nearly
// down its long axis and small; it is seen from the side instead, and the camera is moved in until
// the box's eight corners fill the view.
import { Vector3 } from 'three/webgpu';

export interface Framing {
  /** Camera position (the target is the bounds' centre). */
  position: Vector3;
  /** The bounds' largest extent (sets near and far). */
  size: number;
}

/** Longest over second-longest extent above which bounds count as long and thin. */
const ELONGATED = 2;
/** Fraction of the view the box may fill. */
const FILL = 0.85;

export function frameBounds(
  bounds: { min: readonly [number, number, number]; max: readonly [number, number, number] },
  fovDeg: number,
  aspect: number,
): Framing {
  const min = new Vector3(...bounds.min);
  const max = new Vector3(...bounds.max);
  const center = min.clone().add(max).multiplyScalar(0.5);
  const extent = [max.x - min.x, max.y - min.y, max.z - min.z];
  const size = Math.max(...extent);
  const order = [0, 1, 2].sort((a, b) => extent[b]! - extent[a]!);
  const [longest, second] = [extent[order[0]!]!, extent[order[1]!]!];
  const oblique = new Vector3(0.9, 0.6, 1.4);
  if (!(longest > ELONGATED * second)) return { position: center.clone().addScaledVector(oblique, size), size };

  // From the side: a small component along the long axis keeps its ends readable as 3-D.
  const dir = oblique.clone();
  dir.setComponent(order[0]!, 0.2 * dir.getComponent(order[0]!));
  // A long z axis (a beam) runs left to right on screen: view from −x.
  if (order[0] === 2) dir.x = -dir.x;
  dir.normalize();
  const up = Math.abs(dir.y) > 0.99 ? new Vector3(0, 0, 1) : new Vector3(0, 1, 0);
  const right = up.clone().cross(dir).normalize();
  const camUp = dir.clone().cross(right);
  const tanV = Math.tan((fovDeg * Math.PI) / 360) * FILL;
  const tanH = tanV * Math.max(aspect, 1e-3);
  let distance = 0;
  for (let c = 0; c < 8; c++) {
    const corner = new Vector3(c & 1 ? max.x : min.x, c & 2 ? max.y : min.y, c & 4 ? max.z : min.z).sub(center);
    const toward = corner.dot(dir);
    distance = Math.max(distance, toward + Math.abs(corner.dot(right)) / tanH, toward + Math.abs(corner.dot(camUp)) / tanV);
  }
  return { position: center.clone().addScaledVector(dir, distance), size };
}
