/**
 * The folder behind a live page: read again every POLL_MS (only what changed: src/io/out-folder/live.ts), with a
 * version that moves whenever anything the page shows changed, and the page's views (views.ts) computed once per
 * version and kept until the next. A large folder is read in slices of READ_BUDGET_MS, one after another, so the
 * server answers between them while it loads (the page says how far it got).
 */
import { statSync } from 'node:fs';
import { readBoundaries } from '../analysis/boundary/boundary-cells.js';
import { partialOf } from '../analysis/base/sweep-data.js';
import { boundaryPaths, LiveFolder, type LiveStatus } from '../io/index.js';
import type { Plan } from '../sweep/plan.js';
import {
  boundaryGrowthSpec,
  boundarySnapshots,
  cellRuns,
  diagramList,
  diagramSpec,
  gridIsLog,
  type BoundarySnapshot,
  type CellQuery,
  type CellRuns,
  type DiagramList,
  type FolderView,
} from './views.js';

/** How often the folder is looked at: a run file landing shows on the page within about this, plus the page's fetch. */
const POLL_MS = 500;
/** The longest a refresh reads run files before letting the server answer requests. */
const READ_BUDGET_MS = 150;

export interface ApiStatus extends LiveStatus {
  version: number;
  dir: string;
  /** the sweep file the plan came from */
  source: string;
  partial: { finished: number; total: number } | null;
}

export class ServedFolder {
  readonly dir: string;
  readonly #live: LiveFolder;
  version = 0;
  #liveVersion = -1;
  #boundaries: ReturnType<typeof readBoundaries> = [];
  #boundaryStamp = '';
  /** each boundary file's snapshots, one per refinement round seen while serving */
  readonly #history = new Map<string, BoundarySnapshot[]>();
  #view: { version: number; view: FolderView } | null = null;
  readonly #cache = new Map<string, { version: number; value: unknown }>();
  readonly #listeners = new Set<(version: number) => void>();
  #timer: NodeJS.Timeout | null = null;

  readonly #readBudgetMs: number;

  /**
   * Throws OutDirError when `dir` has no plan.json (not an output folder of `lnsweep run`) and no `plan` is given.
   * `readBudgetMs`: how long one refresh reads run files (a test gives 0: one file per refresh).
   */
  constructor(dir: string, plan?: Plan, readBudgetMs = READ_BUDGET_MS) {
    this.dir = dir;
    this.#live = new LiveFolder(dir, plan);
    this.#readBudgetMs = readBudgetMs;
  }

  /** Starts looking at the folder; `onChange` is told each new version. */
  start(): void {
    const tick = () => {
      let more = false;
      try {
        more = this.refresh();
      } finally {
        this.#timer = setTimeout(tick, more ? 0 : POLL_MS);
        this.#timer.unref();
      }
    };
    tick();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  onChange(listener: (version: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One look at the folder; true while a large folder is still being read. */
  refresh(): boolean {
    // The boundary files are looked at before the run files are listed, and taken only once every run file listed
    // is read: a boundary is written after its round's runs, so the round it is tagged with is then the one it
    // reflects. Taken while a round's run files were still being read, it was tagged with the round before and never
    // again (issue 22's loaded suite: the page never showed "after round 1").
    const boundaryStamp = this.#boundaryStampNow();
    const { changed, more } = this.#live.refresh(this.#readBudgetMs);
    const boundariesChanged = !more && this.#refreshBoundaries(boundaryStamp);
    if (changed || boundariesChanged || this.#liveVersion < 0) {
      this.#liveVersion = this.#live.version;
      this.version++;
      for (const l of this.#listeners) l(this.version);
    }
    return more;
  }

  status(): ApiStatus {
    const view = this.view();
    return {
      ...this.#live.status(),
      version: this.version,
      dir: this.dir,
      source: String((view.plan as { source?: string }).source ?? ''),
      partial: partialOf(view),
    };
  }

  /** The folder as read at this version. */
  view(): FolderView {
    if (this.#view?.version !== this.version) {
      this.#view = { version: this.version, view: { dir: this.dir, plan: this.#live.plan, rows: this.#live.rows(), boundaries: this.#boundaries } };
    }
    return this.#view.view;
  }

  diagrams(): DiagramList {
    return this.#cached('diagrams', () => diagramList(this.view()));
  }

  /** `columns`: facets side by side (undefined: as many as fit a wide page) */
  diagram(z: string, columns?: number): object | null {
    return this.#cached(`diagram:${z}:${columns ?? ''}`, () => diagramSpec(this.view(), z, columns));
  }

  cell(q: CellQuery): CellRuns | null {
    return cellRuns(this.view(), q);
  }

  /** Refinement: runs per round, and each boundary as it grew. */
  refinement(columns?: number): { rounds: LiveStatus['rounds']; boundaries: { name: string; spec: object | null }[] } {
    return this.#cached(`refinement:${columns ?? ''}`, () => {
      const log = gridIsLog(this.#live.plan);
      return {
        rounds: this.#live.status().rounds,
        boundaries: [...this.#history].map(([name, history]) => ({ name, spec: boundaryGrowthSpec(history, log, columns) })),
      };
    });
  }

  #cached<T>(key: string, make: () => T): T {
    const hit = this.#cache.get(key);
    if (hit?.version === this.version) return hit.value as T;
    const value = make();
    this.#cache.set(key, { version: this.version, value });
    return value;
  }

  /** The boundary files' names, times and sizes: changes when one is written. */
  #boundaryStampNow(): string {
    return boundaryPaths(this.dir)
      .map((p) => {
        try {
          const s = statSync(p);
          return `${p}:${s.mtimeMs}:${s.size}`;
        } catch {
          return p;
        }
      })
      .join('|');
  }

  /** Reads the boundary files again when `stamp` (taken before the run files were read) is new, and keeps a snapshot of each per refinement round. */
  #refreshBoundaries(stamp: string): boolean {
    if (stamp === this.#boundaryStamp) return false;
    try {
      this.#boundaries = readBoundaries(this.dir);
    } catch {
      return false; // replaced while read (files are renamed into place whole): next look
    }
    this.#boundaryStamp = stamp;
    // a boundary is written when every run of the rounds so far has finished, before the next round is planned
    const rounds = this.#live.status().rounds;
    let round = -1;
    for (const r of rounds) {
      if (r.finished < r.runs) break;
      round = r.round;
    }
    for (const snap of boundarySnapshots(this.#boundaries, Math.max(0, round))) {
      const history = this.#history.get(snap.name) ?? this.#history.set(snap.name, []).get(snap.name)!;
      if (history.at(-1)?.round === snap.round) history.pop();
      history.push(snap);
    }
    return true;
  }
}
