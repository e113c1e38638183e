// A sample is labelled with the step at which it was encoded: steps submitted while its readback
// is in flight belong to later samples. Checked against an identical run sampled without steps
// in flight (the runs are deterministic: counter-based noise).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { presetParams } from '../../src/sims/config';
import { withValues } from '../../src/sims/params';
import { listSystems } from '../../src/sims/registry';
import '../../src/sims/index';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx?.device.destroy());

for (const def of listSystems()) {
  it(`${def.id}: a sample taken while steps are submitted carries the step it measured`, async () => {
    const base = presetParams(def);
    const params = def.schema.specs.some((s) => s.name === 'n') ? withValues(def.schema, base, { n: 64 }) : base;
    const busy = await def.create(ctx, params);
    const quiet = await def.create(ctx, params);
    busy.step(5);
    quiet.step(5);
    const pending = busy.sample();
    busy.step(7); // submitted before the readback lands
    const s = await pending;
    const reference = await quiet.sample();
    expect(s.step).toBe(5);
    expect(s.time).toBeCloseTo(reference.time, 12);
    expect(s.scalars).toEqual(reference.scalars);
    busy.dispose();
    quiet.dispose();
  });
}
