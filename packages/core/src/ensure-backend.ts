import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendInfo } from './backends';

let choosing: Promise<BackendInfo> | null = null;

/**
 * Picks a backend the way `initBackend('auto')` does, unless one is already chosen (by
 * `initBackend` or by the user's own `tf.setBackend`). Loaders call it so that
 * `await TriMod.load()` works without any set-up; a user who wants a given backend chooses it first.
 */
export async function ensureBackend(): Promise<void> {
  // The engine names a backend once one was set; tf.getBackend() would instead initialise
  // whichever registered backend has the highest priority, skipping our choice and its reasons.
  if ((tf.engine() as unknown as { backendName: string | null }).backendName) return;
  choosing ??= initBackend('auto').finally(() => (choosing = null));
  await choosing;
}
