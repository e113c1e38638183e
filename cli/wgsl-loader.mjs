// Node module hook: `*.wgsl?raw` and `*.txt?raw` resolve to a module whose default export is the file's text.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  const u = new URL(url);
  if (u.protocol === 'file:' && /\.(wgsl|txt)$/.test(u.pathname) && u.search === '?raw') {
    const text = await readFile(u, 'utf8');
    return { format: 'module', shortCircuit: true, source: `export default ${JSON.stringify(text)};` };
  }
  return nextLoad(url, context);
}
