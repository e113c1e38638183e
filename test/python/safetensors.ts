// The spec-only Python reader and writer (safetensors_io.py), run with Debian's python3 + numpy.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SCRIPT = 'test/python/safetensors_io.py';

export interface PyTensor {
  dtype: string;
  shape: number[];
  values: number[];
}

export function pythonRead(file: string): { metadata: Record<string, string>; tensors: Record<string, PyTensor> } {
  return JSON.parse(execFileSync(PYTHON, [SCRIPT, 'read', file], { encoding: 'utf8' }));
}

export function pythonWrite(file: string): void {
  execFileSync(PYTHON, [SCRIPT, 'write', file]);
}
