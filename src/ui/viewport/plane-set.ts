// Translucent planes z = const (e.g. a calorimeter's layers), one mesh and one outline per group.
// Drawn first and never writing depth, so every particle shows in front of or through them: the
// planes are context, the particles the data. They stay in the opaque list (transparent = false,
// which three draws before transparent objects) and blend through CustomBlending, whose default
// factors are the usual src-alpha / one-minus-src-alpha.
import {
  Color,
  CustomBlending,
  DoubleSide,
  Float32BufferAttribute,
  BufferGeometry,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
} from 'three/webgpu';
import type { PlaneGroup } from '../../sims/types';

/** Before the particles (0) and trails (-1) in three's render order. */
const PLANE_ORDER = -2;

export interface PlaneSet {
  group: Group;
  dispose(): void;
}

/** The group's square corners (x0, x1, y0, y1) about its centre. */
function extent(g: PlaneGroup): [number, number, number, number] {
  const h = g.halfWidth;
  const cx = g.centerX ?? 0;
  return [cx - h, cx + h, -h, h];
}

function squares(g: PlaneGroup): number[] {
  const [a, b, c, d] = extent(g);
  return g.z.flatMap((z) => [a, c, z, b, c, z, b, d, z, a, c, z, b, d, z, a, d, z]);
}

function outlines(g: PlaneGroup): number[] {
  const [a, b, c, d] = extent(g);
  return g.z.flatMap((z) => [a, c, z, b, c, z, b, c, z, b, d, z, b, d, z, a, d, z, a, d, z, a, c, z]);
}

export function planeSet(groups: readonly PlaneGroup[]): PlaneSet {
  const group = new Group();
  const disposables: { dispose(): void }[] = [];
  for (const g of groups) {
    if (g.z.length === 0) continue;
    const color = new Color().setRGB(...g.color); // linear rgb: three's working colour space
    const faces = new BufferGeometry();
    faces.setAttribute('position', new Float32BufferAttribute(squares(g), 3));
    const fill = new MeshBasicMaterial({ color, opacity: g.opacity, side: DoubleSide, blending: CustomBlending, depthWrite: false });
    const mesh = new Mesh(faces, fill);
    mesh.renderOrder = PLANE_ORDER;
    mesh.name = g.label;
    const edges = new BufferGeometry();
    edges.setAttribute('position', new Float32BufferAttribute(outlines(g), 3));
    // The rims stay visible where a plane is seen edge-on or its fill is faint.
    const rim = new LineBasicMaterial({ color, opacity: Math.min(1, 0.2 + 2 * g.opacity), blending: CustomBlending, depthWrite: false });
    const lines = new LineSegments(edges, rim);
    lines.renderOrder = PLANE_ORDER;
    group.add(mesh, lines);
    disposables.push(faces, fill, edges, rim);
  }
  return {
    group,
    dispose: () => {
      for (const d of disposables) d.dispose();
    },
  };
}
