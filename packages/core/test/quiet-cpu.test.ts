import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '@trimod/core';

// tfjs-backend-cpu prints "install tfjs-node" on its first tensor in Node; TriMod cannot use
// tfjs-node, so `trimod --backend cpu` must not print it.
describe('the cpu backend through initBackend', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  const warned = () => warn.mock.calls.flat().map(String).join('\n');

  it('a bare cpu backend still prints the banner here (so the next test can see it missing)', () => {
    const bare = new MathBackendCPU();
    bare.write(new Float32Array(1), [1], 'float32');
    expect(warned()).toMatch(/tfjs-node/);
    bare.dispose();
  });

  it('initBackend("cpu") does not print it', async () => {
    await expect(initBackend('cpu')).resolves.toMatchObject({ backend: 'cpu' });
    tf.tidy(() => tf.add(tf.tensor([1, 2]), tf.tensor([3, 4])).dataSync());
    expect(warned()).not.toMatch(/tfjs-node/);
  });
});
