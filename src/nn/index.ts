// WGSL training toolkit: tensors as buffer views, fused forward/backward kernels, modules,
// the LocalTransformer, losses, AdamW + EMA, versioned weights files. See README.md.
export * from './tensor';
export * from './layout';
export * from './params';
export * from './ops';
export * from './modules';
export * from './embedding';
export * from './local-transformer';
export * from './losses';
export * from './adamw';
export * from './io';
export * from './trainable';
export * from './training-session';
