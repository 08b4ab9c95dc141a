export * from './interfaces';
export * from './registry';
export * from './random';
