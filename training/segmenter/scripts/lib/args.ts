/**
 * A small `--name value` / `--flag` parser for the package scripts; unknown options are errors
 * so a typo never silently trains with a default. Positional arguments land in `_`.
 */
export type ArgValue = string | number | boolean;

export function parseArgs<T extends Record<string, ArgValue>>(argv: string[], defaults: T): T & { _: string[] } {
  const out: Record<string, ArgValue> = { ...defaults };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2);
    if (!(name in defaults)) throw new Error(`unknown option --${name} (known: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')})`);
    if (typeof defaults[name] === 'boolean') {
      out[name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`option --${name} needs a value`);
    if (typeof defaults[name] === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`option --${name} needs a number, got "${value}"`);
      out[name] = n;
    } else out[name] = value;
  }
  return Object.assign(out, { _: positional }) as T & { _: string[] };
}
