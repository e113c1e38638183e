// Node entry to WebGPU through Dawn (npm `webgpu`). Finds SwiftShader by itself on GPU-less machines.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, NoWebGPUError, type GpuContext } from './context';

const SWIFTSHADER_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'];

type DawnModule = { create(flags: string[]): GPU; globals: Record<string, unknown> };
/** One Dawn instance per adapter choice ('' for the default). */
const instances = new Map<string, GPU>();

/** No adapter's name contains the one asked for; the message lists those there are. */
export class AdapterNotFoundError extends NoWebGPUError {
  constructor(wanted: string, dawnMessage: string) {
    const names = [...dawnMessage.matchAll(/backend: '([^']*)', name: '([^']*)'/g)].map((m) => `'${m[2]}' (${m[1]})`);
    super(`no GPU adapter's name contains '${wanted}' (the match is case-sensitive); adapters here: ${names.length > 0 ? names.join(', ') : 'none'}`);
    this.name = 'AdapterNotFoundError';
  }
}

async function nodeGpu(adapter: string | undefined): Promise<GPU> {
  const known = instances.get(adapter ?? '');
  if (known) return known;
  let gpu: GPU;
  // Dawn prints "XDG_RUNTIME_DIR is invalid or not set" when it is unset, but keeps nothing in
  // it: give it a private folder for start-up and remove it at once (none is left behind, even
  // by a killed process).
  const made = process.env.XDG_RUNTIME_DIR ? undefined : mkdtempSync(join(tmpdir(), 'particle-lab-xdg-'));
  if (made) process.env.XDG_RUNTIME_DIR = made;
  try {
    const dawn = (await import('webgpu')) as unknown as DawnModule;
    Object.assign(globalThis, dawn.globals);
    // Dawn's own flag: the adapter whose name contains this text.
    gpu = dawn.create(adapter === undefined ? [] : [`adapter=${adapter}`]);
  } finally {
    if (made) rmSync(made, { recursive: true, force: true });
  }
  instances.set(adapter ?? '', gpu);
  return gpu;
}

/**
 * A GPU context in Node. Uses the system's GPU when there is one; otherwise (or with
 * `software: true`) Chromium's SwiftShader Vulkan driver, selected without any env var by hand.
 * `adapter` picks, on a machine with several, the one whose name contains it.
 */
export async function createNodeContext(opts: { software?: boolean; adapter?: string } = {}): Promise<GpuContext> {
  const icd = SWIFTSHADER_ICDS.find((p) => existsSync(p));
  const forceSoftware = opts.software ?? process.env.PARTICLE_LAB_SOFTWARE === '1';
  // Vulkan reads VK_ICD_FILENAMES when Dawn creates its instance, so set it before the first adapter.
  if (icd && !process.env.VK_ICD_FILENAMES && (forceSoftware || !hasHardwareVulkan())) {
    process.env.VK_ICD_FILENAMES = icd;
  }
  try {
    return await createContext(await nodeGpu(opts.adapter), 'particle-lab-node');
  } catch (e) {
    if (opts.adapter !== undefined && !(e instanceof NoWebGPUError)) throw new AdapterNotFoundError(opts.adapter, (e as Error).message);
    if (e instanceof NoWebGPUError) {
      throw new NoWebGPUError(
        `${e.message} Install a Vulkan driver, or Debian's chromium and libvulkan1 (SwiftShader): ` +
          'sudo apt-get install chromium libvulkan1',
      );
    }
    throw e;
  }
}

/** Heuristic: a real Vulkan ICD is installed (other than SwiftShader). */
function hasHardwareVulkan(): boolean {
  const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'];
  return existsSync('/dev/dri') && dirs.some((d) => existsSync(d));
}
