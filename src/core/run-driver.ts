/**
 * The per-run loop every engine runs under (the native typed-array core, tfjs, the realdata experiment). The engine
 * steps and measures; this loop alone decides when: it steps in chunks between events and, at each event step, does
 * the bookkeeping that must not sit in a hot loop — divergence checks, metric rows, snapshots, progress and abort.
 *
 * Events at step t, in this order: divergence (a chunk that stopped early on a non-finite residual; else the train
 * loss, checked every min(log_every, 256) steps and at every row: a loss above diverge_loss, or NaN), then a metric
 * row (t = 0, t a multiple of log_every, t = steps), a snapshot (t in snapshot_steps), then hooks every
 * engine.pollEvery steps. A diverged run ends with a row at the step it stopped (values may be NaN or ±Inf).
 * Chunk boundaries depend only on the parameters and the engine, never on timing, so neither does any result.
 */
import type { NeuronColumns } from './kernel-api.js';
import { MetricLog, SnapshotLog } from './metric-log.js';
import { METRIC_NAMES, type TrainHooks, type TrainParams, type TrainResult } from './types.js';

/** The train loss is checked at least this often (in steps) whatever log_every, so a run diverges early. */
const LOSS_CHECK_MAX = 256;

/** What an engine supplies: steps, losses and rows of its own run, in whatever arithmetic it uses. */
export interface RunEngine {
  /** "[core]", "[tfjs]": the prefix of this engine's error messages */
  readonly tag: string;
  /** steps between progress reports and abort polls: a few milliseconds of this engine's steps */
  readonly pollEvery: number;
  /**
   * Takes up to `count` steps; returns the number taken (fewer only when a residual became non-finite, which ends
   * the run). `rowNext`: the step reached is a logged row, so the engine keeps what that row needs of the step
   * before it (the second layer, for a_step_abs_mean).
   */
  advance(count: number, rowNext: boolean): number;
  /** The train loss at the current step. `forRow`: a row follows at this step; otherwise a cheaper form may do. */
  trainLoss(forRow: boolean): number;
  /**
   * Fills `out` (METRIC_NAMES order) with the metric row at the current step t; `logged`: the row goes to the
   * metric log (not only to a snapshot). Called after trainLoss at the same step, except on a non-finite residual.
   */
  row(out: Float64Array, t: number, logged: boolean): void;
  /** The per-neuron columns of the last row; an engine without it takes no snapshots. */
  neurons?(): NeuronColumns;
}

type DrivenRun = Omit<TrainResult, 'kernel' | 'wasm'>;

/** Metric rows a run logs at most: t = 0, every multiple of log_every, the last step, and a diverged step. */
export function rowCapacity(p: Pick<TrainParams, 'steps' | 'log_every'>): number {
  return Math.floor(p.steps / p.log_every) + 2;
}

export function driveRun(
  engine: RunEngine,
  params: Pick<TrainParams, 'steps' | 'log_every' | 'diverge_loss' | 'snapshot_steps' | 'width'>,
  hooks: TrainHooks = {},
): DrivenRun {
  const { steps, log_every: logEvery, diverge_loss: divergeLoss } = params;
  const { pollEvery } = engine;
  const checkEvery = Math.min(logEvery, LOSS_CHECK_MAX);
  const snapSteps = engine.neurons ? [...new Set(params.snapshot_steps)].filter((s) => s >= 0 && s <= steps).sort((a, b) => a - b) : [];
  const log = new MetricLog(rowCapacity(params));
  const snaps = new SnapshotLog(params.width, snapSteps.length);
  const row = new Float64Array(METRIC_NAMES.length);
  let snapAt = 0;
  let t = 0;
  let residualBroke = false;
  let divergeReason: string | undefined;

  for (;;) {
    const isLog = t % logEvery === 0 || t === steps;
    const isSnap = snapAt < snapSteps.length && snapSteps[snapAt] === t;
    if (residualBroke) {
      divergeReason = `non-finite residual at step ${t}`;
    } else if (t % checkEvery === 0 || isLog || isSnap) {
      const loss = engine.trainLoss(isLog || isSnap);
      if (!(loss <= divergeLoss)) {
        divergeReason = `train loss ${loss.toPrecision(3)} > diverge_loss ${divergeLoss} at step ${t}`;
      }
    }
    if (isLog || isSnap || divergeReason !== undefined) {
      const logged = isLog || divergeReason !== undefined;
      engine.row(row, t, logged);
      if (logged) log.push(t, row);
      if (isSnap && engine.neurons) {
        snaps.push(t, engine.neurons());
        snapAt++;
      }
    }
    if (divergeReason !== undefined || t === steps) break;
    if (t % pollEvery === 0 && t > 0) {
      hooks.onProgress?.(t);
      if (hooks.shouldAbort?.()) throw abortError(engine.tag, t);
    }

    let next = Math.min(nextMultiple(t, logEvery), nextMultiple(t, checkEvery), nextMultiple(t, pollEvery), steps);
    if (snapAt < snapSteps.length && snapSteps[snapAt] < next) next = snapSteps[snapAt];
    const taken = engine.advance(next - t, next % logEvery === 0 || next === steps);
    residualBroke = taken < next - t;
    t += taken;
  }
  hooks.onProgress?.(t);

  return {
    status: divergeReason === undefined ? 'done' : 'diverged',
    stepsDone: t,
    metrics: log.finish(),
    snapshots: snaps.finish(),
    ...(divergeReason === undefined ? {} : { divergeReason }),
  };
}

function nextMultiple(t: number, every: number): number {
  return (Math.floor(t / every) + 1) * every;
}

function abortError(tag: string, step: number): Error {
  const err = new Error(`${tag} run aborted at step ${step}`);
  err.name = 'AbortError';
  return err;
}
