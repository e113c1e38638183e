// Text labels attached to particles, drawn on the GPU from the same storage buffer as the
// particles: label i sits beside particle i in every frame, with nothing read back to the CPU.
// The words are rasterised once into an atlas texture; each label is one screen-aligned quad
// of constant pixel size.
import { BufferGeometry, CanvasTexture, Float32BufferAttribute, Mesh, MeshBasicNodeMaterial, type Node } from 'three/webgpu';
import {
  cameraProjectionMatrix,
  cameraViewMatrix,
  float,
  modelWorldMatrix,
  select,
  texture,
  uint,
  uniform,
  varying,
  vec2,
  vec4,
  vertexIndex,
} from 'three/tsl';

/** Label height on screen (CSS px); the atlas is drawn at 2× for sharp text on HiDPI screens. */
const ROW_PX = 16;
const SCALE = 2;
const MAX_WIDTH_PX = 160;
const MAX_ATLAS_PX = 8192;
/** Offset of a label's lower-left corner from its particle (CSS px). */
const OFFSET_PX = [5, 3] as const;

type Vec4Node = Node<'vec4'>;
type IndexNode = Node<'uint'>;

export interface LabelBatch {
  mesh: Mesh;
  /** Call on resize: labels keep their pixel size. */
  setScreen(width: number, height: number): void;
  dispose(): void;
}

/** Draws each word into its cell: column-major cells of one width, ROW_PX high. */
function atlas(texts: readonly string[]): { canvas: HTMLCanvasElement; cols: number; rows: number; cellW: number } {
  const font = `${11 * SCALE}px system-ui, sans-serif`;
  const measure = document.createElement('canvas').getContext('2d')!;
  measure.font = font;
  const widest = Math.max(1, ...texts.map((t) => measure.measureText(t).width / SCALE));
  const cellW = Math.ceil(Math.min(MAX_WIDTH_PX, widest + 6));
  const rows = Math.max(1, Math.min(texts.length, Math.floor(MAX_ATLAS_PX / (ROW_PX * SCALE))));
  const cols = Math.ceil(texts.length / rows);
  const canvas = document.createElement('canvas');
  canvas.width = Math.min(MAX_ATLAS_PX, cols * cellW * SCALE);
  canvas.height = rows * ROW_PX * SCALE;
  const g = canvas.getContext('2d')!;
  g.font = font;
  g.textBaseline = 'middle';
  g.fillStyle = '#f0f6fc';
  g.shadowColor = '#000';
  g.shadowBlur = 3 * SCALE;
  texts.forEach((t, i) => {
    const x = Math.floor(i / rows) * cellW * SCALE;
    const y = (i % rows) * ROW_PX * SCALE;
    g.save();
    g.beginPath();
    g.rect(x, y, cellW * SCALE, ROW_PX * SCALE);
    g.clip();
    g.fillText(t, x + 3 * SCALE, y + (ROW_PX * SCALE) / 2);
    g.restore();
  });
  return { canvas, cols, rows, cellW };
}

/** One quad per text, anchored at `center(i)` (world units). */
export function labelBatch(texts: readonly string[], center: (i: IndexNode) => Vec4Node): LabelBatch {
  const { canvas, cols, rows, cellW } = atlas(texts);
  const map = new CanvasTexture(canvas);
  const screen = uniform(vec2(1, 1));
  const geometry = new BufferGeometry();
  // Only its length matters (6 vertices per label): positions come from vertexNode.
  geometry.setAttribute('position', new Float32BufferAttribute(new Float32Array(texts.length * 6 * 3), 3));

  const v = uint(vertexIndex);
  const i = v.div(6) as unknown as IndexNode;
  const c = v.mod(6);
  // Two triangles: corners (0,0) (1,0) (1,1) and (0,0) (1,1) (0,1).
  const cx = select(c.equal(1).or(c.equal(2)).or(c.equal(4)), float(1), float(0));
  const cy = select(c.equal(2).or(c.equal(4)).or(c.equal(5)), float(1), float(0));
  const clip = cameraProjectionMatrix.mul(cameraViewMatrix.mul(modelWorldMatrix.mul(vec4(center(i).xyz, 1))));
  const px = vec2(cx.mul(cellW).add(OFFSET_PX[0]), cy.mul(ROW_PX).add(OFFSET_PX[1]));
  const ndc = px.mul(2).div(screen);
  // Behind the camera (w ≤ 0): outside the clip volume.
  const placed = vec4(clip.xy.add(ndc.mul(clip.w)), clip.z, clip.w);
  const material = new MeshBasicNodeMaterial();
  material.vertexNode = select(clip.w.greaterThan(0), placed, vec4(2, 2, 2, 1));
  // The cell of label i: column-major, row 0 at the top of the canvas (texture v = 1).
  const col = float(i.div(rows));
  const row = float(i.mod(rows));
  const uv = varying(vec2(col.add(cx).div(cols), float(1).sub(row.add(float(1).sub(cy)).div(rows))));
  const texel = texture(map, uv);
  material.colorNode = texel.xyz;
  material.opacityNode = texel.w;
  material.transparent = true;
  material.depthTest = false;
  material.depthWrite = false;

  const mesh = new Mesh(geometry, material);
  mesh.frustumCulled = false;
  mesh.renderOrder = 10;
  return {
    mesh,
    setScreen: (w, h) => {
      screen.value.set(w, h);
    },
    dispose: () => {
      geometry.dispose();
      material.dispose();
      map.dispose();
    },
  };
}
