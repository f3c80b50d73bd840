/**
 * A whole run: steps in chunks between events, and at each event step the bookkeeping that must not sit in the
 * hot loop — divergence checks, metric rows, snapshots, progress and abort polling.
 *
 * Events at step t (in this order): divergence (a non-finite residual stops the chunk early; the train loss, which
 * also catches non-finite weights through θ, is checked every min(log_every, 256) steps and at every row), then a
 * metric row (t = 0, t a multiple of log_every, t = steps), a snapshot (t in snapshot_steps), then hooks every
 * 4096 steps. A diverged run ends with a row at the step it stopped (values may be NaN or ±Inf).
 */
import { createCore, type Core } from './engine.js';
import { MetricLog, SnapshotLog } from './metric-log.js';
import { METRIC_NAMES, type RunSeeds, type TrainHooks, type TrainParams, type TrainResult } from './types.js';

const HOOK_EVERY = 4096;
const LOSS_CHECK_MAX = 256;

function nextMultiple(t: number, every: number): number {
  return (Math.floor(t / every) + 1) * every;
}

function abortError(step: number): Error {
  const err = new Error(`[core] run aborted at step ${step}`);
  err.name = 'AbortError';
  return err;
}

export function train(params: TrainParams, seeds: RunSeeds, hooks: TrainHooks = {}): TrainResult {
  const core = createCore(params, seeds);
  const { steps, log_every: logEvery, diverge_loss: divergeLoss } = params;
  const checkEvery = Math.min(logEvery, LOSS_CHECK_MAX);
  const snapSteps = [...new Set(params.snapshot_steps)].filter((s) => s >= 0 && s <= steps).sort((a, b) => a - b);
  const log = new MetricLog(Math.floor(steps / logEvery) + 2);
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
      const loss = isLog || isSnap ? core.metrics.trainLoss() : core.metrics.checkLoss();
      if (!(loss <= divergeLoss)) {
        divergeReason = `train loss ${loss.toPrecision(3)} > diverge_loss ${divergeLoss} at step ${t}`;
      }
    }
    if (isLog || isSnap || divergeReason !== undefined) {
      core.metrics.row(row);
      if (isLog || divergeReason !== undefined) log.push(t, row);
      if (isSnap) {
        snaps.push(t, core.metrics.cols);
        snapAt++;
      }
    }
    if (divergeReason !== undefined || t === steps) break;
    if (t % HOOK_EVERY === 0 && t > 0) pollHooks(hooks, t);

    let next = Math.min(nextMultiple(t, logEvery), nextMultiple(t, checkEvery), nextMultiple(t, HOOK_EVERY), steps);
    if (snapAt < snapSteps.length && snapSteps[snapAt] < next) next = snapSteps[snapAt];
    const taken = advanceTo(core, t, next, next % logEvery === 0 || next === steps);
    residualBroke = taken < next - t;
    t += taken;
  }
  hooks.onProgress?.(t);

  return {
    status: divergeReason === undefined ? 'done' : 'diverged',
    stepsDone: t,
    kernel: core.kernel.kind,
    wasm: core.wasm,
    metrics: log.finish(),
    snapshots: snaps.finish(),
    ...(divergeReason === undefined ? {} : { divergeReason }),
  };
}

/**
 * Steps from t to next; before a logged row, in two chunks with the second layer held between the last two steps
 * (MetricComputer.holdPrevious), for a_step_abs_mean. Chunking never changes the trajectory. Returns steps taken.
 */
function advanceTo(core: Core, t: number, next: number, logRow: boolean): number {
  if (!logRow) return core.advance(next - t);
  const first = core.advance(next - 1 - t);
  if (first < next - 1 - t) return first;
  core.metrics.holdPrevious();
  const last = core.advance(1);
  if (last < 1) core.metrics.dropPrevious();
  return first + last;
}

function pollHooks(hooks: TrainHooks, t: number): void {
  hooks.onProgress?.(t);
  if (hooks.shouldAbort?.()) throw abortError(t);
}
