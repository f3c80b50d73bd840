/**
 * The report's layout in a real browser at 1400 px and at a 390 px phone: a sweep with five widths (so the faceted
 * diagrams must wrap) and label noise (so the theory section appears). Chromium opens a copy of report.html with a
 * measuring script appended (the report itself has no script) and writes what it measured into the DOM it dumps.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { titled } from '../support/components.js';
import { chromium, consoleErrors, SKIP } from './chromium.js';
import { decodePng, distinctColours, runSweep } from './helpers.js';

const FACETED_SWEEP = `
name: layout
seed: 3
base: { n: 30, d: 5, steps: 2000, log_every: 50 }
grid:
  sigma: [0, 1, 4]
  alpha: { logspace: [0.5, 2, 3] }
  width: [10, 20, 40, 80, 160]
lr_rule: { eta_alpha2_width: 0.2 }
replicates: 2
`;

/** Opens every <details>, then measures the page and each figure's SVG against the figure's own box. */
const MEASURE = `<script>
document.querySelectorAll('details').forEach((d) => { d.open = true; });
const page = document.documentElement.clientWidth;
const wide = [...document.querySelectorAll('figure svg')]
  .map((svg) => ({ id: svg.closest('figure').id, right: Math.round(svg.getBoundingClientRect().right), width: Math.round(svg.getBoundingClientRect().width) }))
  .filter((f) => f.right > page);
const cut = [...document.querySelectorAll('figure .panel, figure .legend, .fig-title, h1, h2')]
  .filter((e) => e.getBoundingClientRect().right > page + 0.5 || e.scrollWidth > e.clientWidth + 1)
  .map((e) => (e.closest('figure') || e).id || e.textContent.slice(0, 40));
// a panel squeezed below 80% of its drawn width has unreadable text
const squeezed = [...document.querySelectorAll('figure .panel svg, figure .legend svg')]
  .filter((svg) => svg.getBoundingClientRect().width < 0.8 * Number(svg.getAttribute('width')))
  .map((svg) => svg.closest('figure').id);
const out = document.createElement('pre');
out.id = 'layout';
out.textContent = JSON.stringify({ page, scroll: document.documentElement.scrollWidth, svgs: document.querySelectorAll('figure svg').length, wide, cut, squeezed });
if (window.parent !== window) window.parent.postMessage(out.textContent, '*');
else document.body.appendChild(out);
</script>`;

/**
 * Headless Chromium lays a window out at least 500 px wide, so a phone's 390 px is the report in a 390 px iframe,
 * whose measurements come back to this page by postMessage.
 */
const PHONE = (src: string, width: number) => `<!doctype html><body style="margin:0"><script>
addEventListener('message', (e) => { const p = document.createElement('pre'); p.id = 'layout'; p.textContent = e.data; document.body.appendChild(p); });
</script><iframe src="${src}" style="border:0;width:${width}px;height:3000px"></iframe></body>`;

describe.skipIf(SKIP !== null)(titled('report layout in headless Chromium at 1400 px', SKIP), () => {
  const out = runSweep('layout', FACETED_SWEEP);
  const made = runCli(['report', out]);
  const html = made.code === 0 ? readFileSync(join(out, 'report.html'), 'utf8') : '';

  it('has the theory section with its scatter figure and one sentence per panel', () => {
    expect(made.code, made.stderr).toBe(0);
    expect(html.includes('<section id="theory"><h2>Theory against measurement<'), 'section heading').toBe(true);
    expect(/<figure id="theory-scatter" data-title="[^"]+">.*?<svg/.test(html), 'scatter figure').toBe(true);
    for (const id of ['decay', 'phase1', 'lazy', 'edge']) expect(new RegExp(`<li id="theory-${id}">[^<]+</li>`).test(html), id).toBe(true);
  });

  it('replaces a diagram with no value in any cell by a sentence counting why', () => {
    // nothing reaches "every neuron in Phase II" in 2000 steps here
    expect(/<p class="note" id="phase-phase2_step"><b>[^<]+<\/b>: no diagram, not reached by the last step in \d+ cells/.test(html)).toBe(true);
    expect(html.includes('<figure id="phase-phase2_step">')).toBe(false);
  });

  it('folds every spread panel into a closed <details>', () => {
    const spreads = html.match(/<details><summary>spread across replicates/g) ?? [];
    expect(spreads.length).toBeGreaterThan(3);
    expect(html.includes('<details open')).toBe(false);
  });

  /** The page measured in Chromium at `width` px, with every <details> open. */
  function measure(width: number) {
    const measured = join(out, `measured-${width}.html`);
    writeFileSync(measured, html.replace('</body>', `${MEASURE}</body>`));
    let page = measured;
    if (width < 500) writeFileSync((page = join(out, `phone-${width}.html`)), PHONE(`measured-${width}.html`, width));
    const r = chromium(['--dump-dom', '--virtual-time-budget=10000', `--window-size=${Math.max(width, 500)},3000`, `file://${page}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(consoleErrors(r.stderr)).toEqual([]);
    return JSON.parse(/<pre id="layout">([^<]*)<\/pre>/.exec(r.stdout)![1].replace(/&quot;/g, '"')) as {
      page: number;
      scroll: number;
      svgs: number;
      wide: unknown[];
      cut: unknown[];
      squeezed: unknown[];
    };
  }

  it('draws no figure wider than the page, with every <details> open', () => {
    const layout = measure(1400);
    expect(layout.page).toBe(1400);
    expect(layout.svgs).toBeGreaterThan(10); // diagrams, their spreads, the theory scatter and the run panels
    expect(layout.wide).toEqual([]);
    expect(layout.cut).toEqual([]);
    expect(layout.squeezed).toEqual([]);
    expect(layout.scroll).toBeLessThanOrEqual(layout.page);
  });

  it('at 390 px: no sideways scroll, every facet panel and legend within the page, no title cut', () => {
    const layout = measure(390);
    expect(layout.page).toBe(390);
    expect(layout.wide).toEqual([]);
    expect(layout.cut).toEqual([]);
    expect(layout.squeezed).toEqual([]);
    expect(layout.scroll).toBeLessThanOrEqual(layout.page);
  });

  it('lists every section and every figure in its table of contents, each linking to its anchor, long lists in columns', () => {
    const toc = /<nav class="toc"[^>]*>(.*?)<\/nav>/s.exec(html)![1];
    const links = new Set([...toc.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]));
    const sections = [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
    const figures = [...html.matchAll(/<figure id="([^"]+)" data-title=/g)].map((m) => m[1]);
    expect(sections).toEqual(expect.arrayContaining(['overview', 'phase', 'theory', 'runs']));
    expect(figures.length).toBeGreaterThan(8);
    for (const id of [...sections, ...figures]) expect(links.has(id), id).toBe(true);
    // only the folded spread panels stay out of it, and every figure has an anchor
    const untitled = [...html.matchAll(/<figure id="([^"]+)"(?! data-title)/g)].map((m) => m[1]);
    expect(
      untitled.every((id) => id.endsWith('-spread')),
      untitled.join(', '),
    ).toBe(true);
    expect(html.match(/<figure(?! id=)/g)).toBeNull();
    // a long list of figures flows into columns, a short one stays in one column under its section's name
    const subLists = [...toc.matchAll(/<\/a><ol( class="cols")?>(.*?)<\/ol>/gs)].map((m) => ({
      cols: m[1] !== undefined,
      n: (m[2].match(/<li>/g) ?? []).length,
    }));
    expect(subLists.filter((l) => l.n > 4).every((l) => l.cols)).toBe(true);
    expect(subLists.filter((l) => l.n <= 4).every((l) => !l.cols)).toBe(true);
    expect(subLists.some((l) => l.n > 4) && subLists.some((l) => l.n <= 4)).toBe(true);
  });

  it('renders with no console error and a screenshot that is not blank', () => {
    const png = join(out, 'report.png');
    const r = chromium([`--screenshot=${png}`, '--window-size=1400,3000', `file://${join(out, 'report.html')}`]);
    expect(consoleErrors(r.stderr)).toEqual([]);
    const image = decodePng(readFileSync(png));
    expect([image.width, image.height]).toEqual([1400, 3000]);
    expect(distinctColours(image)).toBeGreaterThan(200);
  });
});
