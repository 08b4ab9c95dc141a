/**
 * Training support for the cpu and wasm backends: the gradients tfjs lacks or gets wrong, and the
 * kernels training needs that the backends lack, get wrong or run slowly. See register.ts.
 */
export { registerTrainingKernels } from './register';
