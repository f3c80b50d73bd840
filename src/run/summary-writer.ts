/**
 * Keeps `summary.arrow` current while a sweep runs: rewritten (aside, then renamed) at most every `intervalMs`,
 * because rewriting it after each of thousands of tiny runs would make orchestration quadratic; and once more at
 * the end. A crash loses nothing: the rows are rebuilt from the run files on the next start.
 *
 * A rewrite holds the coordinator's thread for its whole length (building the table, encoding, fsync), and meanwhile
 * no worker that finishes a run is given its next one. It grows with the rows (tens of milliseconds at a few thousand
 * runs), so the wait after a rewrite is at least WRITE_SHARE times as long as that rewrite took: the rewrites then
 * hold the thread at most 1/(WRITE_SHARE + 1) of the time, however large the sweep.
 */
import { rowOf, writeSummary, type RowSource, type SummaryRow } from '../io/index.js';

/** The wait before the next rewrite is at least this many times the last rewrite's duration. */
const WRITE_SHARE = 20;

type WriteRows = (rows: SummaryRow[], stamps: ReadonlyMap<string, string>) => Promise<void>;

export class SummaryWriter {
  /** rows taken from a summary file are built only if this file is written (summary-table.ts) */
  readonly rows = new Map<string, RowSource>();
  /** the stamps of the rows' files when verified or written (src/io/out-folder/stamps.ts), kept in the metadata */
  readonly #stamps = new Map<string, string>();
  #dirty = false;
  #writing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** how long the last rewrite took (ms) */
  #lastWriteMs = 0;
  readonly #write: WriteRows;

  /** `write` and `now`: the summary file's writer and the clock, for tests (writeSummary and performance.now). */
  constructor(
    path: string,
    provenance: Record<string, string>,
    private readonly intervalMs = 2000,
    write?: WriteRows,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#write = write ?? ((rows, stamps) => writeSummary(path, rows, provenance, stamps));
  }

  /** rows given by seed(), taken into `rows` only when another row is set or the file written */
  #seeded: { rows: readonly RowSource[]; stamps: ReadonlyMap<string, string> } | null = null;

  /**
   * set() for each of `rows` (before any other), each with its stamp in `stamps`: a run with nothing left to do sets
   * no other row and writes nothing, so its 20,000 rows need not go into two maps one by one (issue 23).
   */
  seed(rows: readonly RowSource[], stamps: ReadonlyMap<string, string>): void {
    this.#seeded = { rows, stamps };
    if (rows.length > 0) this.#changed();
  }

  #takeSeeded(): void {
    if (!this.#seeded) return;
    const { rows, stamps } = this.#seeded;
    this.#seeded = null;
    for (const row of rows) this.#put(row, stamps.get(row.run_id));
  }

  #put(row: RowSource, stamp: string | undefined): void {
    this.rows.set(row.run_id, row);
    if (stamp) this.#stamps.set(row.run_id, stamp);
    else this.#stamps.delete(row.run_id);
  }

  /** `stamp`: of the run's files when the row was built from them (none for a failed run) */
  set(row: RowSource, stamp?: string): void {
    this.#takeSeeded();
    this.#put(row, stamp);
    this.#changed();
  }

  #changed(): void {
    this.#dirty = true;
    if (!this.#timer) {
      this.#timer = setTimeout(
        () => {
          this.#timer = null;
          void this.flush().catch(() => {
            // Reported by the final flush, which the coordinator awaits; a periodic write may fail transiently.
          });
        },
        Math.max(this.intervalMs, WRITE_SHARE * this.#lastWriteMs),
      );
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
    this.#takeSeeded();
    this.#dirty = false;
    const t0 = this.now();
    this.#writing = this.#write([...this.rows.values()].map(rowOf), this.#stamps).finally(() => {
      this.#lastWriteMs = this.now() - t0;
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
