// The WGSL every mips kernel starts with: invocation numbering and the item loop
// (gpu/shaders/threads.wgsl), then the mips helpers (shaders/common.wgsl).
import { wgsl } from '../../gpu/pipelines';
import threads from '../../gpu/shaders/threads.wgsl?raw';
import commonCode from './shaders/common.wgsl?raw';

export const common = wgsl(threads, commonCode);
