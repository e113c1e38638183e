// The npm package as another project meets it: `npm pack`, installed into a fresh scratch project
// (offline, from the npm cache that `npm ci` filled), then used the three ways it promises:
// Node imports the systems and runs one on Dawn, `npx particle-lab` starts without tsx,
// TypeScript finds the types, and a page the project builds with Vite shows <particle-lab> running.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from './helpers';

const REPO = resolve('.');
const PORT = Number(process.env.E2E_PORT ?? 4173) + 100;
const VITE = join(REPO, 'node_modules/vite/bin/vite.js');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

let work = '';
let scratch = '';
let tarball = '';
let server: ChildProcess | undefined;

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * The scratch project's lockfile: the tarball, and the versions our own lockfile pins for
 * everything it needs (its dependencies and the three peer). With it, `npm ci --offline` installs
 * from the cache alone; without one, npm would ask the registry to resolve the ranges.
 */
function scratchLock(tgz: string): object {
  const ours = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const root = ours.packages['']!;
  const packages: Record<string, unknown> = {
    '': { name: 'scratch', dependencies: { 'particle-lab': `file:${tgz}` } },
    'node_modules/particle-lab': {
      version: JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version,
      resolved: `file:${tgz}`,
      ...Object.fromEntries(['dependencies', 'optionalDependencies', 'peerDependencies', 'bin', 'engines'].map((k) => [k, root[k]])),
    },
  };
  const peers = Object.keys(root.peerDependencies as object).map((p) => `node_modules/${p}`);
  for (const [path, entry] of Object.entries(ours.packages)) {
    if (!path || (entry.dev && !peers.includes(path))) continue;
    const { dev: _dev, ...rest } = entry;
    packages[path] = peers.includes(path) ? { ...rest, peer: true } : rest;
  }
  return { name: 'scratch', lockfileVersion: 3, requires: true, packages };
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  work = mkdtempSync(join(tmpdir(), 'lab-package-'));
  // prepack builds lib/ (the entry points, the bundled CLI, the types).
  tarball = join(work, run('npm', ['pack', '--silent', '--pack-destination', work], REPO).trim().split('\n').at(-1)!);
  scratch = join(work, 'scratch');
  execFileSync('mkdir', ['-p', scratch]);
  const tgz = `../${tarball.split('/').at(-1)}`;
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: { 'particle-lab': `file:${tgz}` } }));
  writeFileSync(join(scratch, 'package-lock.json'), JSON.stringify(scratchLock(tgz)));
  const install = (mode: string) => run('npm', ['ci', mode, '--no-audit', '--no-fund', '--loglevel=error'], scratch);
  try {
    install('--offline');
  } catch {
    install('--prefer-offline'); // a cache that `npm ci` did not fill (another npm cache folder): the registry fills the gaps
  }
});

test.afterAll(() => {
  server?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('npm pack holds the built entry points, types, the bundled CLI and the shipped weights, not the sources', () => {
  const files = run('tar', ['tzf', tarball], work).trim().split('\n');
  for (const f of ['lib/index.js', 'lib/sims.js', 'lib/gpu.js', 'lib/node.js', 'lib/cli.js', 'lib/types/package/index.d.ts', 'public/weights/boffi-mips.bin', 'package.json', 'README.md']) {
    expect(files).toContain(`package/${f}`);
  }
  expect(files.filter((f) => /^package\/(src|test|e2e|cli|bench|node_modules)\//.test(f))).toEqual([]);
  expect(files.filter((f) => f.endsWith('.wgsl'))).toEqual([]); // inlined into the JS
  const installed = JSON.parse(readFileSync(join(scratch, 'node_modules/particle-lab/package.json'), 'utf8'));
  expect(installed.peerDependencies).toHaveProperty('three');
  expect(installed.dependencies).not.toHaveProperty('webgpu'); // Dawn is optional: only the CLI and particle-lab/node load it
});

test('Node imports particle-lab/sims and runs a system on Dawn; npx particle-lab starts without tsx and matches the source CLI', () => {
  writeFileSync(
    join(scratch, 'check.mjs'),
    `import { getSystem, listSystems, presetParams, LAB_VERSION } from 'particle-lab/sims';
import { createNodeContext } from 'particle-lab/node';
const ctx = await createNodeContext();
const def = getSystem('tokens');
const sim = await def.create(ctx, presetParams(def));
sim.step(10);
const s = await sim.sample();
console.log(JSON.stringify({ systems: listSystems().map((d) => d.id), version: LAB_VERSION, step: s.step, meanNorm: s.scalars.meanNorm }));
sim.dispose();
ctx.device.destroy();
`,
  );
  const out = JSON.parse(run('node', ['check.mjs'], scratch).trim().split('\n').at(-1)!);
  const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
  expect(out.systems.sort()).toEqual(['mips', 'showers', 'tokens']);
  expect(out.version).toBe(version);
  expect(out.step).toBe(10);
  expect(out.meanNorm).toBeCloseTo(1, 5); // tokens stay on the unit sphere
  expect(run('npx', ['--offline', 'particle-lab', '--version'], scratch).trim()).toBe(`particle-lab ${version}`);
  const args = ['run', 'tokens', '--steps', '10', '--json'];
  const bundled = JSON.parse(run('npx', ['--offline', 'particle-lab', ...args], scratch));
  const source = JSON.parse(run('node', ['--import', 'tsx', '--import', './cli/register-loaders.mjs', 'cli/lab.ts', ...args], REPO));
  // The same numbers; provenance differs by nature (wall time; the commit is unknown outside a checkout).
  const { wallSeconds: _w1, commit: commitBundled, ...bundledResult } = bundled;
  const { wallSeconds: _w2, commit: _c, ...sourceResult } = source;
  expect(bundledResult).toEqual(sourceResult);
  expect(commitBundled).toBe('unknown');
});

test('TypeScript finds the types of every entry point, and a misuse is a type error', () => {
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [], noEmit: true, skipLibCheck: true } }),
  );
  writeFileSync(
    join(scratch, 'use.ts'),
    `import { ParticleLab } from 'particle-lab';
import { getSystem, presetParams, type Simulation } from 'particle-lab/sims';
import type { GpuContext } from 'particle-lab/gpu';
import { createNodeContext } from 'particle-lab/node';
export const lab: typeof ParticleLab = ParticleLab;
export async function steps(ctx: GpuContext): Promise<number> {
  const def = getSystem('mips');
  const sim: Simulation = await def.create(ctx, presetParams(def));
  sim.step(1);
  return sim.stepCount;
}
export const node: () => Promise<GpuContext> = createNodeContext;
`,
  );
  expect(run('node', [TSC, '-p', '.'], scratch)).toBe('');
  writeFileSync(join(scratch, 'misuse.ts'), `import { getSystem } from 'particle-lab/sims';\nexport const d = getSystem(42);\n`);
  let errors = '';
  try {
    run('node', [TSC, '-p', '.'], scratch);
  } catch (e) {
    errors = String((e as { stdout?: string }).stdout);
  }
  expect(errors).toMatch(/misuse\.ts\(2,\d+\): error TS2345/);
  rmSync(join(scratch, 'misuse.ts'));
});

test('a page the scratch project builds with Vite imports the element, and <particle-lab> runs', async ({ page }) => {
  writeFileSync(
    join(scratch, 'index.html'),
    `<!doctype html>
<html lang="en">
  <body>
    <particle-lab system="tokens" autoplay style="display: block; height: 640px"></particle-lab>
    <script type="module" src="./main.js"></script>
  </body>
</html>
`,
  );
  writeFileSync(
    join(scratch, 'main.js'),
    `import { ParticleLab } from 'particle-lab';
import { listSystems } from 'particle-lab/sims';
document.body.dataset.element = String(customElements.get('particle-lab') === ParticleLab);
document.body.dataset.systems = listSystems().map((d) => d.id).join(',');
`,
  );
  run('node', [VITE, 'build', '--logLevel', 'error'], scratch);
  server = spawn('node', [VITE, 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { cwd: scratch, stdio: 'ignore' });
  const url = `http://127.0.0.1:${PORT}/`;
  await expect.poll(async () => (await fetch(url).catch(() => undefined))?.status, { timeout: 30_000 }).toBe(200);
  await page.goto(url);
  await expect(page.locator('body')).toHaveAttribute('data-element', 'true');
  await expect(page.locator('body')).toHaveAttribute('data-systems', 'mips,tokens,showers');
  // The element plays (autoplay): its step readout climbs past 0.
  const step = page.getByTestId('step-count');
  await expect.poll(async () => Number((await step.textContent())?.replace(/\D/g, '')), { timeout: 90_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('banner-error')).toHaveCount(0);
});
