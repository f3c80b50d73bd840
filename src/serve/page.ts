/**
 * The live page: one HTML document and its script. The script listens to the server's events (`api/events`, one per
 * change of the folder) and then fetches what changed: the counts and ETA, what runs where, the problems, the chosen
 * phase diagram (a Vega spec drawn by vega, served from the package the server already has), refinement's rounds and
 * boundaries. A click on a cell shows its runs and their curves. Text from the folder (errors, ids) is set as text,
 * never as HTML. No network beyond the server itself.
 */
import { esc } from '../analysis/base/render.js';

export function pageHtml(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 16px auto; max-width: 1500px; padding: 0 14px; color: #222; }
h1 { font-size: 21px; margin: 0 0 2px; } h2 { font-size: 17px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin: 26px 0 10px; }
.sub { font-size: 13px; color: #555; overflow-wrap: anywhere; }
#live { font-size: 12px; color: #2a7a2a; } #live.off { color: #b00; }
.banner { font-size: 14px; padding: 7px 11px; margin: 10px 0; max-width: 1000px; border: 1px solid; }
.banner.partial { background: #fff4d6; border-color: #e8c766; } .banner.complete { background: #e9f6e9; border-color: #9ccf9c; }
.counts { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.count { border: 1px solid #ddd; border-radius: 4px; padding: 6px 12px; min-width: 78px; }
.count b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; } .count span { font-size: 12px; color: #555; }
.count.diverged b { color: #d62728; } .count.failed b { color: #c76a00; } .count.pending b { color: #3b6ea5; }
.bar { height: 8px; background: #e6e6e6; border-radius: 4px; max-width: 600px; overflow: hidden; } .bar div { height: 8px; background: #4c78a8; }
.eta { font-size: 13px; color: #333; margin: 6px 0; }
table { border-collapse: collapse; font-size: 13px; } th { text-align: left; font-weight: normal; color: #555; padding: 2px 12px 2px 0; }
td { padding: 2px 12px 2px 0; vertical-align: top; font-variant-numeric: tabular-nums; } code { font-size: 12px; background: #f4f4f4; padding: 1px 3px; overflow-wrap: anywhere; }
.problem { margin: 6px 0 10px; font-size: 13px; } .problem .reason { font-weight: bold; } .problem .ids { color: #444; overflow-wrap: anywhere; }
.note { font-size: 13px; color: #444; max-width: 1000px; }
select { font-size: 14px; padding: 3px; max-width: 100%; }
.figure { overflow-x: auto; margin: 10px 0; } .figure svg { max-width: none; }
#cell { border: 1px solid #ccd; border-radius: 4px; padding: 8px 12px; margin: 10px 0; display: none; } #cell.open { display: block; }
#tip { position: fixed; pointer-events: none; background: rgba(255,255,255,0.96); border: 1px solid #999; padding: 4px 7px; font-size: 12px; max-width: 360px; display: none; z-index: 10; }
@media (max-width: 600px) { body { padding: 0 8px; } .count { min-width: 60px; padding: 4px 8px; } .count b { font-size: 18px; } }
</style></head>
<body>
<h1 id="name">${esc(title)}</h1>
<div class="sub"><span id="where"></span> · <span id="live">connecting…</span></div>
<div id="banner" class="banner"></div>
<div id="loading" class="note"></div>
<div class="counts" id="counts"></div>
<div class="bar"><div id="work" style="width:0"></div></div>
<div class="eta" id="eta"></div>
<h2>Running</h2><div id="running" class="note"></div>
<h2>Divergences and failures</h2><div id="problems" class="note"></div>
<h2>Phase diagram</h2>
<div class="note"><label>colour by <select id="z"></select></label> <span id="caption"></span></div>
<div class="note">Click a cell for its runs and their curves. Cells whose runs have not finished are drawn as pending (“…”).</div>
<div id="diagram" class="figure"></div>
<div id="cell"><div id="cellhead" class="note"></div><div id="cellruns"></div><div id="cellfig" class="figure"></div></div>
<div id="refine"></div>
<div id="tip"></div>
<script src="assets/vega.min.js"></script>
<script src="assets/page.js"></script>
</body></html>
`;
}

/** The page's script (no template literals inside: it is itself one). */
export const PAGE_JS = String.raw`'use strict';
var state = { version: -1, z: null, drawn: '', busy: false, again: false, cell: null, views: {}, refineDrawn: '' };
function $(id) { return document.getElementById(id); }
function el(tag, attrs, children) {
  var e = document.createElement(tag);
  for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
  (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
  return e;
}
function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
// a narrow screen gets one facet per row, so no panel hides behind a sideways scroll
function facetColumns() { return window.innerWidth < 720 ? '&columns=1' : ''; }
function getJSON(url) {
  return fetch(url, { cache: 'no-store' }).then(function (r) { if (!r.ok) throw new Error(url + ': ' + r.status); return r.json(); });
}
function duration(s) {
  s = Math.round(s); var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return h > 0 ? h + 'h' + String(m).padStart(2, '0') + 'm' : m > 0 ? m + 'm' + String(s % 60).padStart(2, '0') + 's' : s + 's';
}
function ago(iso) { return iso ? duration((Date.now() - Date.parse(iso)) / 1000) : ''; }

function drawVega(container, spec, key) {
  if (state.views[key]) { state.views[key].finalize(); delete state.views[key]; }
  clear(container);
  if (!spec) return Promise.resolve(null);
  var view = new vega.View(vega.parse(spec), { renderer: 'svg', container: container, hover: true });
  state.views[key] = view;
  view.addEventListener('mousemove', function (event, item) {
    var tip = $('tip'), d = item && item.datum;
    if (d && d.tip) { tip.textContent = d.tip; tip.style.display = 'block'; tip.style.left = Math.min(event.clientX + 12, window.innerWidth - 370) + 'px'; tip.style.top = (event.clientY + 12) + 'px'; }
    else tip.style.display = 'none';
  });
  view.addEventListener('mouseout', function () { $('tip').style.display = 'none'; });
  if (key === 'diagram') view.addEventListener('click', onCellClick);
  return view.runAsync();
}

// a click on a cell of the diagram: its runs and their curves below it
function onCellClick(event, item) {
  var d = item && item.datum;
  if (d && d.row === 'cell') openCell({ x: d.cellX, y: d.cellY, facet: d.facet === null || d.facet === undefined ? '' : String(d.facet) });
}

function renderStatus(s) {
  $('where').textContent = s.dir + (s.source ? ' (' + s.source + ')' : '');
  var banner = $('banner');
  if (s.partial) { banner.className = 'banner partial'; banner.textContent = 'partial: ' + s.partial.finished + ' of ' + s.partial.total + ' runs'; }
  else { banner.className = 'banner complete'; banner.textContent = 'complete: all ' + s.total + ' runs have finished or failed'; }
  $('loading').textContent = s.loading ? 'reading the folder: ' + s.loading.read + ' of ' + s.loading.of + ' run files' : '';
  var counts = clear($('counts'));
  [['total', s.total], ['done', s.done], ['diverged', s.diverged], ['failed', s.failed], ['pending', s.pending]].forEach(function (c) {
    counts.appendChild(el('div', { 'class': 'count ' + c[0], 'data-count': c[0] }, [el('b', {}, [String(c[1])]), el('span', {}, [c[0]])]));
  });
  var share = s.cost.total > 0 ? s.cost.finished / s.cost.total : 1;
  $('work').style.width = (100 * share).toFixed(1) + '%';
  $('eta').textContent = (100 * share).toFixed(1) + '% of the work, weighted by run cost; ' +
    (s.eta_s !== null ? 'ETA ' + duration(s.eta_s) + ' at the rate of the last minutes' : s.running.length > 0 ? 'ETA once the first runs end' : 'nothing is running');
  var running = clear($('running'));
  if (s.running.length === 0) running.textContent = s.pending > 0 ? 'Nothing is running; ' + s.pending + ' run(s) pending.' : 'Nothing is running.';
  else {
    var t = el('table', {}, [el('tr', {}, [el('th', {}, ['who']), el('th', {}, ['where']), el('th', {}, ['runs in flight (running for)'])])]);
    s.running.forEach(function (p) {
      var runs = p.runs.map(function (r) { return r.run_id + ' (' + ago(r.since) + ')'; }).join(', ') || 'between runs';
      t.appendChild(el('tr', {}, [el('td', {}, [p.part]), el('td', {}, [p.host + (p.pid !== null ? ' pid ' + p.pid : '')]), el('td', {}, [el('code', {}, [runs])])]));
    });
    running.appendChild(t);
  }
  var problems = clear($('problems'));
  if (s.problems.length === 0) problems.textContent = 'None so far.';
  s.problems.forEach(function (p) {
    var shared = Object.keys(p.shared).map(function (k) { return k + ' = ' + p.shared[k]; }).join(', ');
    var more = p.count > p.run_ids.length ? ' and ' + (p.count - p.run_ids.length) + ' more' : '';
    problems.appendChild(el('div', { 'class': 'problem' }, [
      el('div', {}, [el('span', { 'class': 'reason' }, [p.status + ' (' + p.count + '): ']), p.reason]),
      el('div', { 'class': 'ids' }, ['runs ', el('code', {}, [p.run_ids.join(', ')]), more + (shared ? '; all with ' + shared : '')]),
      el('div', { 'class': 'ids' }, ['e.g. ' + p.example]),
    ]));
  });
}

function renderList(list) {
  var select = $('z');
  var wanted = list.columns.map(function (c) { return c.z; }).join(',');
  if (select.getAttribute('data-columns') !== wanted) {
    clear(select);
    list.columns.forEach(function (c) { select.appendChild(el('option', { value: c.z }, [c.label])); });
    select.setAttribute('data-columns', wanted);
    if (state.z && wanted.split(',').indexOf(state.z) >= 0) select.value = state.z;
  }
  if (!state.z || wanted.split(',').indexOf(state.z) < 0) state.z = list.columns.length ? list.columns[0].z : null;
  var col = list.columns.filter(function (c) { return c.z === state.z; })[0];
  $('caption').textContent = col ? col.caption : list.axes ? 'No diagram yet: no run has finished.' : 'Fewer than two numeric parameters vary: no phase diagram.';
}

function openCell(q) {
  state.cell = q;
  var url = 'api/cell?x=' + encodeURIComponent(q.x) + '&y=' + encodeURIComponent(q.y) + '&facet=' + encodeURIComponent(q.facet);
  return getJSON(url).then(function (c) {
    $('cell').className = 'open';
    $('cellhead').textContent = c.where + ': ' + c.runs.length + ' run(s)';
    var t = el('table', {}, [el('tr', {}, [el('th', {}, ['run']), el('th', {}, ['replicate']), el('th', {}, ['status'])])]);
    c.runs.forEach(function (r) {
      t.appendChild(el('tr', { 'data-run': r.run_id }, [el('td', {}, [el('code', {}, [r.run_id])]), el('td', {}, [String(r.replicate)]), el('td', {}, [r.status + (r.error ? ': ' + r.error : '')])]));
    });
    clear($('cellruns')).appendChild(t);
    return drawVega($('cellfig'), c.spec, 'cell');
  });
}

function renderRefinement(r) {
  var box = clear($('refine'));
  if (r.rounds.length <= 1 && r.boundaries.length === 0) return Promise.resolve();
  box.appendChild(el('h2', {}, ['Refinement']));
  var t = el('table', {}, [el('tr', {}, [el('th', {}, ['round']), el('th', {}, ['runs']), el('th', {}, ['finished'])])]);
  r.rounds.forEach(function (x) { t.appendChild(el('tr', {}, [el('td', {}, [x.round === 0 ? "0 (the sweep's grid)" : String(x.round)]), el('td', {}, [String(x.runs)]), el('td', {}, [String(x.finished)])])); });
  box.appendChild(t);
  var jobs = [];
  r.boundaries.forEach(function (b, i) {
    var fig = el('div', { 'class': 'figure', id: 'boundary-' + i }, []);
    box.appendChild(fig);
    jobs.push(drawVega(fig, b.spec, 'boundary-' + i));
  });
  return Promise.all(jobs);
}

function update() {
  if (state.busy) { state.again = true; return; }
  state.busy = true;
  var s;
  getJSON('api/status').then(function (status) {
    s = status; renderStatus(s);
    return getJSON('api/diagrams');
  }).then(function (list) {
    renderList(list);
    // what is drawn is named by everything it depends on, taken when it is asked for: a resize or a change of column
    // while a draw is in flight then leaves a key that no longer matches, and the next update draws again
    var key = s.version + '|' + state.z + '|' + facetColumns();
    if (!state.z || state.drawn === key) return null;
    return getJSON('api/diagram?z=' + encodeURIComponent(state.z) + facetColumns()).then(function (d) {
      return drawVega($('diagram'), d.spec, 'diagram').then(function () { state.drawn = key; $('diagram').setAttribute('data-version', String(s.version)); });
    });
  }).then(function () {
    return state.cell ? openCell(state.cell) : null;
  }).then(function () {
    var key = s.version + '|' + facetColumns();
    if (state.refineDrawn === key) return null;
    return getJSON('api/refinement?' + facetColumns().slice(1)).then(renderRefinement).then(function () { state.refineDrawn = key; });
  }).then(function () {
    document.body.setAttribute('data-version', String(s.version));
    $('live').className = ''; $('live').textContent = 'live, updated ' + new Date().toLocaleTimeString();
  }).catch(function (e) {
    $('live').className = 'off'; $('live').textContent = 'error: ' + e.message;
  }).then(function () {
    state.busy = false;
    if (state.again) { state.again = false; setTimeout(update, 200); }
  });
}

$('z').addEventListener('change', function () { state.z = $('z').value; update(); });
// a phone turned sideways, or a window made narrow: the facets are laid out again
var laidOut = facetColumns();
window.addEventListener('resize', function () {
  if (facetColumns() === laidOut) return;
  laidOut = facetColumns(); update();
});
var events = new EventSource('api/events');
events.addEventListener('change', update);
events.onopen = function () { update(); };
events.onerror = function () { $('live').className = 'off'; $('live').textContent = 'not connected (the server stopped?); retrying'; };
`;
