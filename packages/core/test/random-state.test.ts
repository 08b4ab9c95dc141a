import { mulberry32, SeededRandom, withoutRandomInit } from '../src';

describe('SeededRandom state', () => {
  it('draws the mulberry32 sequence of its seed', () => {
    const rng = new SeededRandom(42);
    const ref = mulberry32(42);
    for (let i = 0; i < 5; i++) expect(rng.random()).toBe(ref());
  });

  it('setState(state()) continues the same sequence in another generator', () => {
    const a = new SeededRandom(7);
    a.uniformArray(13, 1);
    const b = new SeededRandom(999);
    b.setState(a.state());
    expect(Array.from(b.uniformArray(6, 1))).toEqual(Array.from(a.uniformArray(6, 1)));
    expect(b.childSeed()).toBe(a.childSeed());
  });

  it('skip(n) lands where n draws land', () => {
    const a = new SeededRandom(3);
    const b = new SeededRandom(3);
    for (let i = 0; i < 1000; i++) a.random();
    b.skip(1000);
    expect(b.state()).toBe(a.state());
    expect(b.random()).toBe(a.random());
  });

  it('refuses a state that is not an unsigned 32-bit integer', () => {
    expect(() => new SeededRandom(1).setState(-1)).toThrow(/unsigned 32-bit integer, got -1/);
    expect(() => new SeededRandom(1).setState(1.5)).toThrow(/got 1.5/);
  });

  it('withoutRandomInit gives zeros but leaves the generator where the draws would have', () => {
    const drawn = new SeededRandom(11);
    drawn.uniformArray(50, 1);
    drawn.normalArray(20, 1);
    const skipped = new SeededRandom(11);
    const [u, n] = withoutRandomInit(() => [skipped.uniformArray(50, 1), skipped.normalArray(20, 1)]);
    expect(u.every((x) => x === 0) && n.every((x) => x === 0)).toBe(true);
    expect(skipped.state()).toBe(drawn.state());
    expect(skipped.drawsInitialValues).toBe(true); // only inside the call
  });
});
