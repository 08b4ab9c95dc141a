/**
 * tfjs-core's Node build (the `main` of @tensorflow/tfjs-core) registers neither the gradients
 * nor the chained ops (`x.reshape(...)`); the union package @tensorflow/tfjs does both by
 * bundling them. We do the same here, once, for every package of ours: without it, every
 * `tf.grad` fails with "gradient function not found". The registries are global (tfjs keeps
 * them on globalThis), so these registrations reach the engine the user's tfjs-core uses.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
