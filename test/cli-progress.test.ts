// The CLI's progress on stderr: a bar redrawn in place on a terminal, nothing on a pipe, nothing
// with --quiet; progress lines keep their own line above the bar.
import { describe, expect, it } from 'vitest';
import { Progress } from '../cli/progress';
import { labProcess } from './lab-process';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { stream: { isTTY, write: (t: string) => out.push(t) }, out };
};

describe('CLI progress', () => {
  it('on a terminal: a bar with percent, counts and time left, redrawn in place and cleared at the end', () => {
    const { stream, out } = sink(true);
    const p = new Progress(stream, false);
    p.update(0, 200, 'steps');
    p.update(200, 200, 'steps');
    p.line('step 200/200 loss 0.1');
    p.end();
    expect(out[0]).toMatch(/^\r\x1b\[K\[\.{24}\] +0 % 0\/200 steps · – left$/);
    expect(out[1]).toMatch(/^\r\x1b\[K\[#{24}\] 100 % 200\/200 steps · 0 s left$/);
    // The line goes above the bar, which is drawn again under it.
    expect(out[2]).toBe(`\r\x1b[Kstep 200/200 loss 0.1\n${out[1]!.slice(4)}`);
    expect(out[3]).toBe('\r\x1b[K');
  });

  it('on a pipe: no bar, lines as they are; with --quiet: nothing', () => {
    const pipe = sink(false);
    const p = new Progress(pipe.stream, false);
    p.update(5, 10, 'steps');
    p.line('note');
    p.end();
    expect(pipe.out).toEqual(['note\n']);
    const quiet = sink(true);
    const q = new Progress(quiet.stream, true);
    q.update(5, 10, 'steps');
    q.line('note');
    q.end();
    expect(quiet.out).toEqual([]);
  });

  it('lab run --quiet writes nothing on stderr', () => {
    const r = labProcess(['run', 'mips', '--set', 'n=64', '--steps', '4', '--quiet', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).step).toBe(4);
  });
});
