// Camera-facing discs pulled from storage buffers, DISCS_PER_INSTANCE per instance.
// CPU rasterisers (SwiftShader, what machines without a GPU run) pay a fixed cost per instance:
// one instanced sprite per particle took ~25 µs each (16384 particles: ~400 ms a frame). Batching
// discs into few instances removes that cost; on a GPU both ways are equally fast.
import { BufferGeometry, Float32BufferAttribute, Mesh, MeshBasicNodeMaterial } from 'three/webgpu';
import {
  cameraProjectionMatrix,
  cameraViewMatrix,
  float,
  instanceIndex,
  modelWorldMatrix,
  select,
  uint,
  varying,
  vec2,
  vec4,
  vertexIndex,
} from 'three/tsl';
import { ITEMS_PER_INSTANCE, type IndexNode, type ItemStyle } from './item-style';

export const DISCS_PER_INSTANCE = ITEMS_PER_INSTANCE;

export type DiscStyle = ItemStyle;

/** `count` discs in one draw of ceil(count / DISCS_PER_INSTANCE) instances. */
export function discBatch(count: number, material: MeshBasicNodeMaterial, style: DiscStyle): Mesh {
  const geometry = new BufferGeometry();
  // Only its length matters (the vertex count per instance): positions come from vertexNode.
  geometry.setAttribute('position', new Float32BufferAttribute(new Float32Array(DISCS_PER_INSTANCE * 3 * 3), 3));

  const local = uint(vertexIndex);
  const item = instanceIndex.mul(DISCS_PER_INSTANCE).add(local.div(3));
  const valid = item.lessThan(uint(count));
  const i = select(valid, item, uint(0)) as unknown as IndexNode;
  // One triangle per disc (half the vertex work of a quad): the equilateral triangle around the
  // disc's unit square (uv), i.e. around the circle of radius 1/2 centred at (1/2, 1/2).
  const c = local.mod(3);
  const x = select(c.equal(0), float(0.5), select(c.equal(1), float(0.5 - Math.sqrt(3) / 2), float(0.5 + Math.sqrt(3) / 2)));
  const y = select(c.equal(0), float(1.5), float(0));
  const discUv = varying(vec2(x, y));
  const rgba = varying(style.color(i));

  const centreView = cameraViewMatrix.mul(modelWorldMatrix.mul(vec4(style.center(i).xyz, 1)));
  const size = select(valid, style.size(i), float(0));
  const corner = vec2(x, y).sub(0.5).mul(size);
  material.vertexNode = cameraProjectionMatrix.mul(centreView.add(vec4(corner, 0, 0)));
  material.colorNode = rgba.xyz;
  const inside = select(discUv.mul(2).sub(1).lengthSq().greaterThan(1), float(0), float(1));
  material.opacityNode = rgba.w.mul(inside);

  const mesh = new Mesh(geometry, material);
  mesh.count = Math.max(1, Math.ceil(count / DISCS_PER_INSTANCE));
  mesh.frustumCulled = false;
  return mesh;
}
