// The module graph of src/ and cli/ has no import cycles (a cycle makes load order matter and
// hides which module owns what). Edges: static `import ... from` and `export ... from` between
// project files; `import type` is erased at run time and is not an edge.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile() && candidate.endsWith('.ts')) return candidate;
    } catch {
      /* not this one */
    }
  }
  return undefined;
}

/** Edges of the module graph: file → files it imports. */
function graph(files: string[]): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  const pattern = /^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(pattern)) {
      const target = resolveImport(file, (m[1] ?? m[2])!);
      if (target) targets.push(target);
    }
    edges.set(file, targets);
  }
  return edges;
}

/** Every cycle found by depth-first search, each as a list of files. */
function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

it('the cycle finder finds a planted cycle (so an empty answer means something)', () => {
  const planted = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
  expect(cycles(planted)).toEqual([['a', 'b', 'c', 'a']]);
});

it('src/ and cli/ have no import cycles', () => {
  const edges = graph([...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'cli'))]);
  expect(edges.size).toBeGreaterThan(50);
  const shown = cycles(edges).map((c) => c.map((f) => relative(ROOT, f)).join(' → '));
  expect(shown).toEqual([]);
});
