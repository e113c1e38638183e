// 2-D views into f32 storage buffers. A batch of P sets x K tokens x C channels is the view
// rows = P*K, cols = C; column ranges (concatenation) and every-K-th rows (token slices) are
// views too, so slicing and concatenation cost no copies. Offsets and strides count floats.

export interface View {
  buffer: GPUBuffer;
  offset: number;
  rows: number;
  cols: number;
  /** Floats between the starts of consecutive rows. */
  stride: number;
}

/** A dense [rows, cols] f32 storage buffer. */
export function tensor(device: GPUDevice, label: string, rows: number, cols: number): View {
  const size = Math.max(16, Math.ceil((rows * cols * 4) / 16) * 16);
  const buffer = device.createBuffer({
    label,
    size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  return { buffer, offset: 0, rows, cols, stride: cols };
}

/** Channels [start, start + count) of every row. */
export function columns(v: View, start: number, count: number): View {
  if (start < 0 || start + count > v.cols) throw new Error(`columns [${start}, ${start + count}) outside ${v.cols}`);
  return { ...v, offset: v.offset + start, cols: count };
}

/** Token `t` of every set of `k` tokens: rows t, t + k, t + 2k, ... */
export function token(v: View, k: number, t = 0): View {
  if (v.rows % k !== 0 || t >= k) throw new Error(`token ${t} of sets of ${k} in ${v.rows} rows`);
  return { ...v, offset: v.offset + t * v.stride, rows: v.rows / k, stride: v.stride * k };
}

export function isDense(v: View): boolean {
  return v.offset === 0 && v.stride === v.cols;
}
