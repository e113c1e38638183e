// One GPU session per CLI run. Whatever a verb creates on the device is handed to `keep`, and
// is torn down the same way on every exit (success, bad input found late, NaN stop, throw):
// disposed, the queue drained, the device destroyed, before the process ends. Exiting with
// live Dawn objects (process.exit on the error path) crashed in Dawn's teardown now and then
// (exit 139 after the error line).
import { collectGpuErrors, type GpuContext } from '../src/gpu/context';
import { AdapterNotFoundError, createNodeContext } from '../src/gpu/node';
import { UsageError } from './args';
import type { Keep, Releasable } from '../src/sims/tools';
import type { Progress } from './progress';
import { chosenAdapter } from './adapter';

function release(x: Releasable): void {
  try {
    if ('dispose' in x) x.dispose();
    else x.destroy();
  } catch {
    // Already released by its owner: nothing left to free.
  }
}

/** Runs `body` on a fresh device; returns its exit code, or 4 when the GPU reported an error. */
export async function withGpu(body: (ctx: GpuContext, keep: Keep) => Promise<number>, progress?: Progress): Promise<number> {
  let ctx: GpuContext;
  try {
    ctx = await createNodeContext({ adapter: chosenAdapter() });
  } catch (e) {
    if (e instanceof AdapterNotFoundError) throw new UsageError(`--adapter: ${e.message}`);
    throw e;
  }
  const adapter = `adapter: ${ctx.adapterName}${ctx.software ? ' (software)' : ''}`;
  if (progress) progress.line(adapter);
  else console.error(adapter);
  const gpuErrors = collectGpuErrors(ctx.device);
  const held: Releasable[] = [];
  const keep: Keep = (x) => {
    held.push(x);
    return x;
  };
  let code: number;
  try {
    code = await body(ctx, keep);
  } finally {
    for (const x of held.reverse()) release(x);
    await ctx.device.queue.onSubmittedWorkDone();
    ctx.device.destroy();
  }
  if (gpuErrors.messages.length > 0) {
    console.error(`error: the GPU reported ${gpuErrors.messages.length} error(s), so commands were dropped and the results are unreliable. First: ${gpuErrors.messages[0]}`);
    return 4;
  }
  return code;
}
