/**
 * Keeps `summary.arrow` current while a sweep runs: rewritten (aside, then renamed) at most every `intervalMs`,
 * because rewriting it after each of thousands of tiny runs would make orchestration quadratic; and once more at
 * the end. A crash loses nothing: the rows are rebuilt from the run files on the next start.
 */
import { rowOf, writeSummary, type RowSource } from '../io/index.js';

export class SummaryWriter {
  /** rows taken from a summary file are built only if this file is written (summary-table.ts) */
  readonly rows = new Map<string, RowSource>();
  /** the stamps of the rows' files when verified or written (src/io/out-folder/stamps.ts), kept in the metadata */
  readonly #stamps = new Map<string, string>();
  #dirty = false;
  #writing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly path: string,
    private readonly provenance: Record<string, string>,
    private readonly intervalMs = 2000,
  ) {}

  /** `stamp`: of the run's files when the row was built from them (none for a failed run) */
  set(row: RowSource, stamp?: string): void {
    this.rows.set(row.run_id, row);
    if (stamp) this.#stamps.set(row.run_id, stamp);
    else this.#stamps.delete(row.run_id);
    this.#dirty = true;
    if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        void this.flush().catch(() => {
          // Reported by the final flush, which the coordinator awaits; a periodic write may fail transiently.
        });
      }, this.intervalMs);
      this.#timer.unref();
    }
  }

  /** The rows set so far are those on disk already (read back from this very file): nothing to write for them. */
  markWritten(): void {
    this.#dirty = false;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  /** Writes now if anything changed; resolves when the file on disk holds every row set so far. */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    while (this.#writing) await this.#writing;
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#writing = writeSummary(this.path, [...this.rows.values()].map(rowOf), this.provenance, this.#stamps).finally(() => {
      this.#writing = null;
    });
    try {
      await this.#writing;
    } catch (err) {
      this.#dirty = true;
      throw err;
    }
  }
}
