import * as tf from '@tensorflow/tfjs-core';
import { fusedAdamStep, hasFusedAdam } from '@trimod/core';

const f = Math.fround;

/** tfjs's { name, tensor } pair (not exported by tfjs-core's index). */
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/**
 * tfjs's Adam (tf.train.adam: bias-corrected, ε added after the square root, ε = the backend's
 * epsilon(), 1e-7 on cpu and wasm) with each variable's update done by one fused kernel
 * (core's TrimodAdam on cpu and wasm) instead of ten-odd full-size ops, and global-norm
 * clipping folded in as a factor on the gradient instead of a scaled copy of every gradient.
 * The numbers are tfjs's, float32 rounding and all (tested against tf.train.adam).
 *
 * Its state has tfjs's layout, so checkpoints move both ways between the two: getWeights gives
 * [iterations, m of each variable…, v of each variable…], slots by position in the order the
 * variables were first given (with `${name}/m`, `${name}/v` names), and setWeights takes the
 * same. Like tfjs's, it makes a variable's slots the first time the variable is listed, even
 * with a null gradient (which skips the update), so positions never move.
 */
export class FusedAdamOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'TrimodFusedAdam';
  }

  /**
   * tfjs's Optimizer defines Symbol.hasInstance as duck typing (anything with minimize,
   * computeGradients and applyGradients), which subclasses inherit: without this, every tfjs
   * optimizer would pass `instanceof FusedAdamOptimizer` and be handed a clipping factor it ignores.
   */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && Object.prototype.isPrototypeOf.call(FusedAdamOptimizer.prototype, x);
  }

  private firstMoments: Slot[] = [];
  private secondMoments: Slot[] = [];
  /** β1ᵗ⁺¹ and β2ᵗ⁺¹ as tfjs keeps them: float32 scalars multiplied by β after every step. */
  private accBeta1: number;
  private accBeta2: number;
  readonly epsilon: number;

  constructor(
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    epsilon?: number,
  ) {
    super();
    this.accBeta1 = f(beta1);
    this.accBeta2 = f(beta2);
    this.epsilon = epsilon ?? tf.backend().epsilon();
  }

  /**
   * One Adam step. `gradScale` multiplies every gradient first (global-norm clipping's factor,
   * globalNormScale in optimizers.ts); 1 leaves them as they are.
   */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[], gradScale = 1): void {
    if (!hasFusedAdam()) throw new Error(`FusedAdamOptimizer: the '${tf.getBackend()}' backend has no TrimodAdam kernel (cpu and wasm have it, after registerTrainingKernels)`);
    const entries: Array<[string, tf.Tensor | null]> = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const constants = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      oneMinusAccBeta1: f(1 - this.accBeta1),
      oneMinusAccBeta2: f(1 - this.accBeta2),
      gradScale,
    };
    entries.forEach(([name, gradient], i) => {
      const value = tf.engine().registeredVariables[name];
      if (value == null) throw new Error(`FusedAdamOptimizer: no variable named '${name}'`);
      this.firstMoments[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      this.secondMoments[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      if (gradient == null) return;
      const m = this.firstMoments[i].variable;
      const v = this.secondMoments[i].variable;
      const [p1, m1, v1] = fusedAdamStep(value, m, v, gradient, constants);
      // assign takes a reference to each new tensor's data; the handles themselves go.
      m.assign(m1);
      v.assign(v1);
      value.assign(p1);
      tf.dispose([p1, m1, v1]);
    });
    this.accBeta1 = f(this.accBeta1 * f(this.beta1));
    this.accBeta2 = f(this.accBeta2 * f(this.beta2));
    this.incrementIterations();
  }

  override dispose(): void {
    tf.dispose([...this.firstMoments, ...this.secondMoments].map((s) => s.variable));
    this.firstMoments = [];
    this.secondMoments = [];
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const slots = [...this.firstMoments, ...this.secondMoments];
    return [await this.saveIterations(), ...slots.map((s) => ({ name: s.originalName, tensor: s.variable }))];
  }

  /** Takes what getWeights (or tfjs's AdamOptimizer.getWeights) gave; keeps the tensors as its slots. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const slots = await this.extractIterations(weightValues);
    if (slots.length % 2 !== 0) throw new Error(`FusedAdamOptimizer.setWeights: expected m and v for each variable (an even number of slots), got ${slots.length}`);
    // As tfjs's setWeights: β^(t+1) recomputed with pow in float32.
    this.accBeta1 = f(Math.pow(f(this.beta1), this.iterations_ + 1));
    this.accBeta2 = f(Math.pow(f(this.beta2), this.iterations_ + 1));
    this.dispose();
    const half = slots.length / 2;
    const toSlot = (w: NamedTensor): Slot => ({ originalName: w.name, variable: w.tensor.variable(false) });
    this.firstMoments = slots.slice(0, half).map(toSlot);
    this.secondMoments = slots.slice(half).map(toSlot);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
