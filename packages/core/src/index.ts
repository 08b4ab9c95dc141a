import './tfjs-setup';
export * from './interfaces';
export * from './registry';
export * from './random';
export * from './config-limits';
export * from './backends';
export { webGpuUnavailableReason } from './gpu-presence';
// The artifact layer's everyday face; the rest is under the subpath `@trimod/core/artifacts`.
export { ArtifactError, collectAssets, restoreAssets, type ArtifactErrorCode } from './artifacts';
export { loadModule, saveModule, type LoadModuleOptions, type SaveModuleOptions } from './artifacts/module';
export { isNode, isHttpUrl } from './env';
export { embeddedWasm, type EmbeddedWasm } from './embedded-wasm';
export * from './text';
export * from './kernels';
export * from './variables';
export { ensureBackend } from './ensure-backend';
export { packageFolder } from './package-folder';
