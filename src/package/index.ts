/// <reference types="@webgpu/types" preserve="true" />
// `import 'particle-lab'`: defines the <particle-lab> element, with every system registered.
import '../sims/index';

export { ParticleLab } from '../ui/lab-app';
