/**
 * Tokenizer speed on long texts (npx tsx packages/core/scripts/tokenizer-bench.ts).
 * Prints milliseconds per 100,000 characters for tweet-like text and for pathological runs.
 */
import { tokenize } from '../src/text';

const fragments = ['RT', ' ', '@user', ': ', '#NBA', ' ', 'Finals', ' ', '😂', '👨‍👩‍👧‍👦', ' ', 'http://t.co/xYz', ' ', 'مرحبا', ' ', '10,000', '!', ' ', ':)', '\n'];
function build(length: number, parts: string[]): string {
  let text = '';
  for (let k = 0; text.length < length; k += 1) text += parts[k % parts.length];
  return text.slice(0, length);
}
const cases: Record<string, string> = {
  'tweet-like text': build(100_000, fragments),
  'one word': 'a'.repeat(100_000),
  'combining marks': 'e' + '\u0301'.repeat(99_999),
  flags: '🇯🇵'.repeat(50_000),
  punctuation: '!'.repeat(100_000),
};
tokenize(cases['tweet-like text'].slice(0, 1000)); // warm-up
for (const [name, text] of Object.entries(cases)) {
  const t0 = performance.now();
  const n = tokenize(text).length;
  console.log(`${name.padEnd(16)} ${(performance.now() - t0).toFixed(1).padStart(8)} ms  (${text.length} chars, ${n} tokens)`);
}
