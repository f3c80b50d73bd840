/**
 * Human names, with units, for parameters and summary columns on axes, legends and tooltips. A name not listed
 * falls back to itself.
 */
const PARAM_LABELS: Record<string, string> = {
  sigma: 'label noise σ',
  alpha: 'init scale α',
  width: 'width m (neurons)',
  lr: 'step size η',
  rho: 'SAM radius ρ',
  n: 'training points n',
  d: 'input dimension d',
  batch: 'batch size',
  noise_period: 'noise period (steps)',
  teacher_norm: '‖θ*‖',
  steps: 'steps',
  sigma_per_alpha2: 'σ/α² (noise, α = 1 frame)',
  teacher_norm_per_alpha2: '‖θ*‖/α² (teacher, α = 1 frame)',
  lr_alpha2: 'ηα² (step size, α = 1 frame)',
};

const SHORT_PARAM: Record<string, string> = {
  sigma: 'σ',
  alpha: 'α',
  width: 'm',
  lr: 'η',
  rho: 'ρ',
  sigma_per_alpha2: 'σ/α²',
  teacher_norm_per_alpha2: '‖θ*‖/α²',
  lr_alpha2: 'ηα²',
};

const COLUMN_LABELS: Record<string, string> = {
  final_test_loss: 'final test loss ½‖θ−θ*‖²',
  final_train_loss: 'final train loss',
  final_theta_cos: 'final cos(θ, θ*)',
  final_w_norm2_mean: 'final mean ‖wᵢ‖²',
  final_w_norm_mean: 'final mean ‖wᵢ‖',
  final_align_cos_mean: 'final mean |cos(wᵢ, θ*)|',
  final_align_ip_mean: 'final mean |⟨wᵢ, θ*⟩|',
  final_lazy_frac_rel: 'final lazy fraction (relative)',
  final_phase2_frac: 'final Phase II fraction',
  final_kernel_dist: 'final kernel distance',
  lazy_escape_step: 'lazy escape (step)',
  phase2_step: 'every neuron in Phase II (step)',
  phase2_step_50: 'Phase II onset, 50% of neurons (step)',
  phase2_step_90: 'Phase II, 90% of neurons (step)',
  phase2_mean_step: 'mean ‖wᵢ‖² ≤ α³√η (step)',
  lazy_escape_step_50: 'lazy escape, 50% of neurons (step)',
  align_step_50: 'alignment ≥ 0.5 (step)',
  decay_rate_ratio: 'decay rate, measured / predicted',
  pred_norm_decay_rate: 'predicted Phase I decay rate (1/step)',
  pred_phase1_steps: 'Phase I model: 50% in Phase II (steps)',
  t1_bound: 'Theorem 2 lazy-escape bound T₁ (steps)',
  pred_align_steps: 'Phase I model: mean |cos| ≥ 0.5 (steps)',
  pred_lazy_escape_steps: 'lazy escape estimate t_esc (steps)',
  pred_w_norm2_end: 'Phase I model: mean ‖wᵢ‖² at the last step',
  pred_w_norm2_late: 'Phase I model: mean ‖wᵢ‖² over the last fifth',
  pred_w_norm2_final: 'terminal state mean ‖wᵢ‖² (end point √d‖θ*‖/m)',
  pred_a_norm2_final: 'terminal state ‖a‖² (end point ‖θ*‖/√d)',
  late_w_norm2_mean: 'mean ‖wᵢ‖² over the last fifth of the run',
  pred_phase2_frac_final: 'Phase II ceiling F∞',
  phase2_reachable: 'Phase II reachable (F∞ ≥ ½)',
  rich_start: 'rich start (σ/α² ≥ 8)',
  align_step: 'alignment ≥ 0.9 (step)',
  norm_decay_rate: 'Phase I norm decay rate (1/step)',
  collapsed: 'fraction of runs collapsed (θ → 0)',
  wall_s: 'wall time (s)',
  steps_per_s: 'speed (steps/s)',
};

export const paramLabel = (key: string): string => PARAM_LABELS[key] ?? key;
export const paramShort = (key: string): string => SHORT_PARAM[key] ?? key;
export const columnLabel = (z: string): string => COLUMN_LABELS[z] ?? z;
