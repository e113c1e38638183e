// Node entry to WebGPU through Dawn (npm `webgpu`). Finds SwiftShader by itself on GPU-less machines.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, NoWebGPUError, type GpuContext } from './context';

const SWIFTSHADER_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'];

type DawnModule = { create(flags: string[]): GPU; globals: Record<string, unknown> };
let gpu: GPU | undefined;

async function nodeGpu(): Promise<GPU> {
  if (gpu) return gpu;
  // Dawn prints "XDG_RUNTIME_DIR is invalid or not set" when it is unset, but keeps nothing in
  // it: give it a private folder for start-up and remove it at once (none is left behind, even
  // by a killed process).
  const made = process.env.XDG_RUNTIME_DIR ? undefined : mkdtempSync(join(tmpdir(), 'particle-lab-xdg-'));
  if (made) process.env.XDG_RUNTIME_DIR = made;
  try {
    const dawn = (await import('webgpu')) as unknown as DawnModule;
    Object.assign(globalThis, dawn.globals);
    gpu = dawn.create([]);
  } finally {
    if (made) rmSync(made, { recursive: true, force: true });
  }
  return gpu;
}

/**
 * A GPU context in Node. Uses the system's GPU when there is one; otherwise (or with
 * `software: true`) Chromium's SwiftShader Vulkan driver, selected without any env var by hand.
 */
export async function createNodeContext(opts: { software?: boolean } = {}): Promise<GpuContext> {
  const icd = SWIFTSHADER_ICDS.find((p) => existsSync(p));
  const forceSoftware = opts.software ?? process.env.PARTICLE_LAB_SOFTWARE === '1';
  // Vulkan reads VK_ICD_FILENAMES when Dawn creates its instance, so set it before the first adapter.
  if (icd && !process.env.VK_ICD_FILENAMES && (forceSoftware || !hasHardwareVulkan())) {
    process.env.VK_ICD_FILENAMES = icd;
  }
  try {
    return await createContext(await nodeGpu(), 'particle-lab-node');
  } catch (e) {
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
