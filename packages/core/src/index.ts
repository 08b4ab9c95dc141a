import './tfjs-setup';
export * from './interfaces';
export * from './registry';
export * from './random';
export * from './backends';
export * from './artifacts';
export * from './text';
export * from './kernels';
export * from './variables';
