// Where a run's showers are made: on this thread (Node: the CLI, tests), or in a Web Worker in the
// browser, so generating never stalls the page's frames. Both make shower i of a spec the same way
// (events.ts), so which one ran cannot change a number.
import { detectorOf, generateEvents, type AnyShower, type EventSpec } from './events';

export interface ShowerSource {
  /** Showers first … first + count − 1 of the run `spec`. */
  make(spec: EventSpec, first: number, count: number): Promise<AnyShower[]>;
  dispose(): void;
}

export interface WorkerRequest {
  id: number;
  spec: EventSpec;
  first: number;
  count: number;
}

export type WorkerReply = { id: number; showers: AnyShower[] } | { id: number; error: string };

/** Generates on the calling thread. */
export function directSource(): ShowerSource {
  return {
    make: async (spec, first, count) => generateEvents(detectorOf(spec), spec, first, count),
    dispose: () => undefined,
  };
}

/**
 * Generates in a dedicated worker (generator.worker.ts), one request at a time, in order. The
 * worker is inlined into the bundle (a Blob URL), so the lab runs from any host, sub-path or npm
 * package without a worker file to serve; it loads on the first request.
 */
export function workerSource(): ShowerSource {
  const waiting = new Map<number, { resolve(s: AnyShower[]): void; reject(e: Error): void }>();
  const failAll = (message: string) => {
    for (const job of waiting.values()) job.reject(new Error(message));
    waiting.clear();
  };
  let next = 0;
  let stopped = false;
  const started = import('./generator.worker.ts?worker&inline').then(({ default: GeneratorWorker }) => {
    const worker = new GeneratorWorker({ name: 'shower generator' });
    worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const reply = e.data;
      const job = waiting.get(reply.id);
      waiting.delete(reply.id);
      if ('error' in reply) job?.reject(new Error(`shower generator: ${reply.error}`));
      else job?.resolve(reply.showers);
    };
    worker.onerror = (e) => failAll(`shower generator worker failed: ${e.message}`);
    if (stopped) worker.terminate();
    return worker;
  });
  return {
    make: (spec, first, count) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        started.then(
          (worker) => worker.postMessage({ id, spec, first, count } satisfies WorkerRequest),
          (e: unknown) => failAll(`shower generator worker did not load: ${(e as Error).message}`),
        );
      }),
    dispose: () => {
      stopped = true;
      void started.then((worker) => worker.terminate(), () => undefined);
      failAll('the shower generator was stopped');
    },
  };
}

/** A worker where the page has them, else this thread. */
export function defaultSource(): ShowerSource {
  return typeof window !== 'undefined' && typeof Worker !== 'undefined' ? workerSource() : directSource();
}
