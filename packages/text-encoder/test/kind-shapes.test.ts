import { tokenKinds } from '@trimod/core';
import { encodeToArrays, smallTextEncoder } from './encoder-fixtures';
import { useCpuBackend } from './setup-backend';

beforeAll(useCpuBackend);

// A hashtag as the data files and the tagger write it: its sigil and its body.
const POST = [['Go', '#', 'NBA', 'tonight']];
const encode = (e: ReturnType<typeof smallTextEncoder>, kinds?: ReturnType<typeof tokenKinds>[]) => {
  const out = e.encode(POST, { training: false, kinds });
  const features = out.features.arraySync()[0];
  out.features.dispose();
  out.mask.dispose();
  return features;
};

describe('shapes from token kinds', () => {
  it("gives a split hashtag's tokens the hashtag shape when on; with context none only those tokens change", () => {
    const e = smallTextEncoder(1, { shapesFromKinds: true, context: 'none' });
    const kinds = [tokenKinds(POST[0])];
    expect(kinds[0]).toEqual(['word', 'hashtag', 'hashtag', 'word']);
    const plain = encode(e);
    const kinded = encode(e, kinds);
    expect(kinded[0]).toEqual(plain[0]);
    expect(kinded[3]).toEqual(plain[3]);
    expect(kinded[2]).not.toEqual(plain[2]); // NBA: upper -> hashtag
    expect(kinded[1]).not.toEqual(plain[1]); // #: punct -> hashtag
    // The shape is the hashtag's: the same as a whole "#NBA" token's, which the text alone says is one.
    const shapeDim = e.getConfig().shapeDim as number;
    const whole = encodeToArrays(e, [['#NBA']]).features[0][0];
    expect(kinded[2].slice(-shapeDim)).toEqual(whole.slice(-shapeDim));
    e.dispose();
  });

  it('is off unless asked for: kinds then change nothing, and the config says nothing of it', () => {
    const e = smallTextEncoder(1, { context: 'none' });
    expect(encode(e, [tokenKinds(POST[0])])).toEqual(encode(e));
    expect('shapesFromKinds' in e.getConfig()).toBe(false);
    const on = smallTextEncoder(1, { shapesFromKinds: true });
    expect(on.getConfig().shapesFromKinds).toBe(true);
    e.dispose();
    on.dispose();
  });

  it('names a kinds list that does not match the posts', () => {
    const e = smallTextEncoder(1, { shapesFromKinds: true });
    expect(() => e.encode(POST, { training: false, kinds: [['word']] })).toThrow('TextEncoder.encode: opts.kinds of post 0 has 1 kinds for 4 tokens');
    e.dispose();
  });
});
