/**
 * Training support for the cpu and wasm backends: the gradients tfjs lacks or gets wrong, and the
 * kernels training needs that the backends lack, get wrong or run slowly. See register.ts.
 */
export { registerTrainingKernels } from './register';
export { fusedAdamStep, fusedSumOfSquares, hasFusedAdam, TRIMOD_ADAM, TRIMOD_SUM_OF_SQUARES } from './adam-kernels';
export type { AdamConstants } from './adam';
export type { CpuBackendView, WasmBackendView } from './backend-views';
