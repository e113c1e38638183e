// The browser's shower generator thread: answers WorkerRequests with the showers they name.
import { detectorOf, generateEvents } from './events';
import type { WorkerReply, WorkerRequest } from './source';

const scope = self as unknown as { onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null; postMessage(reply: WorkerReply): void };

scope.onmessage = (e) => {
  const { id, spec, first, count } = e.data;
  try {
    scope.postMessage({ id, showers: generateEvents(detectorOf(spec), spec, first, count) });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
