import { applyBioPolicy, findBioBreaks, repairBio } from '../src/data/bio';
import { checkKnownTags } from '../src/data/check-labels';
import { DataFormatError, parseTwitterNer } from '../src/data/twitter-reader';
import { spansFromTags } from '../src/eval/spans';

// IOB1 leftovers as annotated Twitter sets hold them: I-X after O, at a post's start, after another type.
const TEXT = ['IMGID:1', 'the\tO', 'New\tI-ORG', 'York\tI-ORG', 'Times\tI-ORG', '', 'Paris\tI-LOC', 'Hilton\tI-PER', '', 'IMGID:3', 'Kawhi\tB-PER', 'Leonard\tI-PER', ''].join('\n');
const posts = parseTwitterNer(TEXT, 'iob1.txt');

describe('IOB1 leftovers', () => {
  it('findBioBreaks names each I-X that continues no entity, with its file line', () => {
    expect(findBioBreaks(posts)).toEqual([
      { post: 0, token: 1, line: 3, tag: 'I-ORG', previous: 'O' },
      { post: 1, token: 0, line: 7, tag: 'I-LOC', previous: null },
      { post: 1, token: 1, line: 8, tag: 'I-PER', previous: 'I-LOC' },
    ]);
  });

  it('repairBio turns them into B-X, keeps every entity as conlleval reads it, and leaves the input alone', () => {
    const { posts: fixed, repaired } = repairBio(posts);
    expect(repaired).toBe(3);
    expect(fixed.map((p) => p.tags)).toEqual([
      ['O', 'B-ORG', 'I-ORG', 'I-ORG'],
      ['B-LOC', 'B-PER'],
      ['B-PER', 'I-PER'],
    ]);
    fixed.forEach((p, i) => expect(spansFromTags(p.tags)).toEqual(spansFromTags(posts[i].tags)));
    expect(posts[0].tags[1]).toBe('I-ORG');
    expect(findBioBreaks(fixed)).toEqual([]);
    expect(fixed[2]).toBe(posts[2]); // untouched posts are not copied
  });

  it('applyBioPolicy refuses with file:line places, or repairs', () => {
    const err = (() => {
      try {
        applyBioPolicy(posts, 'iob1.txt', 'refuse');
      } catch (e) {
        return e as DataFormatError;
      }
    })();
    expect(err).toBeInstanceOf(DataFormatError);
    expect(err!.message).toBe('iob1.txt:3: 3 I- tags continue no entity (IOB1 leftovers; BIO needs B- first): iob1.txt:3 (O → I-ORG), iob1.txt:7 (post start → I-LOC), iob1.txt:8 (I-LOC → I-PER)');
    const { posts: fixed, breaks } = applyBioPolicy(posts, 'iob1.txt', 'repair');
    expect(breaks.length).toBe(3);
    expect(fixed[1].tags).toEqual(['B-LOC', 'B-PER']);
    expect(() => applyBioPolicy(posts, 'iob1.txt', 'fix' as 'repair')).toThrow(/"repair" or "refuse", got "fix"/);
  });

  it('checkKnownTags names file:line of a tag outside the labels, and the labels', () => {
    const labels = ['O', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-PER', 'I-PER'];
    expect(() => checkKnownTags(posts, 'iob1.txt', labels, "the model's")).not.toThrow();
    const odd = parseTwitterNer('IMGID:5\na\tO\nb\tB-FOO\n', 'odd.txt');
    expect(() => checkKnownTags(odd, 'odd.txt', labels, "the model's")).toThrow(`odd.txt:3: tag "B-FOO" is not one of the model's labels (${labels.join(', ')})`);
  });
});
