/**
 * Group commits of finished runs' files (src/io/atomic.ts, commitAside). A worker thread writes a run's files aside
 * and goes on to its next run; here, on the executor's thread, the files of every run that finished meanwhile are
 * fsync'd together and renamed into place, and each of those runs is reported only then. While one group is being
 * made durable the next one gathers, so a sweep of thousands of tiny runs pays a few fsyncs per group rather than two
 * per run, and a long run's files are committed as soon as it ends (a group of one).
 */
import { commitArrowFiles, type PendingWrite } from '../io/index.js';
import type { RunOutcome } from './messages.js';

interface Waiting {
  writes: readonly PendingWrite[];
  done: (error: Error | null) => void;
}

/** Makes groups of files durable under their names: one entry per group, null or the error naming its file. */
type CommitGroups = (groups: readonly (readonly PendingWrite[])[]) => Promise<(Error | null)[]>;

export class GroupCommitter {
  #waiting: Waiting[] = [];
  #committing = false;

  /** `commitGroups` is the io layer's (commitArrowFiles); a test passes its own to see how runs were grouped. */
  constructor(private readonly commitGroups: CommitGroups = commitArrowFiles) {}

  /**
   * The outcome, without `pending`, once its files are durable under their names; a failed outcome naming the file
   * when they cannot be made so (a full disk), with none of its files named. An outcome with nothing pending (a
   * failed run) is returned as it is.
   */
  async commit(outcome: RunOutcome): Promise<RunOutcome> {
    const { pending, ...rest } = outcome;
    if (!pending || pending.length === 0) return rest;
    const error = await new Promise<Error | null>((done) => {
      this.#waiting.push({ writes: pending, done });
      if (!this.#committing) void this.#drain();
    });
    if (!error) return rest;
    return { ...rest, status: 'failed', error: `${error.name}: ${error.message}`, steps_done: 0, digest: null, prediction: null };
  }

  async #drain(): Promise<void> {
    this.#committing = true;
    try {
      while (this.#waiting.length > 0) {
        const group = this.#waiting.splice(0);
        // commitArrowFiles reports a file's failure in its entry; a rejection (a bug) fails the whole group alike
        const errors = await this.commitGroups(group.map((w) => w.writes)).catch((err: unknown) =>
          group.map(() => (err instanceof Error ? err : new Error(String(err)))),
        );
        group.forEach((w, i) => w.done(errors[i]));
      }
    } finally {
      this.#committing = false;
    }
  }
}
