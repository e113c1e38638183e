// Axis-aligned boxes pulled from storage buffers (e.g. calorimeter cells), BOXES_PER_INSTANCE per
// instance for the same reason as disc-batch.ts: CPU rasterisers pay a fixed cost per instance.
// The geometry holds BOXES_PER_INSTANCE unit cubes; the vertex shader scales and moves cube k of
// instance j to item j * BOXES_PER_INSTANCE + k, read from the storage mirror on the GPU.
import { BoxGeometry, BufferAttribute, BufferGeometry, Float32BufferAttribute, Mesh, MeshBasicNodeMaterial } from 'three/webgpu';
import {
  abs,
  cameraProjectionMatrix,
  cameraViewMatrix,
  dot,
  float,
  instanceIndex,
  modelWorldMatrix,
  normalGeometry,
  normalize,
  positionGeometry,
  select,
  uint,
  varying,
  vec3,
  vec4,
  vertexIndex,
} from 'three/tsl';
import { ITEMS_PER_INSTANCE, type IndexNode, type ItemStyle } from './item-style';

export const BOXES_PER_INSTANCE = ITEMS_PER_INSTANCE;

export interface BoxStyle extends ItemStyle {
  /** Every box's extent along z, world units. */
  depth: number;
}

/** BOXES_PER_INSTANCE unit cubes (24 vertices, 36 indices each) in one indexed geometry. */
function cubes(): BufferGeometry {
  const cube = new BoxGeometry(1, 1, 1);
  const pos = cube.getAttribute('position');
  const nrm = cube.getAttribute('normal');
  const idx = cube.getIndex();
  if (!idx) throw new Error('BoxGeometry without an index');
  const nv = pos.count;
  const ni = idx.count;
  const positions = new Float32Array(BOXES_PER_INSTANCE * nv * 3);
  const normals = new Float32Array(BOXES_PER_INSTANCE * nv * 3);
  const indices = new Uint32Array(BOXES_PER_INSTANCE * ni);
  for (let b = 0; b < BOXES_PER_INSTANCE; b++) {
    positions.set(pos.array, b * nv * 3);
    normals.set(nrm.array, b * nv * 3);
    for (let k = 0; k < ni; k++) indices[b * ni + k] = b * nv + idx.getX(k);
  }
  cube.dispose();
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
  geometry.setAttribute('normal', new Float32BufferAttribute(normals, 3));
  geometry.setIndex(new BufferAttribute(indices, 1));
  return geometry;
}

/** `count` boxes in one draw of ceil(count / BOXES_PER_INSTANCE) instances. */
export function boxBatch(count: number, material: MeshBasicNodeMaterial, style: BoxStyle): Mesh {
  const geometry = cubes();
  const perBox = geometry.getAttribute('position').count / BOXES_PER_INSTANCE;

  // In an indexed draw vertexIndex is the index value: cube k's vertices are k * perBox … + perBox - 1.
  const item = instanceIndex.mul(BOXES_PER_INSTANCE).add(uint(vertexIndex).div(perBox));
  const valid = item.lessThan(uint(count));
  const i = select(valid, item, uint(0)) as unknown as IndexNode;
  const size = select(valid, style.size(i), float(0));
  // A hidden box collapses to its centre (all triangles degenerate, nothing rasterised).
  const depth = select(size.greaterThan(0), float(style.depth), float(0));
  const corner = positionGeometry.mul(vec3(size, size, depth));
  const world = modelWorldMatrix.mul(vec4(style.center(i).xyz.add(corner), 1));
  material.vertexNode = cameraProjectionMatrix.mul(cameraViewMatrix.mul(world));

  // Lambert from a fixed world direction, flat per face (the normal is constant over a face). Two-sided
  // (abs): opposite faces match, and the three axes differ, so any three faces an orbit shows differ.
  const light = normalize(vec3(0.2, 0.9, 0.5));
  const shade = float(0.5).add(abs(dot(normalGeometry, light)).mul(0.5));
  const rgba = varying(style.color(i));
  material.colorNode = rgba.xyz.mul(varying(shade));
  material.opacityNode = rgba.w;

  const mesh = new Mesh(geometry, material);
  mesh.count = Math.max(1, Math.ceil(count / BOXES_PER_INSTANCE));
  mesh.frustumCulled = false;
  return mesh;
}
