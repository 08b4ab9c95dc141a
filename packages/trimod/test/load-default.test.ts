import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { TriMod } from '../src';

// No initBackend here on purpose: TriMod.load() must work as the first call a user makes.
describe('TriMod.load() with no arguments', () => {
  it('chooses a backend itself and loads the bundled default model, which finds a person', async () => {
    const model = await TriMod.load();
    expect(['webgpu', 'wasm', 'cpu']).toContain(tf.getBackend());
    const [r] = await model.predict(['Kawhi Leonard wins the fan vote for Block of the Year !']);
    expect(r.entities.find((e) => e.type === 'PER')).toMatchObject({ text: 'Kawhi Leonard', start: 0, end: 13 });
    model.dispose();
  });

  it('leaves a backend the user chose alone', async () => {
    await tf.setBackend('cpu');
    const model = await TriMod.load('default');
    expect(tf.getBackend()).toBe('cpu');
    model.dispose();
  });

  it('names the location it could not read when the bundled location is set wrong', async () => {
    TriMod.setBundledModelLocation('/nowhere/trimod-model/');
    try {
      await expect(TriMod.load()).rejects.toThrow(/\/nowhere\/trimod-model/);
    } finally {
      TriMod.setBundledModelLocation('');
    }
  });
});
