// The three.js viewport: draws a Simulation's RenderView straight from its GPU storage buffers.
// Every frame the sim's position/colour buffers are copied GPU→GPU (copyBufferToBuffer) into the
// storage attributes three draws from; nothing is read back to the CPU per frame.
import {
  BufferGeometry,
  Color,
  Float32BufferAttribute,
  Group,
  LineBasicMaterial,
  LineSegments,
  OrthographicCamera,
  PerspectiveCamera,
  Scene,
  SphereGeometry,
  MeshBasicNodeMaterial,
  Vector3,
  WireframeGeometry,
  type Node,
  type StorageInstancedBufferAttribute,
  type WebGPURenderer,
} from 'three/webgpu';
import { float, instancedArray, select, uint, uniform, vec4 } from 'three/tsl';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { RenderView } from '../../sims/types';
import { boxBatch } from './box-batch';
import { colorBar, type ColorBar } from './color-bar';
import { composeFigure, type FigureOverlays } from './figure';
import { discBatch } from './disc-batch';
import { frameBounds } from './framing';
import { labelBatch, type LabelBatch } from './label-batch';
import { planeSet } from './plane-set';
import { createRenderer, gpuBufferOf } from './three-adapter';

const BACKGROUND = 0x0d1117;

type IndexNode = Node<'uint'>;

const vec4Array = (count: number) => instancedArray(count, 'vec4');

/** A storage attribute three draws from, filled from a sim buffer by a GPU copy. */
interface Mirror {
  node: ReturnType<typeof vec4Array>;
  attribute: StorageInstancedBufferAttribute;
  bytes: number;
}

interface Layer {
  key: string;
  group: Group;
  positions: Mirror;
  colors: Mirror;
  trail?: { mirror: Mirror; head: ReturnType<typeof uniform>; filled: ReturnType<typeof uniform> };
  labels?: LabelBatch;
  dispose(): void;
}

export class Viewport {
  readonly canvas: HTMLCanvasElement;
  private readonly scene = new Scene();
  private camera: OrthographicCamera | PerspectiveCamera;
  private controls: OrbitControls;
  private layer: Layer | undefined;
  private legend: { key: string; bar: ColorBar } | undefined;
  private view: RenderView | undefined;
  private width = 1;
  private height = 1;
  private readonly resizeObserver: ResizeObserver;
  /** Frames drawn so far (for tests and the FPS readout). */
  frames = 0;

  private constructor(
    private readonly host: HTMLElement,
    canvas: HTMLCanvasElement,
    private readonly device: GPUDevice,
    private readonly renderer: WebGPURenderer,
  ) {
    this.canvas = canvas;
    this.scene.background = new Color(BACKGROUND);
    this.camera = new OrthographicCamera();
    this.controls = new OrbitControls(this.camera, canvas);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(host);
    this.resize();
  }

  static async create(host: HTMLElement, device: GPUDevice): Promise<Viewport> {
    const canvas = document.createElement('canvas');
    canvas.setAttribute('data-testid', 'viewport-canvas');
    host.append(canvas);
    try {
      const renderer = await createRenderer(canvas, device);
      return new Viewport(host, canvas, device, renderer);
    } catch (e) {
      canvas.remove();
      throw e;
    }
  }

  /** Shows a (possibly rebuilt) RenderView; re-creates the scene objects only when their shape changed. */
  setView(view: RenderView): void {
    const key = [
      view.count, view.dims, view.box, view.sphere, view.trails?.length ?? 0, view.trails ? 't' : '', view.bounds.min, view.bounds.max,
      view.labels?.text.join(' ') ?? '', view.perPointSize ? 'pps' : '', JSON.stringify(view.shape ?? null), JSON.stringify(view.planes ?? null),
    ].join('|');
    const dimsChanged = this.view?.dims !== view.dims;
    this.view = view;
    this.scene.background = new Color(BACKGROUND);
    if (this.layer?.key !== key) {
      this.layer?.dispose();
      this.layer = this.buildLayer(view, key);
      this.scene.add(this.layer.group);
    }
    this.setLegend(view.colorBar);
    if (dimsChanged) this.setupCamera(view);
    (this.particleScale as { value: number }).value = 2 * view.radius;
    (this.trailScale as { value: number }).value = view.radius;
  }

  /** The colour legend is DOM only: it has its own key, so a new range does not rebuild the GPU layer. */
  private setLegend(spec: RenderView['colorBar']): void {
    const key = spec ? JSON.stringify(spec) : '';
    if (this.legend?.key === key) return;
    this.legend?.bar.dispose();
    this.legend = spec ? { key, bar: colorBar(this.host, spec) } : undefined;
  }

  private readonly particleScale = uniform(1);
  private readonly trailScale = uniform(0.5);

  private mirror(count: number): Mirror {
    const node = vec4Array(count);
    return { node, attribute: node.value as StorageInstancedBufferAttribute, bytes: count * 16 };
  }

  private buildLayer(view: RenderView, key: string): Layer {
    const group = new Group();
    const positions = this.mirror(view.count);
    const colors = this.mirror(view.count);
    const disposables: { dispose(): void }[] = [];

    const positionAt = positions.node.toReadOnly();
    const colorAt = colors.node.toReadOnly();
    const material = new MeshBasicNodeMaterial();
    material.alphaTest = 0.5;
    const style = {
      center: (i: IndexNode) => positionAt.element(i),
      color: (i: IndexNode) => colorAt.element(i),
      // With perPointSize each particle carries its size in positions.w.
      size: view.perPointSize ? (i: IndexNode) => positionAt.element(i).w : () => this.particleScale,
    };
    const particles = view.shape?.kind === 'box' ? boxBatch(view.count, material, { ...style, depth: view.shape.depth }) : discBatch(view.count, material, style);
    group.add(particles);
    disposables.push(material, particles.geometry);

    let trail: Layer['trail'];
    if (view.trails) {
      const { length } = view.trails;
      const mirror = this.mirror(view.count * length);
      const trailAt = mirror.node.toReadOnly();
      const head = uniform(0, 'uint');
      const filled = uniform(0, 'uint');
      const tm = new MeshBasicNodeMaterial();
      tm.transparent = true;
      tm.depthWrite = false;
      const trails = discBatch(view.count * length, tm, {
        center: (i) => trailAt.element(i),
        color: (i) => {
          const age = head.add(uint(length)).sub(i.div(uint(view.count))).mod(uint(length));
          const fade = float(1).sub(float(age).div(float(length)));
          return vec4(0.55, 0.7, 1.0, select(age.lessThan(filled), fade.mul(0.55), float(0)));
        },
        size: () => this.trailScale,
      });
      trails.renderOrder = -1;
      group.add(trails);
      disposables.push(tm, trails.geometry);
      trail = { mirror, head, filled };
    }

    let labels: LabelBatch | undefined;
    if (view.labels) {
      labels = labelBatch(view.labels.text, (i) => positionAt.element(i));
      labels.setScreen(this.width, this.height);
      group.add(labels.mesh);
      disposables.push(labels);
    }

    if (view.planes) {
      const planes = planeSet(view.planes);
      group.add(planes.group);
      disposables.push(planes);
    }

    const [x0, y0, z0] = view.bounds.min;
    const [x1, y1, z1] = view.bounds.max;
    if (view.box) {
      const g = new BufferGeometry();
      const pts = view.dims === 2
        ? [x0, y0, 0, x1, y0, 0, x1, y0, 0, x1, y1, 0, x1, y1, 0, x0, y1, 0, x0, y1, 0, x0, y0, 0]
        : boxEdges(x0, y0, z0, x1, y1, z1);
      g.setAttribute('position', new Float32BufferAttribute(pts, 3));
      const m = new LineBasicMaterial({ color: 0x8b949e });
      group.add(new LineSegments(g, m));
      disposables.push(g, m);
    }
    if (view.sphere) {
      const g = new WireframeGeometry(new SphereGeometry(1, 24, 16));
      const m = new LineBasicMaterial({ color: 0x30363d, transparent: true, opacity: 0.6 });
      group.add(new LineSegments(g, m));
      disposables.push(g, m);
    }
    const attrs = [positions.attribute, colors.attribute, ...(trail ? [trail.mirror.attribute] : [])];
    return {
      key,
      group,
      positions,
      colors,
      trail,
      labels,
      dispose: () => {
        this.scene.remove(group);
        for (const d of disposables) d.dispose();
        // Frees the GPUBuffers three created for the mirrors (no leak when N changes).
        for (const a of attrs) a.dispose();
      },
    };
  }

  private setupCamera(view: RenderView): void {
    this.controls.dispose();
    const [x0, y0, z0] = view.bounds.min;
    const [x1, y1, z1] = view.bounds.max;
    const center = new Vector3((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2);
    if (view.dims === 2) {
      const cam = new OrthographicCamera();
      cam.position.set(center.x, center.y, 10);
      cam.near = 0.1;
      cam.far = 100;
      this.camera = cam;
      const c = new OrbitControls(cam, this.canvas);
      c.enableRotate = false;
      c.screenSpacePanning = true;
      c.zoomToCursor = true;
      c.mouseButtons = { LEFT: 2, MIDDLE: 1, RIGHT: 2 } as typeof c.mouseButtons; // pan with left/right, zoom with wheel
      c.target.copy(center);
      this.controls = c;
    } else {
      const { position, size } = frameBounds(view.bounds, 45, this.width / this.height);
      const cam = new PerspectiveCamera(45, 1, size * 0.01, size * 20);
      cam.position.copy(position);
      this.camera = cam;
      const c = new OrbitControls(cam, this.canvas);
      c.enableDamping = true;
      c.target.copy(center);
      this.controls = c;
    }
    this.resize();
    this.controls.update();
  }

  /** Fits the 2-D box (or the 3-D scene) in view again. */
  resetCamera(): void {
    if (this.view) this.setupCamera(this.view);
  }

  private resize(): void {
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    this.width = w;
    this.height = h;
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setSize(w, h, false);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    this.layer?.labels?.setScreen(w, h);
    const cam = this.camera;
    if (cam instanceof PerspectiveCamera) {
      cam.aspect = w / h;
    } else if (this.view) {
      const [x0, y0] = this.view.bounds.min;
      const [x1, y1] = this.view.bounds.max;
      const half = (Math.max(x1 - x0, y1 - y0) / 2) * 1.06;
      const aspect = w / h;
      cam.left = -half * Math.max(1, aspect);
      cam.right = half * Math.max(1, aspect);
      cam.top = half / Math.min(1, aspect);
      cam.bottom = -half / Math.min(1, aspect);
    }
    cam.updateProjectionMatrix();
  }

  /** Copies the sim's buffers into the mirrors (GPU→GPU) and renders one frame. */
  frame(): void {
    const view = this.view;
    const layer = this.layer;
    if (!view || !layer) return;
    const encoder = this.device.createCommandEncoder({ label: 'viewport mirror' });
    let copies = 0;
    const copy = (src: GPUBuffer, m: Mirror) => {
      const dst = gpuBufferOf(this.renderer, m.attribute);
      if (!dst) return;
      encoder.copyBufferToBuffer(src, 0, dst, 0, Math.min(m.bytes, src.size, dst.size));
      copies++;
    };
    copy(view.positions, layer.positions);
    copy(view.colors, layer.colors);
    if (view.trails && layer.trail) {
      copy(view.trails.buffer, layer.trail.mirror);
      (layer.trail.head as { value: number }).value = view.trails.head();
      (layer.trail.filled as { value: number }).value = view.trails.filled();
    }
    if (copies > 0) this.device.queue.submit([encoder.finish()]);
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
    this.frames++;
  }

  /**
   * A PNG of the current view at `pixelScale` × its CSS size, with the colour bar, a scale bar (2-D)
   * and `stamp` drawn in. Rendered and copied in the same task (WebGPU has no preserveDrawingBuffer).
   */
  capture(pixelScale: number, stamp: string): Promise<Blob> {
    const ratio = this.renderer.getPixelRatio();
    const { width, height } = this;
    this.renderer.setPixelRatio(pixelScale);
    this.renderer.setSize(width, height, false);
    this.frame();
    const figure = composeFigure(this.canvas, width, height, pixelScale, this.overlays(stamp));
    this.renderer.setPixelRatio(ratio);
    this.renderer.setSize(width, height, false);
    this.frame();
    return new Promise((resolve, reject) => figure.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no image'))), 'image/png'));
  }

  /** What a figure or a video frame draws over the view: its colour bar, a scale bar (2-D) and `stamp`. */
  overlays(stamp: string): FigureOverlays {
    const rect = this.visibleRect();
    const unit = this.view?.lengthUnit;
    return {
      colorBar: this.view?.colorBar,
      scale: rect && unit ? { worldPerPixel: (rect[2] - rect[0]) / this.width, unit } : undefined,
      stamp,
    };
  }

  /** The canvas and its CSS size (read right after frame(): WebGPU keeps no drawing buffer past the task). */
  get image(): { canvas: HTMLCanvasElement; width: number; height: number } {
    return { canvas: this.canvas, width: this.width, height: this.height };
  }

  /** The world rectangle a 2-D view shows now (x0, y0, x1, y1); undefined in 3-D. */
  visibleRect(): [number, number, number, number] | undefined {
    const cam = this.camera;
    if (!(cam instanceof OrthographicCamera)) return undefined;
    const { x, y } = cam.position;
    return [x + cam.left / cam.zoom, y + cam.bottom / cam.zoom, x + cam.right / cam.zoom, y + cam.top / cam.zoom];
  }

  /** Text labels drawn now (they follow their particles on the GPU). */
  get labelCount(): number {
    return this.view?.labels?.text.length ?? 0;
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.layer?.dispose();
    this.layer = undefined;
    this.setLegend(undefined);
    this.controls.dispose();
    this.renderer.dispose();
    this.canvas.remove();
  }
}

function boxEdges(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number): number[] {
  const c = [
    [x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0],
    [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1],
  ];
  const e = [[0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7]];
  return e.flatMap(([a, b]) => [...c[a!]!, ...c[b!]!]);
}
