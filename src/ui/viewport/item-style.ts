// What a batch of drawn items (discs, boxes) reads per item, from storage buffers on the GPU.
import type { Node } from 'three/webgpu';

export type Vec4Node = Node<'vec4'>;
export type FloatNode = Node<'float'>;
export type IndexNode = Node<'uint'>;

/** Items per instance: CPU rasterisers (SwiftShader) pay a fixed cost per instance, so batches are few and large. */
export const ITEMS_PER_INSTANCE = 1024;

export interface ItemStyle {
  /** Item i's centre in xyz (w ignored), world units. */
  center(i: IndexNode): Vec4Node;
  /** Item i's rgb and opacity (evaluated per vertex). */
  color(i: IndexNode): Vec4Node;
  /** Item i's size (a disc's diameter, a box's edge across x and y), world units; 0 hides it. */
  size(i: IndexNode): FloatNode;
}
