import { describe, expect, it } from 'vitest';
import { beginWork, describeFailure, EXIT, UsageError } from '../../src/cli/errors.js';
import { ArrowFileError, JournalError, OutDirError, OutputFileError } from '../../src/io/index.js';
import { QueueError } from '../../src/run/queue.js';
import { parseShard, ResultsVersionError, SweepSpecError } from '../../src/sweep/index.js';

/** A system error as Node throws it (a full disk). */
const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });

const shardError = (() => {
  try {
    parseShard('5/4');
  } catch (err) {
    return err as Error;
  }
  throw new Error('parseShard accepted 5/4');
})();

const refusals: [string, Error][] = [
  ['UsageError', new UsageError('--workers: must be ≥ 1')],
  ['SweepSpecError', new SweepSpecError('x.yaml', [{ path: 'seed', reason: 'must be an integer' }])],
  ['ShardArgError', shardError],
  ['ResultsVersionError', new ResultsVersionError('out/x', 'holds results of version 1')],
  ['OutDirError', new OutDirError('out/x is in use by another lnsweep run')],
  ['QueueError', new QueueError('cannot reach Redis at redis://nowhere:1')],
];
const fileErrors: [string, Error][] = [
  ['ArrowFileError', new ArrowFileError('out/x/summary.arrow', 'could not write: ENOSPC', { cause: enospc })],
  ['JournalError', new JournalError('out/x/journal.jsonl', "cannot append 'run_done': ENOSPC", { cause: enospc })],
  ['OutputFileError', new OutputFileError('out/x/plan.json', 'could not write: ENOSPC', { cause: enospc })],
];

// One file, in this order: beginWork cannot be undone within a process.
describe('each failure has a class named for it and an exit status', () => {
  it.each([...refusals, ...fileErrors])('%s before any output is written: bad input, its message alone', (name, err) => {
    expect(err.name).toBe(name);
    expect(describeFailure(err)).toEqual({ code: EXIT.badInput, message: err.message });
  });

  it('a bad --shard says so in the form scripts match', () => {
    expect(shardError.message).toBe("[sweep] --shard: K must be between 1 and N = 4 (got '5/4')");
  });

  it.each(fileErrors)('%s from a full disk once the command writes its folder: output failure (1)', (_name, err) => {
    beginWork('out/x');
    const { code, message } = describeFailure(err);
    expect(code).toBe(EXIT.failed);
    expect(message).toContain(err.message);
  });

  it.each(refusals)('%s stays bad input (2) after the command started writing', (_name, err) => {
    beginWork('out/x');
    expect(describeFailure(err).code).toBe(EXIT.badInput);
  });

  it('an error of no listed class is a bug, reported with its stack', () => {
    const { code, message } = describeFailure(new TypeError('x is undefined'));
    expect(code).toBe(EXIT.failed);
    expect(message).toMatch(/internal error .*TypeError: x is undefined/s);
  });
});
