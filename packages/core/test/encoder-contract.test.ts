import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { newVariable, registerClass, SeededRandom, type EncodeOptions, type JsonObject, type ModalityEncoder, type TokenFeatures } from '../src';
import { describeEncoderContract, disposeEncoder, encoderContractChecks, type EncoderContractCase } from './encoder-contract';

type Flaw = 'none' | 'padding' | 'neighbours' | 'unseeded' | 'leak' | 'unsaved';
interface ToyConfig {
  dim: number;
  seed: number;
  flaw: Flaw;
}

/**
 * A token encoder small enough to read at a glance (each token's character-code sum picks a row
 * of a table, plus a bias; seeded dropout in training), with one optional flaw, so this file can
 * show that each clause of the contract catches the flaw it names.
 */
class ToyEncoder implements ModalityEncoder<readonly (readonly string[])[], TokenFeatures> {
  readonly className = 'ContractToyEncoder';
  readonly outputDim: number;
  private readonly table: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly dropout: SeededRandom;

  constructor(readonly config: ToyConfig) {
    this.outputDim = config.dim;
    const rng = new SeededRandom(config.seed);
    this.table = newVariable(rng.uniformArray(16 * config.dim, 1), [16, config.dim]);
    this.bias = newVariable(rng.uniformArray(config.dim, 1), [config.dim]);
    this.dropout = new SeededRandom(rng.childSeed());
  }

  encode(posts: readonly (readonly string[])[], opts: EncodeOptions): TokenFeatures {
    const T = Math.max(0, ...posts.map((p) => p.length));
    const ids = posts.flatMap((p) => Array.from({ length: T }, (_, t) => (t < p.length ? [...p[t]].reduce((s, ch) => s + ch.charCodeAt(0), 0) % 16 : 0)));
    const mask = posts.flatMap((p) => Array.from({ length: T }, (_, t) => (t < p.length ? 1 : 0)));
    const seed = this.config.flaw === 'unseeded' ? Math.floor(Math.random() * 1e9) : this.dropout.childSeed();
    if (this.config.flaw === 'leak') tf.keep(tf.scalar(1));
    return tf.tidy(() => {
      const m = tf.tensor2d(mask, [posts.length, T]);
      let x = tf.add(tf.gather(this.table, tf.tensor2d(ids, [posts.length, T], 'int32')), this.bias) as tf.Tensor3D;
      if (this.config.flaw === 'neighbours' && posts.length > 0) x = tf.add(x, tf.mean(x, 0, true)) as tf.Tensor3D;
      if (opts.training) x = tf.dropout(x, 0.5, undefined, seed) as tf.Tensor3D;
      if (this.config.flaw !== 'padding') x = tf.mul(x, tf.expandDims(m, 2)) as tf.Tensor3D;
      return { features: x, mask: m };
    });
  }

  trainableVariables(): tf.Variable[] {
    return [this.table, this.bias];
  }

  namedWeights(): Record<string, tf.Variable> {
    return this.config.flaw === 'unsaved' ? { table: this.table } : { table: this.table, bias: this.bias };
  }

  getConfig(): JsonObject {
    return { ...this.config };
  }

  dispose(): void {
    tf.dispose([this.table, this.bias]);
  }
}

registerClass('ContractToyEncoder', (config) => new ToyEncoder(config as unknown as ToyConfig));

const POSTS = [['Go', '#NBA', 'tonight'], ['Paris'], ['a', 'b']];
const toyCase = (flaw: Flaw): EncoderContractCase<readonly (readonly string[])[]> => ({
  make: (seed) => new ToyEncoder({ dim: 3, seed, flaw }),
  batch: POSTS,
  mask: [
    [1, 1, 1],
    [1, 0, 0],
    [1, 1, 0],
  ],
  post: (b) => [POSTS[b]],
  emptyPosts: [[], []],
  dropout: true,
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describeEncoderContract('a sound toy encoder', toyCase('none'));

describe('the encoder contract catches what it names', () => {
  it.each([
    ['padding', 'zeros where the mask is 0'],
    ['neighbours', 'the same features alone as beside the other posts'],
    ['unseeded', 'is deterministic'],
    ['leak', 'leaves no tensor behind'],
    ['unsaved', 'saves and loads through core artifacts with the same output (float16: false)'],
  ] as const)('an encoder with the flaw "%s" fails the clause "%s" (and a sound one passes it)', async (flaw, clause) => {
    const pick = (c: EncoderContractCase<readonly (readonly string[])[]>) => encoderContractChecks(c).find((check) => check.name.includes(clause))!;
    const flawed = toyCase(flaw).make(3);
    const sound = toyCase('none').make(3);
    try {
      await expect((async () => pick(toyCase(flaw)).run(flawed))()).rejects.toThrow();
      await expect((async () => pick(toyCase('none')).run(sound))()).resolves.toBeUndefined();
    } finally {
      disposeEncoder(flawed);
      disposeEncoder(sound);
    }
  });
});
