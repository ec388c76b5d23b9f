/**
 * `npm run fuzz` (scripts/fuzz.mjs bundles this file with esbuild and calls `main`). The same
 * bundle is the worker: targets run in worker threads, in chunks, with a watchdog that stops a
 * worker stuck on one input (a hang), records it, and carries on with a fresh worker.
 *
 *   npm run fuzz                                   100,000 inputs per target, random run seed (printed)
 *   npm run fuzz -- --seed 1a2b3c4d --count 5000   a reproducible run
 *   npm run fuzz -- --targets jwt,redaction        some targets only
 *   npm run fuzz -- --replay jwt:9f86d081          one input again, in this thread, with its stack
 *   npm run fuzz -- --replay jwt:9f86d081 --minimize --save test/fuzz/findings/x.json
 *   npm run fuzz -- --file test/fuzz/findings/x.json   a stored reproducer
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadCorpus, type Corpus } from './corpus';
import {
  addFailure,
  emptyStats,
  generateInput,
  mergeStats,
  record,
  replayId,
  runInput,
  runRange,
  type InputResult,
  type TargetStats,
} from './engine';
import type { Finding } from './findings';
import { minimize } from './minimize';
import { inputSeed, parseSeed, seedHex } from './prng';
import { setQuick } from './gen';
import { TARGETS, targetByName, type Target } from './targets';

interface Task {
  target: string;
  runSeed: number;
  start: number;
  end: number;
}

interface WorkerInit {
  fuzzWorker: true;
  root: string;
  /** [index of the input running, Date.now() when it started], written by the worker. */
  heartbeat: SharedArrayBuffer;
  slowMs: number;
  quick: boolean;
}

// ── worker side ─────────────────────────────────────────────────────────────────────────────────

function workerMain(init: WorkerInit): void {
  setQuick(init.quick);
  const corpus = loadCorpus(init.root);
  const beat = new Float64Array(init.heartbeat);
  parentPort!.on('message', (task: Task) => {
    const target = targetByName(task.target)!;
    const stats = runRange(target, task.runSeed, task.start, task.end, corpus, {
      slowMs: init.slowMs,
      onInput: (i) => {
        beat[0] = i;
        beat[1] = Date.now();
      },
    });
    beat[1] = 0;
    parentPort!.postMessage({ task, stats });
  });
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.fuzzWorker) workerMain(workerData as WorkerInit);

// ── main side ───────────────────────────────────────────────────────────────────────────────────

const HELP = `npm run fuzz -- [options]
  --count N        inputs per target (default 100000)
  --seed S         run seed, 8 hex digits (default: random, printed)
  --targets a,b    targets to run (default: all): ${TARGETS.map((t) => t.name).join(', ')}
  --workers N      worker threads (default: available CPUs)
  --chunk N        inputs per work unit (default 1000)
  --slow-ms N      an input over N ms is reported as slow (default 1000)
  --hang-ms N      a worker stuck N ms on one input is stopped and the input reported as a hang (default 30000)
  --out DIR        report and failing inputs (default test-results/fuzz)
  --replay T:SEED  regenerate one input (as printed in a report) and run it here, with its stack
  --file PATH      run a stored input (a finding in test/fuzz/findings, or one written by --save / the report)
  --minimize       with --replay/--file: shrink the input while it fails the same way
  --save PATH      with --replay/--file: write the (minimized) input as a finding
  --print          with --replay/--file: print the whole input
  --quick          the quick profile of the bounded run in npm test (long inputs capped at 8,192 characters);
                   replay its seeds with --replay T:SEED --quick
  --list           list the targets`;

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const pad = (s: string | number, n: number, left = false) => (left ? String(s).padStart(n) : String(s).padEnd(n));

/** The failure signature an input run gives (its first failure), or undefined when it passes. */
function signatureOf(r: InputResult, target: string, slowMs: number): string | undefined {
  const stats = emptyStats(target);
  record(stats, 'replay', r, slowMs);
  return stats.groups[0]?.signature;
}

function printResult(
  target: Target<unknown>,
  id: string,
  input: unknown,
  r: InputResult,
  slowMs: number,
  full: boolean,
): boolean {
  const text = JSON.stringify(input);
  console.log(`${id}  (${target.covers})`);
  console.log(
    `input: ${full || text.length <= 1500 ? text : `${text.slice(0, 1500)}… (${text.length} chars; --print for all)`}`,
  );
  console.log(
    `time: ${fmtMs(r.ms)}  [${Object.entries(r.times)
      .map(([fn, ms]) => `${fn} ${fmtMs(ms)}`)
      .join(', ')}]`,
  );
  let failed = false;
  if (r.crash) {
    failed = true;
    console.log(
      `CRASH in ${r.crash.fn}: ${r.crash.message}\n  signature: ${r.crash.signature}\n${r.crash.stack ?? ''}`,
    );
  }
  for (const s of r.swallowed) {
    failed = true;
    console.log(`CRASH (caught inside) in ${s.fn}: ${s.message}`);
  }
  for (const l of r.leaks) {
    failed = true;
    console.log(`LEAK ${l.shape}: ${l.detail}`);
  }
  if (r.ms > slowMs) {
    failed = true;
    console.log(`SLOW: ${fmtMs(r.ms)} > ${slowMs} ms`);
  }
  if (!failed) console.log('ok: no crash, no leak, not slow');
  return failed;
}

function replayMode(
  root: string,
  opts: { replay?: string; file?: string; minimize: boolean; save?: string; print: boolean; slowMs: number },
): number {
  let target: Target<unknown> | undefined;
  let input: unknown;
  let id: string;
  let foundWith: string | undefined;
  if (opts.file) {
    const f = JSON.parse(readFileSync(resolve(opts.file), 'utf8')) as Partial<Finding>;
    target = targetByName(f.target ?? '');
    if (!target) throw new Error(`${opts.file}: unknown target ${String(f.target)}`);
    input = f.input;
    id = opts.file;
    foundWith = f.foundWith;
  } else {
    const m = /^([\w-]+):(\w+)$/.exec(opts.replay ?? '');
    const seed = m ? parseSeed(m[2]!) : NaN;
    target = m ? targetByName(m[1]!) : undefined;
    if (!target || Number.isNaN(seed))
      throw new Error(
        `--replay wants <target>:<seed>, e.g. jwt:9f86d081 (targets: ${TARGETS.map((t) => t.name).join(', ')})`,
      );
    input = generateInput(target, seed, loadCorpus(root));
    id = replayId(target.name, seed);
    foundWith = id;
  }
  let r = runInput(target, input);
  const signature = signatureOf(r, target.name, opts.slowMs);
  if (opts.minimize && signature) {
    const before = JSON.stringify(input).length;
    input = minimize(
      input,
      (candidate) => signatureOf(runInput(target!, candidate), target!.name, opts.slowMs) === signature,
    );
    r = runInput(target, input);
    console.log(
      `minimized: ${before} → ${JSON.stringify(input).length} characters of input, same failure (${signature})`,
    );
  }
  const failed = printResult(target, id, input, r, opts.slowMs, opts.print);
  if (opts.save) {
    const kind =
      r.crash || r.swallowed.length ? 'crash' : r.leaks.length ? 'leak' : r.ms > opts.slowMs ? 'slow' : 'crash';
    const finding: Omit<Finding, 'id'> = {
      status: 'open',
      title: 'TODO: one line',
      target: target.name,
      function: r.crash?.fn ?? r.swallowed[0]?.fn ?? Object.keys(r.times)[0] ?? target.name,
      kind,
      ...(foundWith ? { foundWith } : {}),
      observed: r.crash?.message ?? r.swallowed[0]?.message ?? r.leaks[0]?.detail ?? fmtMs(r.ms),
      match: `^${(signature ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      input,
    };
    writeFileSync(resolve(opts.save), `${JSON.stringify(finding, null, 2)}\n`);
    console.log(`saved ${opts.save}`);
  }
  return failed ? 1 : 0;
}

interface RunOptions {
  count: number;
  runSeed: number;
  targets: Target<unknown>[];
  workers: number;
  chunk: number;
  slowMs: number;
  hangMs: number;
  out: string;
  quick: boolean;
}

interface Slot {
  worker: Worker;
  heartbeat: Float64Array;
  task?: Task;
  /** Set when the watchdog or an error ended this worker: its task is handled already. */
  dead?: boolean;
}

/** Runs every task on a pool of workers; a hung or dead worker is replaced and its task split around the bad input. */
async function runPool(
  self: string,
  root: string,
  o: RunOptions,
  tasks: Task[],
  onDone: (task: Task, stats: TargetStats) => void,
): Promise<void> {
  const queue = [...tasks];
  const slots: Slot[] = [];
  let running = 0;
  await new Promise<void>((resolveAll, rejectAll) => {
    const spawn = (): Slot => {
      const heartbeat = new SharedArrayBuffer(16);
      const init: WorkerInit = { fuzzWorker: true, root, heartbeat, slowMs: o.slowMs, quick: o.quick };
      // ~1 MB of stack, like a browser's main thread (and Node's): deep-nesting limits match the panel's.
      const worker = new Worker(self, {
        workerData: init,
        resourceLimits: { stackSizeMb: 1, maxOldGenerationSizeMb: 4096 },
      });
      const slot: Slot = { worker, heartbeat: new Float64Array(heartbeat) };
      worker.on('message', ({ task, stats }: { task: Task; stats: TargetStats }) => {
        if (slot.dead) return; // the watchdog already reported this task and queued its rest
        onDone(task, stats);
        slot.task = undefined;
        running -= 1;
        next(slot);
      });
      worker.on('error', (error) =>
        fail(
          slot,
          'crash',
          `worker died: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        ),
      );
      worker.on('exit', (code) => {
        if (!slot.dead && slot.task) fail(slot, 'crash', `worker exited (code ${code})`);
      });
      return slot;
    };
    /** The input a worker was on when it hung or died: reported, and its task split around it. */
    const fail = (slot: Slot, kind: 'hang' | 'crash', message: string) => {
      if (slot.dead) return;
      slot.dead = true;
      const task = slot.task;
      void slot.worker.terminate();
      if (task) {
        running -= 1;
        const index = Math.min(Math.max(task.start, slot.heartbeat[0]!), task.end - 1);
        const stats = emptyStats(task.target);
        const id = replayId(task.target, inputSeed(task.runSeed, task.target, index));
        stats.inputs = 1;
        if (kind === 'hang') stats.hangs = 1;
        else stats.crashes = 1;
        addFailure(stats, {
          kind,
          fn: task.target,
          message,
          signature: `${kind} ${task.target}: ${message.replace(/\d+/g, 'N')}`,
          seed: id,
        });
        onDone({ ...task, start: index, end: index + 1 }, stats);
        if (index > task.start) queue.unshift({ ...task, end: index });
        if (index + 1 < task.end) queue.unshift({ ...task, start: index + 1 });
      }
      const fresh = spawn();
      slots[slots.indexOf(slot)] = fresh;
      next(fresh);
    };
    const next = (slot: Slot) => {
      const task = queue.shift();
      if (!task) {
        void slot.worker.terminate();
        slot.dead = true;
        if (running === 0 && queue.length === 0) {
          clearInterval(watchdog);
          resolveAll();
        }
        return;
      }
      slot.task = task;
      slot.heartbeat[0] = task.start;
      slot.heartbeat[1] = Date.now();
      running += 1;
      slot.worker.postMessage(task);
    };
    const watchdog = setInterval(() => {
      for (const slot of slots) {
        const started = slot.heartbeat[1]!;
        if (slot.task && !slot.dead && started > 0 && Date.now() - started > o.hangMs)
          fail(slot, 'hang', `no result after ${o.hangMs} ms`);
      }
    }, 250);
    try {
      for (let i = 0; i < Math.min(o.workers, tasks.length); i++) slots.push(spawn());
      if (slots.length === 0) {
        clearInterval(watchdog);
        resolveAll();
      }
      for (const slot of [...slots]) next(slot);
    } catch (e) {
      clearInterval(watchdog);
      rejectAll(e);
    }
  });
}

/**
 * Runs each slow input again alone, in this thread, best of three. An input over the threshold only
 * while other work shared the CPU measured the machine, not the code: it is taken out of the counts
 * (an input still slow alone stays). Only the seeds a group kept can be re-run; the rest stay counted.
 * Returns how many inputs were taken out.
 */
function confirmSlow(results: TargetStats[], corpus: Corpus, slowMs: number): number {
  let cleared = 0;
  for (const stats of results) {
    for (const group of stats.groups.filter((g) => g.kind === 'slow')) {
      const target = targetByName(stats.target)!;
      const stillSlow = group.seeds.filter((id) => {
        const input = generateInput(target, parseSeed(id.split(':')[1]!), corpus);
        for (let i = 0; i < 3; i++) if (runInput(target, input).ms <= slowMs) return false;
        return true;
      });
      const gone = group.seeds.length - stillSlow.length;
      group.seeds = stillSlow;
      group.count -= gone;
      stats.slow -= gone;
      cleared += gone;
    }
    stats.groups = stats.groups.filter((g) => g.count > 0);
  }
  return cleared;
}

async function runMode(self: string, root: string, o: RunOptions): Promise<number> {
  const started = Date.now();
  console.log(
    `fuzz: seed ${seedHex(o.runSeed)}, ${o.count} inputs per target, targets ${o.targets.map((t) => t.name).join(', ')}, ${o.workers} workers${o.quick ? ', quick profile' : ''}`,
  );
  console.log(
    `      same run again: npm run fuzz -- --seed ${seedHex(o.runSeed)} --count ${o.count}${o.quick ? ' --quick' : ''}${o.targets.length === TARGETS.length ? '' : ` --targets ${o.targets.map((t) => t.name).join(',')}`}`,
  );
  const tasks: Task[] = [];
  // Interleave the targets' chunks so that every target progresses (and slow ones don't end up last).
  for (let start = 0; start < o.count; start += o.chunk)
    for (const t of o.targets)
      tasks.push({ target: t.name, runSeed: o.runSeed, start, end: Math.min(o.count, start + o.chunk) });
  const done: { task: Task; stats: TargetStats }[] = [];
  const progress = setInterval(() => {
    const per = o.targets.map(
      (t) => `${t.name} ${done.filter((d) => d.task.target === t.name).reduce((n, d) => n + d.stats.inputs, 0)}`,
    );
    console.log(`      ${((Date.now() - started) / 1000).toFixed(0)} s: ${per.join(', ')}`);
  }, 30_000);
  try {
    await runPool(self, root, o, tasks, (task, stats) => done.push({ task, stats }));
  } finally {
    clearInterval(progress);
  }
  // Merge in input order, so the seeds listed per failure are the first ones.
  done.sort((a, b) => a.task.start - b.task.start);
  const results = o.targets.map((t) =>
    done.filter((d) => d.task.target === t.name).reduce((acc, d) => mergeStats(acc, d.stats), emptyStats(t.name)),
  );
  const cleared = confirmSlow(results, loadCorpus(root), o.slowMs);
  const elapsed = (Date.now() - started) / 1000;

  console.log('');
  console.log(
    `${pad('target', 12)} ${pad('inputs', 8, true)} ${pad('crashes', 8, true)} ${pad('slow', 6, true)} ${pad('hangs', 6, true)} ${pad('leaks', 7, true)}  ${pad('leaked/planted', 15)} ${pad('slowest', 10, true)}  slowest input`,
  );
  for (const s of results) {
    const lp = s.planted ? `${s.leaked}/${s.planted}` : '-';
    console.log(
      `${pad(s.target, 12)} ${pad(s.inputs, 8, true)} ${pad(s.crashes, 8, true)} ${pad(s.slow, 6, true)} ${pad(s.hangs, 6, true)} ${pad(s.target === 'redaction' ? s.leaks : '-', 7, true)}  ${pad(lp, 15)} ${pad(fmtMs(s.maxMs), 10, true)}  ${s.maxSeed}`,
    );
  }
  if (cleared)
    console.log(
      `\n${cleared} input(s) over ${o.slowMs} ms while the workers shared the CPU ran under it alone (best of three): not counted as slow`,
    );
  console.log(
    `\n${elapsed.toFixed(0)} s in all; mean time per input: ${results.map((s) => `${s.target} ${fmtMs(s.totalMs / Math.max(1, s.inputs))}`).join(', ')}`,
  );

  const groups = results.flatMap((s) => s.groups).sort((a, b) => a.target.localeCompare(b.target) || b.count - a.count);
  const replay = `npm run fuzz --${o.quick ? ' --quick' : ''} --replay <target:seed>`;
  const shown = groups.filter((g) => g.kind !== 'leak');
  if (shown.length) {
    console.log(`\nfailures (replay one: ${replay}):`);
    for (const g of shown)
      console.log(
        `  ${pad(g.kind, 5)} ${pad(g.target, 11)} ${pad(g.count, 6, true)}×  ${g.signature}\n        first: ${g.message.slice(0, 200)}\n        seeds: ${g.seeds.slice(0, 5).join(' ') || '(not kept)'}`,
      );
  }
  const leaks = groups.filter((g) => g.kind === 'leak');
  if (leaks.length) {
    // Leaks come in many shapes: counted by token kind and encoding, and by placement; every group is in the report.
    const tally = (key: (shape: string) => string) => {
      const m = new Map<string, number>();
      for (const g of leaks) m.set(key(g.signature), (m.get(key(g.signature)) ?? 0) + g.count);
      return [...m]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    };
    const parts = (sig: string) => sig.replace(/^leak /, '').split('/');
    console.log(`\nleaks (secrets leaked, by group; replay one: ${replay}):`);
    console.log(`  by kind/encoding: ${tally((s) => parts(s).slice(0, 2).join('/'))}`);
    console.log(
      `  by placement: ${tally(
        (s) =>
          `${parts(s)[0]}/${parts(s)
            .slice(2)
            .join('/')
            .replace(/ \(in an event\)$/, '')}`,
      )}`,
    );
    for (const g of leaks.slice(0, 8))
      console.log(`  ${pad(g.count, 6, true)}×  ${g.signature}: ${g.seeds.slice(0, 3).join(' ')}`);
    if (leaks.length > 8) console.log(`  … ${leaks.length - 8} more leak groups in the report`);
  }

  // The report, and the first input of each failure group, replayable with --file.
  const outDir = resolve(root, o.out);
  mkdirSync(join(outDir, 'inputs'), { recursive: true });
  const corpus: Corpus = loadCorpus(root);
  for (const g of groups.filter((x) => x.seeds.length > 0)) {
    const [name, hex] = g.seeds[0]!.split(':') as [string, string];
    const target = targetByName(name)!;
    let input: unknown;
    try {
      input = generateInput(target, parseSeed(hex), corpus);
    } catch {
      continue; // a failure of the generator itself: nothing to write
    }
    writeFileSync(
      join(outDir, 'inputs', `${name}-${hex}.json`),
      JSON.stringify({ target: name, foundWith: g.seeds[0], kind: g.kind, observed: g.message, input }),
    );
  }
  writeFileSync(
    join(outDir, 'report.json'),
    `${JSON.stringify({ seed: seedHex(o.runSeed), count: o.count, slowMs: o.slowMs, hangMs: o.hangMs, workers: o.workers, elapsedSeconds: elapsed, results }, null, 1)}\n`,
  );
  console.log(
    `\nreport: ${join(o.out, 'report.json')}; first input of each failure: ${join(o.out, 'inputs')}/ (npm run fuzz -- --file <path>)`,
  );
  return groups.length ? 1 : 0;
}

/** Entry point. `self`: this bundle's path (the workers run it too); `root`: the repository. */
export async function main(argv: string[], { root, self }: { root: string; self: string }): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string' },
      seed: { type: 'string' },
      targets: { type: 'string' },
      workers: { type: 'string' },
      chunk: { type: 'string' },
      'slow-ms': { type: 'string' },
      'hang-ms': { type: 'string' },
      out: { type: 'string' },
      replay: { type: 'string' },
      file: { type: 'string' },
      minimize: { type: 'boolean', default: false },
      save: { type: 'string' },
      print: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const int = (s: string | undefined, def: number, name: string) => {
    if (s === undefined) return def;
    const n = Number(s.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants a positive integer, not ${s}`);
    return n;
  };
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.list) {
    for (const t of TARGETS) console.log(`${pad(t.name, 12)} ${t.covers}`);
    return 0;
  }
  const slowMs = int(values['slow-ms'], 1000, 'slow-ms');
  setQuick(values.quick);
  if (values.replay || values.file) {
    return replayMode(root, {
      replay: values.replay,
      file: values.file,
      minimize: values.minimize,
      save: values.save,
      print: values.print,
      slowMs,
    });
  }
  const names = values.targets ? values.targets.split(',').map((s) => s.trim()) : TARGETS.map((t) => t.name);
  const targets = names.map((n) => {
    const t = targetByName(n);
    if (!t) throw new Error(`unknown target ${n} (targets: ${TARGETS.map((x) => x.name).join(', ')})`);
    return t;
  });
  const runSeed = values.seed !== undefined ? parseSeed(values.seed) : crypto.getRandomValues(new Uint32Array(1))[0]!;
  if (Number.isNaN(runSeed)) throw new Error(`--seed wants 8 hex digits, not ${values.seed}`);
  return runMode(self, root, {
    count: int(values.count, 100_000, 'count'),
    runSeed,
    targets,
    workers: int(values.workers, availableParallelism(), 'workers'),
    chunk: int(values.chunk, 1_000, 'chunk'),
    slowMs,
    hangMs: int(values['hang-ms'], 30_000, 'hang-ms'),
    out: values.out ?? 'test-results/fuzz',
    quick: values.quick,
  });
}
