/**
 * The real inputs the fuzzer mutates: the captured logs (test/fixtures/captures/*.json), the HAR
 * files (test/fixtures/har/*), and what they hold: every event, every token.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Corpus {
  /** Each capture's entries (LogEntry[] as JSON), by file name. */
  captures: { name: string; entries: unknown[] }[];
  /** Each HAR fixture, parsed (and the non-HAR JSON kept there on purpose). */
  hars: { name: string; json: unknown }[];
  /** Every event of every capture (for page messages). */
  events: unknown[];
  /** Every distinct token string the captures hold (token fields and JWT-looking strings). */
  tokens: string[];
}

const JWT_LIKE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g;

/** Loads the corpus from the repository at `root`. */
export function loadCorpus(root: string): Corpus {
  const capDir = join(root, 'test/fixtures/captures');
  const harDir = join(root, 'test/fixtures/har');
  const captures = readdirSync(capDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({
      name,
      entries: (JSON.parse(readFileSync(join(capDir, name), 'utf8')) as { entries: unknown[] }).entries,
    }));
  const hars = readdirSync(harDir)
    .filter((f) => /\.(har|json)$/.test(f))
    .sort()
    .map((name) => ({ name, json: JSON.parse(readFileSync(join(harDir, name), 'utf8')) as unknown }));
  const events = captures.flatMap((c) => c.entries.map((e) => (e as { event: unknown }).event));
  const tokens = new Set<string>();
  const visit = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (/token/i.test(key) && v.length > 0) tokens.add(v);
      for (const m of v.matchAll(JWT_LIKE)) tokens.add(m[0]);
    } else if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(events, '');
  visit(
    hars.map((h) => h.json),
    '',
  );
  return { captures, hars, events, tokens: [...tokens].sort() };
}
