// A log written by market model 1 (ticktape 0.1: one mid-priced tick per symbol per step, tick JSON
// without marketTime or kind) is refused by the real entry point: exit 1, one stderr line naming
// the file and "market model 1", and the file left as it was, so ticktape 0.1 can still run on it
// as the line advises. A model-2 log starts. The model-1 files are written here the way 0.1 wrote
// them: its two migrations, its tick JSON, its checkpoints (tagged with the batch's last id, or
// bare as before tagging, or none).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { builtinSymbol } from '../../simulator/universe.ts';
import { getJson } from '../helpers/http.ts';
import { buildLog } from '../helpers/log.ts';
import { ROOT, exitOf, spawnTicktape, startChildServer, stopChild } from '../helpers/process.ts';
import { tempDir } from '../helpers/server.ts';

const dir = tempDir('ticktape-model-1-');

test.before(async () => {
  // So that the child's stderr holds nothing about a frontend build.
  await ensureFrontendBuilt();
});

/** ticktape 0.1's schema: the migrations it shipped (001, 002), user_version 2. */
function modelOneFile(name: string, checkpoint: (lastId: number) => string | null): string {
  const file = path.join(dir, name);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    for (const [version, migration] of [[1, '001_init.sql'], [2, '002_history.sql']] as const) {
      db.exec(fs.readFileSync(path.join(ROOT, 'db', 'migrations', migration), 'utf8'));
      db.pragma(`user_version = ${version}`);
    }
    db.prepare('INSERT INTO history (only, epoch) VALUES (1, ?)').run('6f1c1a3e-0b5d-4a57-9d0e-3a1f2b4c5d6e');
    const insert = db.prepare('INSERT INTO ticks (id, symbol, ts, json) VALUES (?, ?, ?, ?)');
    let id = 0;
    for (let step = 0; step < 20; step++) {
      for (const [symbol, base] of [['AAPL', 189.5], ['MSFT', 412.3]] as const) {
        id++;
        const ts = 1_763_920_000_000 + step * 500;
        const price = Math.round((base + step * 0.01) * 100) / 100;
        // Model 1's tick: the contract's 14 fields, in wire order.
        const tick = {
          id, ts, symbol, price, bid: Math.round((price - 0.01) * 100) / 100, ask: Math.round((price + 0.01) * 100) / 100,
          size: 100, volume: 100 * (step + 1), open: base, high: price, low: base, prevClose: base,
          change: Math.round((price - base) * 100) / 100, changePct: Math.round(((price - base) / base) * 100_000) / 1000,
        };
        insert.run(id, symbol, ts, JSON.stringify(tick));
      }
    }
    const value = checkpoint(id);
    if (value !== null) db.prepare('INSERT INTO checkpoint (only, value) VALUES (1, ?)').run(value);
  } finally {
    db.close();
  }
  return file;
}

/** Model 1's simulator checkpoint (simulator.ts, CHECKPOINT_VERSION 1); `version` absent when asked. */
function modelOneState(withVersion: boolean): string {
  const rng = { s: [1, 2, 3, 4] };
  const symbols = ['AAPL', 'MSFT'].map((symbol) => ({ symbol, price: 190, prevClose: 189.5, open: 189.5, high: 190, low: 189.5, volume: 2000, rng }));
  return JSON.stringify({ ...(withVersion ? { version: 1 } : {}), steps: 20, sessionSteps: 20, epoch: 0, market: rng, symbols });
}

/** Everything a refusal must leave alone: the rows, the checkpoint, the history, the schema version. */
function contents(file: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return {
      userVersion: db.pragma('user_version', { simple: true }),
      columns: db.prepare('SELECT name FROM pragma_table_info(\'ticks\') ORDER BY cid').pluck().all(),
      ticks: db.prepare('SELECT id, symbol, ts, json FROM ticks ORDER BY id').all(),
      checkpoint: db.prepare('SELECT value FROM checkpoint').pluck().all(),
      history: db.prepare('SELECT epoch FROM history').pluck().all(),
    };
  } finally {
    db.close();
  }
}

const CASES: { name: string; checkpoint: (lastId: number) => string | null }[] = [
  // What 0.1 wrote: {lastId, simulator, seed}, the simulator's state with version 1.
  { name: 'tagged checkpoint of model 1 (version 1)', checkpoint: (lastId) => JSON.stringify({ lastId, simulator: modelOneState(true), seed: 7 }) },
  { name: 'tagged checkpoint with no version', checkpoint: (lastId) => JSON.stringify({ lastId, simulator: modelOneState(false), seed: 7 }) },
  { name: 'untagged checkpoint with no version', checkpoint: () => modelOneState(false) },
  { name: 'no checkpoint: ticks without marketTime', checkpoint: () => null },
];

for (const [i, { name, checkpoint }] of CASES.entries()) {
  test(`${name}: exit 1, one stderr line naming the db and market model 1, the file untouched`, async () => {
    const db = modelOneFile(`model-1-${i}.db`, checkpoint);
    const before = contents(db);
    const proc = spawnTicktape(['--db', db, '--port', '0', '--symbols', 'AAPL,MSFT']);
    const exit = await exitOf(proc);
    assert.equal(exit, { code: 1, signal: null }, proc.stderr);
    const lines = proc.stderr.split('\n').filter((line) => line !== '');
    assert.is(lines.length, 1, `one stderr line:\n${proc.stderr}`);
    assert.is(
      lines[0],
      `ticktape: cannot start: ${db} was written by market model 1 (one mid-priced tick per symbol per step); ` +
        'this ticktape runs model 2 and cannot continue it: start a new log with another --db, or run ticktape 0.1 on this one',
    );
    assert.not.match(proc.stdout, /listening on/);
    assert.equal(contents(db), before, 'the log is as ticktape 0.1 left it');
  });
}

test('a model-2 log starts and continues its ids', async () => {
  const db = path.join(dir, 'model-2.db');
  const built = buildLog(db, [builtinSymbol('AAPL')!, builtinSymbol('MSFT')!], 30, 3);
  const child = await startChildServer(['--db', db, '--port', '0', '--symbols', 'AAPL,MSFT', '--interval', '50', '--max-events-per-second', '500']);
  try {
    const health = await getJson(`${child.url}/healthz`);
    assert.is(health.status, 200);
    assert.ok(health.body.lastEventId >= built);
    assert.not.match(child.stderr, /model 1/);
  } finally {
    await stopChild(child);
  }
});

test.run();
