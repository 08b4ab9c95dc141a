/**
 * Training support for the cpu and wasm backends: gradients tfjs lacks or gets wrong, and the
 * kernels those gradients need that the backends lack or run slowly. See register.ts.
 */
export { registerTrainingKernels } from './register';
