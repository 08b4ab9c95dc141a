import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// `trimod train --train X --dev Y` with no other flag must train the README's default recipe.
// Tiny data written by the test; one epoch each, reading what the saved model.json says.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-cli-defaults-'));
// Starts with a byte-order mark and an IOB1 leftover: both are handled on the way in.
const DATA = '\uFEFFIMGID:1\nKawhi\tI-PER\nLeonard\tI-PER\nwins\tO\n\nIMGID:2\n#\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC\n';
const data = path.join(dir, 'train.txt');
const captions = path.join(dir, 'captions.json');
writeFileSync(data, DATA);
writeFileSync(captions, JSON.stringify({ '1.jpg': 'kawhi leonard playing basketball', '2.jpg': 'a city skyline' }));

function train(out: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'train', '--train', data, '--dev', data, '--epochs', '1', '--backend', 'wasm', '--out', path.join(dir, out), ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`trimod train failed: ${r.stderr}`);
  const saved = JSON.parse(readFileSync(path.join(dir, out, 'model', 'model.json'), 'utf8'));
  return { stderr: r.stderr, config: saved.config, checkpoint: path.join(dir, out, 'checkpoint', 'model.json') };
}

/** The size of a saved model's caption-match modality (its encoder's dim), 0 without one. */
const captionMatchDim = (config: { encoders: Record<string, { config: { dim?: number } }> }) => config.encoders.captionMatch?.config.dim ?? 0;

describe('trimod train defaults', () => {
  it('with only --train, --dev and --captions: text only, caption match, GloVe + 50,000 frequent words, patience 6', () => {
    const { stderr, config, checkpoint } = train('default', '--captions', captions);
    expect(stderr).toContain('BIO tags: repaired 2 I-X');
    expect(Object.keys(config.encoders)).toEqual(['text', 'captionMatch']); // no hashtag or visual encoder
    expect(captionMatchDim(config)).toBe(16);
    expect(config.labels).toEqual(['O', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-PER', 'I-PER']);
    const text = config.encoders.text.config;
    expect(text.wordDim).toBe(100); // the bundled GloVe
    expect(text.wordVocabulary.words.length).toBeGreaterThan(49000); // the training words + GloVe's frequent words
    expect(text.wordVocabulary.words).toContain('president'); // not in the training data
    expect(JSON.parse(readFileSync(checkpoint, 'utf8')).config.state.options.patience).toBe(6);
  });

  it('caption match is left out without captions or with --no-caption-match, kept with --caption-match', () => {
    let r = train('no-captions', '--embeddings', 'none');
    expect(captionMatchDim(r.config)).toBe(0);
    expect(r.stderr).toContain('caption match: off (no --captions to learn it from)');
    expect(r.config.encoders.text.config.wordVocabulary.words.length).toBeLessThan(20); // no vectors, no frequent words
    r = train('no-match', '--embeddings', 'none', '--captions', captions, '--no-caption-match');
    expect(captionMatchDim(r.config)).toBe(0);
    r = train('match', '--embeddings', 'none', '--caption-match');
    expect(captionMatchDim(r.config)).toBe(16);
    expect(r.stderr).toContain('--caption-match without --captions');
  });

  it('--help shows the recipe\'s epochs, patience and modalities as defaults', () => {
    const help = spawnSync(process.execPath, [bin, 'train', '--help'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--epochs <n> most epochs \(default: "40"\)/);
    expect(help).toMatch(/--patience <n> .*? \(default: "6"\)/);
    expect(help).toMatch(/--modalities <list> .*? \(default: "text"\)/);
    expect(help).toMatch(/--no-caption-match/);
    expect(help).toMatch(/--bio <policy> .*? \(default: "repair"\)/);
  });
});
