// vis/curves.ts — a training run's curves as an SVG picture: loss (train and test) over epochs in one
// panel, accuracy (train and test, in %) in a second below it, sharing the epoch axis; axis labels, tick
// values, a legend and a title.
//
//   writeFileSync('curves.svg', plotCurves(history, { title: 'lenet5 on Fashion-MNIST' }));
//
// Written as SVG text here rather than with a plotting library: two panels of polylines need ~200 lines,
// and the libraries that draw SVG in Node either need a DOM (d3 with jsdom) or bring a whole grammar of
// graphics (vega); none is a dependency of convnet today. Every piece of text (the title comes from the
// caller, e.g. a directory name) is escaped, so the picture is well-formed XML whatever it says.

import { checkKeys, noExtraArgs } from '../tensor/signature.js';

/**
 * What a curve point needs of an epoch (fit's EpochResult and a metrics.jsonl record both have it). convnet's own.
 * @example
 * ```ts
 * plotCurves([{ epoch: 1, trainLoss: 0.6, testAccuracy: 0.8 }]);
 * ```
 */
export interface CurveRecord {
  epoch: number;
  trainLoss?: number;
  trainAccuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
}

/**
 * Options of {@link plotCurves}: the title and the picture's size in pixels (default 720 × 600). convnet's own.
 * @example
 * ```ts
 * plotCurves(records, { title: 'lenet5, Fashion-MNIST', width: 900 });
 * ```
 */
export interface PlotCurvesOptions {
  /** The heading (default 'training curves'); say which model and run it is. */
  title?: string;
  /** The picture's size in pixels (default 720 × 600). */
  width?: number;
  height?: number;
}

/** The two series of a panel, each drawn in its own colour and dash (told apart without colour too). */
const KINDS = [
  { kind: 'train', color: '#1f77b4', dash: '' },
  { kind: 'test', color: '#d95f02', dash: '6 3' },
] as const;

/** Characters XML 1.0 does not allow at all (control characters other than tab, newline, return). */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g; // eslint-disable-line no-control-regex

/** `s` as XML text or attribute value: &, <, >, " and ' escaped, characters XML cannot hold replaced. */
export function escapeXml(s: string): string {
  return s.replace(NOT_XML, '\ufffd').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Axis ticks at round numbers (steps of 1, 2 or 5 times a power of ten) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): { lo: number; hi: number; step: number; ticks: number[] } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`niceTicks: the range must be finite, got [${lo}, ${hi}]`);
  if (!(hi > lo)) { // one value: a range around it
    const pad = lo !== 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad; hi += pad;
  }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  // The slack absorbs rounding: (2.315 - 2.29) / 5 is 0.005000000000000071, which is a step of 0.005.
  const step = (f <= 1 + 1e-6 ? 1 : f <= 2 + 1e-6 ? 2 : f <= 5 + 1e-6 ? 5 : 10) * mag;
  const first = Math.floor(lo / step + 1e-6), last = Math.ceil(hi / step - 1e-6);
  // Multiples of step computed from integers, so 0.1 * 3 prints as 0.3, not 0.30000000000000004.
  const ticks = Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)));
  return { lo: ticks[0], hi: ticks[ticks.length - 1], step, ticks };
}

/** A tick value with as many decimals as the step needs (no "-0"). */
function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const s = v.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** The epoch axis: from the first epoch to the last, ticks at whole epochs (every one up to 10 of them,
 *  else every 2, 5, 10, … so there are at most about 10). One epoch gets half an epoch either side. */
function epochTicks(first: number, last: number): { lo: number; hi: number; step: number; ticks: number[] } {
  if (last <= first) return { lo: first - 0.5, hi: first + 0.5, step: 1, ticks: [first] };
  const step = last - first <= 10 ? 1 : Math.max(1, Math.round(niceTicks(first, last, 8).step));
  const ticks: number[] = [];
  for (let t = Math.ceil(first / step) * step; t <= last; t += step) ticks.push(t);
  return { lo: first, hi: last, step, ticks };
}

const f1 = (v: number) => v.toFixed(1);

interface Series { kind: (typeof KINDS)[number]; name: string; points: [number, number][] }

interface PanelSpec {
  name: string;
  yLabel: string;
  series: Series[];
  /** Clamp the value axis to this range (accuracy: 0–100 %). */
  clamp?: [number, number];
}

/** One panel: frame, grid, ticks, labels and the series, inside the box (x, y, w, h) of its plot area. */
function panel(p: PanelSpec, x: number, y: number, w: number, h: number, xt: ReturnType<typeof epochTicks>): string[] {
  const values = p.series.flatMap((s) => s.points.map(([, v]) => v));
  let yt = niceTicks(values.length ? Math.min(...values) : 0, values.length ? Math.max(...values) : 1);
  if (p.clamp) {
    const [a, b] = p.clamp;
    const ticks = yt.ticks.filter((t) => t >= a && t <= b);
    if (ticks.length >= 2) yt = { ...yt, lo: ticks[0], hi: ticks[ticks.length - 1], ticks };
  }
  const px = (e: number) => x + ((e - xt.lo) / (xt.hi - xt.lo)) * w;
  const py = (v: number) => y + h - ((v - yt.lo) / (yt.hi - yt.lo)) * h;
  const out: string[] = [`<g class="panel" data-panel="${escapeXml(p.name)}">`];
  out.push(`<rect x="${f1(x)}" y="${f1(y)}" width="${f1(w)}" height="${f1(h)}" fill="none" stroke="#444"/>`);
  out.push('<g class="y-ticks" text-anchor="end">');
  for (const t of yt.ticks) {
    const ty = py(t);
    out.push(`<line x1="${f1(x)}" y1="${f1(ty)}" x2="${f1(x + w)}" y2="${f1(ty)}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${f1(x - 4)}" y1="${f1(ty)}" x2="${f1(x)}" y2="${f1(ty)}" stroke="#444"/>`);
    out.push(`<text x="${f1(x - 7)}" y="${f1(ty + 4)}">${tickLabel(t, yt.step)}</text>`);
  }
  out.push('</g>', '<g class="x-ticks" text-anchor="middle">');
  for (const t of xt.ticks) {
    const tx = px(t);
    out.push(`<line x1="${f1(tx)}" y1="${f1(y)}" x2="${f1(tx)}" y2="${f1(y + h)}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${f1(tx)}" y1="${f1(y + h)}" x2="${f1(tx)}" y2="${f1(y + h + 4)}" stroke="#444"/>`);
    out.push(`<text x="${f1(tx)}" y="${f1(y + h + 17)}">${tickLabel(t, xt.step)}</text>`);
  }
  out.push('</g>');
  out.push(`<text class="axis-label" x="${f1(x + w / 2)}" y="${f1(y + h + 34)}" text-anchor="middle">epoch</text>`);
  const ly = y + h / 2, lx = x - 48;
  out.push(`<text class="axis-label" x="${f1(lx)}" y="${f1(ly)}" text-anchor="middle" transform="rotate(-90 ${f1(lx)} ${f1(ly)})">${escapeXml(p.yLabel)}</text>`);
  for (const s of p.series) {
    const id = `${s.kind.kind}-${p.name}`;
    out.push(`<g class="series" data-series="${escapeXml(id)}" stroke="${s.kind.color}" fill="${s.kind.color}">`);
    if (s.points.length > 1) {
      const pts = s.points.map(([e, v]) => `${f1(px(e))},${f1(py(v))}`).join(' ');
      out.push(`<polyline points="${pts}" fill="none" stroke-width="2"${s.kind.dash ? ` stroke-dasharray="${s.kind.dash}"` : ''}/>`);
    }
    // A marker per epoch: a run of one epoch is still seen, and the markers say where the epochs are.
    for (const [e, v] of s.points) {
      out.push(`<circle cx="${f1(px(e))}" cy="${f1(py(v))}" r="3"><title>${escapeXml(`${s.name}, epoch ${e}: ${p.clamp ? `${v.toFixed(2)}%` : v.toFixed(4)}`)}</title></circle>`);
    }
    out.push('</g>');
  }
  out.push('</g>');
  return out;
}

/**
 * * The curves of a run as an SVG document (a string): loss and accuracy, train and test, against the
 * epoch. Records come in epoch order (gaps allowed, e.g. a run resumed without its earlier records);
 * values that are missing or not finite are left out of their series. An empty list gives the frame and
 * a note, so a picture can be written before the first epoch ends.
 * convnet's own (the SVG `convnet train` writes as curves.svg).
 * @example
 * ```ts
 * writeFileSync('curves.svg', plotCurves(readMetrics('runs/lenet5/metrics.jsonl'), { title: 'lenet5' }));
 * ```
 */
export function plotCurves(records: readonly CurveRecord[], opts: PlotCurvesOptions = {}): string {
  noExtraArgs('plotCurves', arguments, ['records', 'opts']);
  checkKeys('plotCurves', opts, ['title', 'width', 'height']);
  if (!Array.isArray(records)) throw new Error(`plotCurves: records must be an array of { epoch, trainLoss, … }, got ${typeof records}`);
  records.forEach((r, i) => {
    if (!Number.isFinite(r?.epoch)) throw new Error(`plotCurves: records[${i}].epoch must be a number, got ${JSON.stringify(r?.epoch)}`);
    if (i > 0 && r.epoch <= records[i - 1].epoch) throw new Error(`plotCurves: records must be in increasing epoch order; records[${i}] is epoch ${r.epoch} after epoch ${records[i - 1].epoch}`);
  });
  const W = opts.width ?? 720, H = opts.height ?? 600;
  if (!(W >= 200 && H >= 200 && Number.isFinite(W) && Number.isFinite(H))) throw new Error(`plotCurves: width and height must be at least 200, got ${W} × ${H}`);
  const title = opts.title ?? 'training curves';
  const pick = (key: keyof CurveRecord, scale: number): [number, number][] => records.flatMap((r) => {
    const v = r[key];
    return typeof v === 'number' && Number.isFinite(v) ? [[r.epoch, v * scale] as [number, number]] : [];
  });
  const panels: PanelSpec[] = [
    { name: 'loss', yLabel: 'loss', series: [
      { kind: KINDS[0], name: 'train loss', points: pick('trainLoss', 1) },
      { kind: KINDS[1], name: 'test loss', points: pick('testLoss', 1) },
    ] },
    { name: 'accuracy', yLabel: 'accuracy (%)', clamp: [0, 100], series: [
      { kind: KINDS[0], name: 'train accuracy', points: pick('trainAccuracy', 100) },
      { kind: KINDS[1], name: 'test accuracy', points: pick('testAccuracy', 100) },
    ] },
  ];
  for (const p of panels) p.series = p.series.filter((s) => s.points.length > 0);

  const xt = records.length ? epochTicks(records[0].epoch, records[records.length - 1].epoch) : epochTicks(0, 1);

  const left = 78, right = 20, top = 76, below = 46, gap = 14;
  const w = W - left - right, h = (H - top - 2 * below - gap) / 2;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text class="title" x="${f1(W / 2)}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  // The legend: one entry per kind that has any points, a line sample in its colour and dash.
  const kinds = KINDS.filter((k) => panels.some((p) => p.series.some((s) => s.kind === k)));
  out.push('<g class="legend">');
  kinds.forEach((k, i) => {
    const lx = left + 10 + i * 90, ly = 50;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${k.color}" stroke-width="2"${k.dash ? ` stroke-dasharray="${k.dash}"` : ''}/>`);
    out.push(`<circle cx="${lx + 14}" cy="${ly}" r="3" fill="${k.color}"/>`);
    out.push(`<text x="${lx + 34}" y="${ly + 4}">${k.kind}</text>`);
  });
  out.push('</g>');
  panels.forEach((p, i) => out.push(...panel(p, left, top + i * (h + below + gap), w, h, xt)));
  if (records.length === 0) {
    out.push(`<text class="note" x="${f1(left + w / 2)}" y="${f1(top + h / 2)}" text-anchor="middle" fill="#888">no epochs yet</text>`);
  }
  out.push('</svg>', '');
  return out.join('\n');
}
