/**
 * Where a run's arrays sit in the memory (set by `layout`, read by every loop): X (n·d f64), y (n), ‖x‖² (n) and the
 * batch-1 scalars [idx, eps, f, hh, aa] from the layout's base; M (rows·d), v, h (rows) and the generator's four words
 * wherever the JavaScript side keeps them (its own views, stepped in place). Sizes n, d, rows.
 */
export let pX: usize = 0, pY: usize = 0, pXsq: usize = 0, pM: usize = 0, pV: usize = 0, pH: usize = 0, pS: usize = 0, pR: usize = 0;
export let gn: i32 = 0, gd: i32 = 0, grows: i32 = 0;

/** The first free byte after the module's static data: where a caller's layouts may start. */
export function heapBase(): usize { return __heap_base; }

/**
 * Sets the layout for a run: X, y, ‖x‖² and the scalars from byte `base` (≥ heapBase(); the neuron pass's layout may
 * sit below it in the same memory), and the stepped arrays where the caller keeps them (M rows×d, v and h rows, the
 * generator's four words: the JavaScript side's own views, stepped in place). Returns the end of what it placed.
 */
export function layout(base: usize, n: i32, d: i32, rows: i32, m: usize, v: usize, h: usize, r: usize): usize {
  gn = n; gd = d; grows = rows;
  pX = (base + 15) & ~<usize>15;
  pY = pX + <usize>(n * d) * 8;
  pXsq = pY + <usize>n * 8;
  pS = pXsq + <usize>n * 8;
  pM = m;
  pV = v;
  pH = h;
  pR = r;
  return pS + 8 * 8;
}

export function offX(): usize { return pX; }
export function offY(): usize { return pY; }
export function offXsq(): usize { return pXsq; }
export function offS(): usize { return pS; }

