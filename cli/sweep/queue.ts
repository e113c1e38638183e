// The BullMQ adapter, for labs without Slurm and for adaptive sweeps: `lab sweep enqueue DIR
// --redis URL` adds a job per point without a result; `lab worker --redis URL` runs jobs on one GPU
// device until stopped (or, with --exit-when-idle, until the queue is empty). A usage error (a
// damaged manifest: exit 2 on the command line) is not retried; a crash (a killed worker: its job
// stalls) is retried, at most 3 attempts, resuming from the point's checkpoint when it has one.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { quote } from '../../src/quote';
import { UsageError } from '../args';
import { withGpu } from '../session';
import { pointFile, readManifest, type SweepPoint } from './layout';
import { listenForStop, runPoint, stopRequested } from './point';

export const DEFAULT_QUEUE = 'particle-lab';
const ATTEMPTS = 3;

interface PointJob {
  dir: string;
  index: number;
}

/** BullMQ's connection from a redis:// URL (checked here, so a typo is one line, not a retry loop). */
function connection(url: string) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--redis must be a URL like redis://127.0.0.1:6379; got ${quote(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new UsageError(`--redis must be a redis:// or rediss:// URL; got ${quote(url)}`);
  // null: BullMQ's workers block on Redis and must not give up on a slow reply.
  return { url, maxRetriesPerRequest: null };
}

export async function enqueueSweep(dir: string, redis: string, queueName = DEFAULT_QUEUE): Promise<number> {
  const points = readManifest(dir);
  const pending = points.filter((p) => !existsSync(pointFile(dir, p.id, 'result.json')));
  const { Queue } = await import('bullmq');
  const queue = new Queue<PointJob>(queueName, { connection: connection(redis) });
  try {
    // jobId = the point's id: enqueueing twice adds nothing twice. A job that failed for good
    // (say, a damaged manifest since mended) is removed first, so enqueueing again retries it.
    for (const p of pending) {
      const job = await queue.getJob(p.id);
      if (job && (await job.isFailed())) await job.remove();
    }
    await queue.addBulk(
      pending.map((p) => ({
        name: 'point',
        data: { dir: resolve(dir), index: p.index },
        opts: { jobId: p.id, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true },
      })),
    );
  } finally {
    await queue.close();
  }
  console.log(`enqueued ${pending.length} of ${points.length} points on ${queueName} (${points.length - pending.length} already done)`);
  return 0;
}

export interface WorkerOptions {
  redis: string;
  queue: string;
  exitWhenIdle: boolean;
}

export async function runWorker(o: WorkerOptions): Promise<number> {
  const conn = connection(o.redis);
  const { Queue, UnrecoverableError, Worker } = await import('bullmq');
  const stopListening = listenForStop();
  const manifests = new Map<string, SweepPoint[]>();
  const pointOf = (job: PointJob): SweepPoint => {
    try {
      if (!manifests.has(job.dir)) manifests.set(job.dir, readManifest(job.dir));
      const p = manifests.get(job.dir)![job.index];
      if (!p) throw new UsageError(`${quote(job.dir)} has no point ${job.index}`);
      return p;
    } catch (e) {
      // Bad input stays bad: failing again would not help.
      if (e instanceof UsageError) throw new UnrecoverableError(e.message);
      throw e;
    }
  };
  try {
    return await withGpu(async (ctx) => {
      const worker = new Worker<PointJob>(
        o.queue,
        async (job) => {
          const p = pointOf(job.data);
          const outcome = await runPoint(ctx, job.data.dir, p, (line) => console.error(line));
          if (outcome === 'interrupted') throw new Error(`point ${p.index} was stopped (checkpointed); the next attempt resumes it`);
          if (outcome === 'held') throw new Error(`point ${p.index} is being run by another writer`);
          return outcome;
        },
        // A killed worker's job is back in the queue within ~15 s (its lock lapses, the stalled check finds it).
        { connection: conn, concurrency: 1, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: ATTEMPTS - 1 },
      );
      worker.on('failed', (job, err) => console.error(`job ${job?.id} (point ${job?.data.index}): ${err.message}`));
      const queue = new Queue(o.queue, { connection: conn });
      try {
        while (!stopRequested()) {
          await new Promise((r) => setTimeout(r, 1000));
          if (o.exitWhenIdle) {
            const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
            if (Object.values(counts).every((n) => n === 0)) break;
          }
        }
      } finally {
        await worker.close();
        await queue.close();
      }
      return stopRequested() ?? 0;
    });
  } finally {
    stopListening();
  }
}
