/**
 * The fuzz engine: generates input `i` of a target from its own seed, runs it with a per-input time
 * measurement, and classifies the outcome (crash, slow, leak). Used in-process by the bounded run
 * in `npm test` (test/unit/fuzz.test.ts) and inside worker threads by `npm run fuzz` (cli.ts), which
 * adds the watchdog for hangs.
 */
import type { Corpus } from './corpus';
import { inputSeed, Rng, seedHex } from './prng';
import type { Probe, Target } from './targets';

export type FailureKind = 'crash' | 'slow' | 'leak' | 'hang';

/** One kind of failure (same kind, function, error and place), with how often it occurred and the first seeds. */
export interface FailureGroup {
  kind: FailureKind;
  target: string;
  /** What identifies the group: kind, function, error name, normalized message, the first frame in our code. */
  signature: string;
  /** The function the failure is attributed to. */
  fn: string;
  /** The first occurrence's message (error message, leak detail, or time). */
  message: string;
  count: number;
  /** Replay ids (`target:seed`) of the first few occurrences. */
  seeds: string[];
  /** The first occurrence's stack, for crashes. */
  stack?: string;
}

export interface TargetStats {
  target: string;
  inputs: number;
  /** Inputs that crashed (threw, or had a failure swallowed inside the code under test). */
  crashes: number;
  /** Inputs over the slow threshold. */
  slow: number;
  /** Inputs with at least one leaked secret. */
  leaks: number;
  /** Inputs the watchdog had to stop (cli.ts only). */
  hangs: number;
  /** Secrets planted and secrets leaked (redaction). */
  planted: number;
  leaked: number;
  /** The slowest input: its time (ms) and replay id. */
  maxMs: number;
  maxSeed: string;
  /** Total time spent in the code under test, ms. */
  totalMs: number;
  groups: FailureGroup[];
}

/** What happened to one input. */
export interface InputResult {
  ms: number;
  crash?: { fn: string; error: unknown; message: string; signature: string; stack?: string };
  swallowed: { fn: string; message: string }[];
  leaks: { shape: string; detail: string }[];
  planted: number;
  /** Time per function, ms. */
  times: Record<string, number>;
}

/** Seeds kept per failure group. */
const SEEDS_PER_GROUP = 5;
const SLOW_SEEDS_PER_GROUP = 200;
/** Seeds a failure group keeps: slow inputs are re-run alone at the end of a run (cli.ts, confirmSlow). */
const seedsKept = (kind: FailureGroup['kind']) => (kind === 'slow' ? SLOW_SEEDS_PER_GROUP : SEEDS_PER_GROUP);

export const replayId = (target: string, seed: number): string => `${target}:${seedHex(seed)}`;

/** The first stack frame in our code (the src/ or test/ function that was running), by function name. */
function topFrame(stack: string | undefined): string {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = /^\s*at (?:new )?([^\s(]+) \((?!node:|<anonymous>)/.exec(line);
    if (m && !/^(Array|Object|JSON|String|Number|Map|Set|Reflect|Function)\./.test(m[1]!)) return m[1]!;
  }
  return '?';
}

/** A message with its variable parts (numbers, quoted text) blanked, so that one bug gives one group. */
const normalize = (message: string) =>
  message
    .replace(/"[^"]{0,200}"|'[^']{0,200}'/g, '…')
    .replace(/\d+(\.\d+)?/g, 'N')
    .slice(0, 160);

export function describeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error)
    return {
      name: error.name || error.constructor?.name || 'Error',
      message: String(error.message),
      ...(error.stack ? { stack: error.stack } : {}),
    };
  let text: string;
  try {
    text = JSON.stringify(error) ?? typeof error;
  } catch {
    text = typeof error;
  }
  return { name: typeof error, message: `non-Error thrown: ${text.slice(0, 200)}` };
}

/** Runs one input of a target, catching and classifying what happens. */
export function runInput<I>(target: Target<I>, input: I): InputResult {
  const result: InputResult = { ms: 0, swallowed: [], leaks: [], planted: 0, times: {} };
  let thrownIn: string | undefined;
  const probe: Probe = {
    call(fn, f) {
      const t0 = performance.now();
      try {
        return f();
      } catch (e) {
        thrownIn ??= fn;
        throw e;
      } finally {
        result.times[fn] = (result.times[fn] ?? 0) + performance.now() - t0;
      }
    },
    leak: (shape, detail) => result.leaks.push({ shape, detail }),
    planted: (n) => (result.planted += n),
    swallowed: (fn, message) => result.swallowed.push({ fn, message }),
  };
  const t0 = performance.now();
  try {
    target.run(input, probe);
  } catch (error) {
    const d = describeError(error);
    const fn = thrownIn ?? target.name;
    // A stack overflow happens at whatever frame is deepest: the frame would split one bug into many groups.
    const frame = d.name === 'RangeError' && /call stack/i.test(d.message) ? '' : ` @ ${topFrame(d.stack)}`;
    result.crash = {
      fn,
      error,
      message: `${d.name}: ${d.message}`,
      signature: `crash ${fn}: ${d.name}: ${normalize(d.message)}${frame}`,
      ...(d.stack ? { stack: d.stack } : {}),
    };
  }
  result.ms = performance.now() - t0;
  return result;
}

/** The input of `target` for a seed. */
export function generateInput<I>(target: Target<I>, seed: number, corpus: Corpus): I {
  return target.generate(new Rng(seed), corpus);
}

export function emptyStats(target: string): TargetStats {
  return {
    target,
    inputs: 0,
    crashes: 0,
    slow: 0,
    leaks: 0,
    hangs: 0,
    planted: 0,
    leaked: 0,
    maxMs: 0,
    maxSeed: '',
    totalMs: 0,
    groups: [],
  };
}

/** Adds one failure to the stats' groups. */
export function addFailure(
  stats: TargetStats,
  f: Omit<FailureGroup, 'count' | 'seeds' | 'target'> & { seed: string },
): FailureGroup {
  let group = stats.groups.find((g) => g.signature === f.signature);
  if (!group) {
    group = {
      kind: f.kind,
      target: stats.target,
      signature: f.signature,
      fn: f.fn,
      message: f.message,
      count: 0,
      seeds: [],
      ...(f.stack ? { stack: f.stack } : {}),
    };
    stats.groups.push(group);
  }
  group.count += 1;
  if (group.seeds.length < seedsKept(f.kind)) group.seeds.push(f.seed);
  return group;
}

/** Records one input's result in the stats. */
export function record(stats: TargetStats, id: string, r: InputResult, slowMs: number): void {
  stats.inputs += 1;
  stats.totalMs += r.ms;
  stats.planted += r.planted;
  if (r.ms > stats.maxMs) {
    stats.maxMs = r.ms;
    stats.maxSeed = id;
  }
  if (r.crash || r.swallowed.length) stats.crashes += 1;
  if (r.crash)
    addFailure(stats, {
      kind: 'crash',
      fn: r.crash.fn,
      message: r.crash.message,
      signature: r.crash.signature,
      seed: id,
      ...(r.crash.stack ? { stack: r.crash.stack } : {}),
    });
  for (const s of r.swallowed)
    addFailure(stats, {
      kind: 'crash',
      fn: s.fn,
      message: s.message,
      signature: `crash ${s.fn}: ${normalize(s.message)}`,
      seed: id,
    });
  if (r.leaks.length) {
    stats.leaks += 1;
    stats.leaked += r.leaks.length;
    for (const l of new Map(r.leaks.map((x) => [x.shape, x])).values())
      addFailure(stats, {
        kind: 'leak',
        fn: stats.target,
        message: `${l.shape}: ${l.detail}`,
        signature: `leak ${l.shape.replace(/:[^/ ]+/, '')}`,
        seed: id,
      });
  }
  if (r.ms > slowMs) {
    stats.slow += 1;
    const [fn] = Object.entries(r.times).sort((a, b) => b[1] - a[1])[0] ?? [stats.target];
    addFailure(stats, {
      kind: 'slow',
      fn,
      message: `${r.ms.toFixed(0)} ms (${fn} ${(r.times[fn] ?? r.ms).toFixed(0)} ms)`,
      signature: `slow ${fn}`,
      seed: id,
    });
  }
}

export interface RangeOptions {
  /** Inputs over this many ms count as slow (default 1000). */
  slowMs?: number;
  /** Called before input `index` runs (the worker's watchdog heartbeat). */
  onInput?: (index: number) => void;
}

/** Runs inputs [start, end) of a target for a run seed. */
export function runRange<I>(
  target: Target<I>,
  runSeed: number,
  start: number,
  end: number,
  corpus: Corpus,
  opts: RangeOptions = {},
): TargetStats {
  const stats = emptyStats(target.name);
  const slowMs = opts.slowMs ?? 1000;
  for (let i = start; i < end; i++) {
    opts.onInput?.(i);
    const seed = inputSeed(runSeed, target.name, i);
    let input: I;
    try {
      input = generateInput(target, seed, corpus);
    } catch (error) {
      // A bug of the fuzzer itself: reported like a crash, so that it is seen and fixed, not hidden.
      const d = describeError(error);
      stats.inputs += 1;
      stats.crashes += 1;
      addFailure(stats, {
        kind: 'crash',
        fn: 'generate (fuzzer)',
        message: `${d.name}: ${d.message}`,
        signature: `crash generate (fuzzer): ${d.name}: ${normalize(d.message)}`,
        seed: replayId(target.name, seed),
        ...(d.stack ? { stack: d.stack } : {}),
      });
      continue;
    }
    record(stats, replayId(target.name, seed), runInput(target, input), slowMs);
  }
  return stats;
}

/** Adds `b` into `a` (same target). */
export function mergeStats(a: TargetStats, b: TargetStats): TargetStats {
  a.inputs += b.inputs;
  a.crashes += b.crashes;
  a.slow += b.slow;
  a.leaks += b.leaks;
  a.hangs += b.hangs;
  a.planted += b.planted;
  a.leaked += b.leaked;
  a.totalMs += b.totalMs;
  if (b.maxMs > a.maxMs) {
    a.maxMs = b.maxMs;
    a.maxSeed = b.maxSeed;
  }
  for (const g of b.groups) {
    const mine = a.groups.find((x) => x.signature === g.signature);
    if (!mine) a.groups.push({ ...g, seeds: [...g.seeds] });
    else {
      mine.count += g.count;
      for (const s of g.seeds) if (mine.seeds.length < seedsKept(g.kind)) mine.seeds.push(s);
    }
  }
  return a;
}
