// Node module hook, the way Vite imports files: `*.wgsl?raw` and `*.txt?raw` resolve to a module
// whose default export is the file's text; `*?url&inline` to the file as a base64 data URL.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  const u = new URL(url);
  if (u.protocol === 'file:' && /\.(wgsl|txt)$/.test(u.pathname) && u.search === '?raw') {
    const text = await readFile(u, 'utf8');
    return { format: 'module', shortCircuit: true, source: `export default ${JSON.stringify(text)};` };
  }
  if (u.protocol === 'file:' && u.search === '?url&inline') {
    const bytes = await readFile(new URL(u.pathname, u));
    return { format: 'module', shortCircuit: true, source: `export default ${JSON.stringify(`data:application/octet-stream;base64,${bytes.toString('base64')}`)};` };
  }
  return nextLoad(url, context);
}
