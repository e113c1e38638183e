// Records the viewport to WebM or MP4 with mediabunny (WebCodecs). Each frame in which the run
// advanced is copied right after it is rendered (WebGPU keeps no drawing buffer past the task) into
// a 2-D canvas with the colour bar and step stamp, and encoded with a synthetic timestamp k / fps:
// a slow adapter gives a slower recording, not a jerky video. While the encoder is behind, the
// run holds its steps, so no frame is dropped.
import { BufferTarget, CanvasSource, Mp4OutputFormat, Output, QUALITY_HIGH, WebMOutputFormat, getFirstEncodableVideoCodec } from 'mediabunny';
import type { FigureOverlays } from './viewport/figure';
import { drawFigure } from './viewport/figure';

export type VideoFormat = 'webm' | 'mp4';
export const VIDEO_FPS = 30;
/** What the recording sees of each frame. */
export interface FrameSource {
  image: { canvas: HTMLCanvasElement; width: number; height: number };
  overlays(stamp: string): FigureOverlays;
}

export class Recording {
  /** Frames encoded or queued. */
  frames = 0;
  private inFlight = 0;
  private failure: unknown;

  private constructor(
    private readonly output: Output<WebMOutputFormat | Mp4OutputFormat, BufferTarget>,
    private readonly source: CanvasSource,
    private readonly canvas: HTMLCanvasElement,
    readonly format: VideoFormat,
    readonly codec: string,
    private readonly size: { width: number; height: number },
  ) {}

  /** A recording of a `width` × `height` CSS-pixel view (rounded down to even sizes, as 4:2:0 codecs need). */
  static async start(format: VideoFormat, width: number, height: number): Promise<Recording> {
    const even = (v: number) => Math.max(2, Math.floor(v / 2) * 2);
    const canvas = document.createElement('canvas');
    canvas.width = even(width);
    canvas.height = even(height);
    const container = format === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'in-memory' });
    const codec = await getFirstEncodableVideoCodec(container.getSupportedVideoCodecs(), { width: canvas.width, height: canvas.height });
    if (!codec) throw new Error(`this browser cannot encode ${format.toUpperCase()} video (no WebCodecs encoder for ${container.getSupportedVideoCodecs().join(', ')}); try the other format`);
    const output = new Output({ format: container, target: new BufferTarget() });
    const source = new CanvasSource(canvas, { codec, quality: QUALITY_HIGH, keyFrameInterval: 2 });
    output.addVideoTrack(source, { frameRate: VIDEO_FPS });
    await output.start();
    return new Recording(output, source, canvas, format, codec, { width, height });
  }

  /** Whether the encoder keeps up (false: hold the run's steps until it does). */
  get ready(): boolean {
    return this.inFlight < 4;
  }

  /** Copies the frame just rendered (call in the same task as the render) and queues it for encoding. */
  capture(view: FrameSource, stamp: string): void {
    if (this.failure) throw this.failure;
    const { canvas, width, height } = view.image;
    drawFigure(this.canvas.getContext('2d')!, canvas, width || this.size.width, height || this.size.height, view.overlays(stamp));
    const k = this.frames++;
    this.inFlight++;
    this.source.add(k / VIDEO_FPS, 1 / VIDEO_FPS).then(
      () => this.inFlight--,
      (e: unknown) => {
        this.inFlight--;
        this.failure = e;
      },
    );
  }

  /** Finishes the file: its bytes and MIME type. */
  async finish(): Promise<Blob> {
    await this.output.finalize();
    if (this.failure) throw this.failure;
    const bytes = this.output.target.buffer;
    if (!bytes) throw new Error('the recording holds no data');
    return new Blob([bytes], { type: this.format === 'webm' ? 'video/webm' : 'video/mp4' });
  }

  async cancel(): Promise<void> {
    await this.output.cancel();
  }
}
