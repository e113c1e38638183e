// Colour maps for values coloured on the GPU: d3-scale-chromatic's maps (through d3) sampled into
// one table per device, uploaded once, that kernels read with colormap.wgsl. Linear rgb, as the
// viewport expects; the colour bars take their stops from the same tables.
import { interpolateCividis, interpolateInferno, interpolateMagma, interpolatePlasma, interpolateRdBu, interpolateSinebow, interpolateViridis, rgb } from 'd3';
import { wgsl } from './pipelines';
import colormapCode from './shaders/colormap.wgsl?raw';

/** Maps for values with an order (densities, energies, magnitudes): the user picks one. */
export const SEQUENTIAL_MAPS = ['viridis', 'cividis', 'inferno', 'magma', 'plasma'] as const;
export type SequentialMap = (typeof SEQUENTIAL_MAPS)[number];

const INTERPOLATORS = {
  viridis: interpolateViridis,
  cividis: interpolateCividis,
  inferno: interpolateInferno,
  magma: interpolateMagma,
  plasma: interpolatePlasma,
  /** Signed fields: blue below 0, white at 0, red above (RdBu, reversed so red is positive). */
  diverging: (t: number) => interpolateRdBu(1 - t),
  /** Angles: sinebow starts and ends on the same colour. */
  cyclic: interpolateSinebow,
} satisfies Record<SequentialMap | 'diverging' | 'cyclic', (t: number) => string>;

export type ColormapName = keyof typeof INTERPOLATORS;
const NAMES = Object.keys(INTERPOLATORS) as ColormapName[];

/** Entries per map in the GPU table; kernels interpolate linearly between them. */
export const COLORMAP_SIZE = 256;

/** Row of `name` in the GPU table (colormap(index, t) in WGSL). */
export function colormapIndex(name: ColormapName): number {
  return NAMES.indexOf(name);
}

const toLinear = (c: number) => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};

/** The map's colour at t ∈ [0, 1], linear rgb (d3 evaluated directly, no table). */
export function colormapAt(name: ColormapName, t: number): [number, number, number] {
  const c = rgb(INTERPOLATORS[name](t));
  return [toLinear(c.r), toLinear(c.g), toLinear(c.b)];
}

/** `count` colours evenly spaced over the map, linear rgb (a colour bar's stops). */
export function colormapStops(name: ColormapName, count = 32): [number, number, number][] {
  return Array.from({ length: count }, (_, k) => colormapAt(name, k / (count - 1)));
}

/** The WGSL of colormap(map, t); the kernel binds the table as `colormaps: array<vec4f>`. */
export const colormapWgsl = wgsl(
  `const COLORMAP_SIZE = ${COLORMAP_SIZE}u;`,
  ...(['diverging', 'cyclic'] as const).map((n) => `const ${n.toUpperCase()}_MAP = ${colormapIndex(n)}u;`),
  colormapCode,
);

// One table per device, kept as long as the device: it is small (28 KiB) and shared by every system.
const tables = new WeakMap<GPUDevice, GPUBuffer>();

/** Every map, COLORMAP_SIZE vec4f each in NAMES order, on `device` (uploaded on first use). */
export function colormapTable(device: GPUDevice): GPUBuffer {
  let table = tables.get(device);
  if (!table) {
    const data = new Float32Array(NAMES.length * COLORMAP_SIZE * 4);
    NAMES.forEach((name, m) => colormapStops(name, COLORMAP_SIZE).forEach((c, k) => data.set([...c, 1], (m * COLORMAP_SIZE + k) * 4)));
    table = device.createBuffer({ label: 'colour maps', size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(table, 0, data);
    tables.set(device, table);
  }
  return table;
}
