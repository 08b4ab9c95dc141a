/**
 * tfjs-core's Node build (the `main` of @tensorflow/tfjs-core) registers neither the gradients
 * nor the chained ops (`x.reshape(...)`); the union package @tensorflow/tfjs does both by
 * bundling them. We do the same here, once, for every package of ours: without it, every
 * `tf.grad` fails with "gradient function not found". The registries are global (tfjs keeps
 * them on globalThis), so these registrations reach the engine the user's tfjs-core uses.
 */
// tfjs-core proper first: it creates the global engine with its own Tensor class. If a bundled
// copy below ran first, the engine would make tensors of the copy's class, whose chained-op
// handler is never set ("Cannot read properties of null (reading 'clone')" in gradients).
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
