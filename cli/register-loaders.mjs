// Lets Node import WGSL the way Vite does: `import code from '../shaders/x.wgsl?raw'`.
import { register } from 'node:module';

register('./wgsl-loader.mjs', import.meta.url);
