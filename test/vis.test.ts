// test/vis.test.ts — feature-map and kernel grids, activations through forward hooks, the padding
// measurement (zero padding: dark border; reflect: none), and the picture commands end to end.
// All of them run ops, so every block runs on every registered backend (forEachBackend; ref first, the
// oracle), reading values through `await t.dataAsync()`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, randn, manualSeed, nn, vis, readImage, kernels, writeRgbaPng, decodeImage, encodeRgbaPng, type RgbaImage } from '../src/index.js';
import { lenet5 } from '../src/train/models.js';
import { saveCheckpoint } from '../src/train/checkpoint.js';
import { filterCommand } from '../src/cli/filter.js';
import { paddingDemoCommand } from '../src/cli/padding-demo.js';
import { featuremapsCommand } from '../src/cli/featuremaps.js';
import { kernelsCommand } from '../src/cli/kernels.js';
import { forEachBackend, values } from './helpers/backends.js';
import { inkOf, inkOfPng, readLine, readText } from './helpers/figure.js';

const here = dirname(fileURLToPath(import.meta.url));
const asset = (f: string) => join(here, '..', 'assets', 'images', f);
let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'convnet-vis-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

/** Runs a command with console.log captured. */
async function capture(fn: () => Promise<number> | number): Promise<{ code: number; out: string; err: string }> {
  const log = console.log, write = process.stderr.write.bind(process.stderr);
  let out = '', err = '';
  console.log = (...a: unknown[]) => { out += `${a.join(' ')}\n`; };
  process.stderr.write = ((s: string) => { err += s; return true; }) as typeof process.stderr.write;
  try {
    return { code: await fn(), out, err };
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
}

forEachBackend('grids', () => {
  test('featureMapGrid: one tile per channel, spaced, normalised per tile', async () => {
    const maps = tensor([[[0, 1], [2, 3]], [[10, 10], [10, 20]], [[-1, -1], [-1, -1]]]);
    const g = vis.featureMapGrid(maps, { ncol: 2, padding: 1 });
    // 2 columns × 2 rows of 2×2 tiles with 1 px gaps: 2·2 + 3 = 7 each way
    assert.deepEqual(g.shape, [1, 7, 7]);
    const gv = await values(g);
    const px = (y: number, x: number) => gv[y * 7 + x];
    assert.equal(px(0, 0), 1, 'gap is white');
    assert.deepEqual([px(1, 1), px(1, 2), px(2, 1), px(2, 2)].map((v) => +v.toFixed(4)), [0, 0.3333, 0.6667, 1]);
    assert.deepEqual([px(1, 4), px(2, 5)], [0, 1], 'second tile min–max on its own');
    assert.equal(px(4, 1), 0.5, 'a constant tile is mid-grey');
    const glob = vis.featureMapGrid(maps.unsqueeze(0), { ncol: 3, padding: 0, normalize: 'global' });
    assert.deepEqual(glob.shape, [1, 2, 6]);
    assert.ok(Math.abs((await values(glob))[0] - 1 / 21) < 1e-7);
    assert.throws(() => vis.featureMapGrid(randn([2, 3, 4, 4])), /one sample's maps/);
  });

  test('kernelGrid: symmetric per tile; RGB tiles for 3 input channels', async () => {
    const w = randn([4, 2, 3, 3]);
    const g = vis.kernelGrid(w, { scale: 1, padding: 1 });
    assert.deepEqual(g.shape, [1, 4 * 3 + 5, 2 * 3 + 3]);
    assert.ok(Math.max(...(await values(g)).map(Math.abs)) <= 1 + 1e-6);
    const rgb = vis.kernelGrid(randn([6, 3, 5, 5]), { scale: 2 });
    assert.equal(rgb.shape[0], 3);
    assert.throws(() => vis.kernelGrid(randn([3, 3])), /expected a conv weight/);
  });

  test('makeGrid validates its options', () => {
    assert.throws(() => vis.makeGrid(randn([2, 1, 3, 3]), { ncol: 0 }), /ncol must be an integer ≥ 1/);
    assert.throws(() => vis.makeGrid(randn([2, 1, 3, 3]), { normalize: 'x' as never }), /normalize must be/);
  });
});

// ---------------------------------------------------------------------------------- text and figures
// The layout rules of vis/annotate.ts, restated: margin 8, blocks 6 apart (title at text scale 2, 18 high;
// note lines 9 high, 2 apart; the grid; the colour bar row, 12 high); a tile's label 9 high + 2 above it;
// cells 6 apart; the bar row: low value, 4, bar 256 wide, 4, high value, 10, caption; its text 2 down.

/** Width of n characters of the 5×7 font (a 6-pixel advance, no space after the last) at scale s. */
const textW = (n: number, s = 1) => (n ? (6 * n - 1) * s : 0);
const WHITE = [255, 255, 255, 255];
const pixel = (img: RgbaImage, x: number, y: number) => Array.from(img.data.subarray(4 * (y * img.width + x), 4 * (y * img.width + x) + 4));
const luma = ([r, g, b]: number[]) => 0.299 * r + 0.587 * g + 0.114 * b;
const blank = (w: number, h: number): RgbaImage => ({ width: w, height: h, data: new Uint8Array(w * h * 4).fill(255) });

test('bitmap text: "7" renders as its 5×7 glyph, scaled and placed, and nothing else is inked', () => {
  const SEVEN = ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'];
  for (const scale of [1, 3]) {
    const img = blank(30, 40);
    assert.equal(vis.drawText(img, '7', 4, 6, { scale, color: [10, 20, 30] }), 5 * scale);
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 30; x++) {
        const gx = Math.floor((x - 4) / scale), gy = Math.floor((y - 6) / scale);
        const inked = x >= 4 && y >= 6 && gx < 5 && gy < 7 && SEVEN[gy][gx] === '#';
        assert.deepEqual(pixel(img, x, y), inked ? [10, 20, 30, 255] : WHITE, `scale ${scale}, pixel (${x}, ${y})`);
      }
    }
  }
});

test('bitmap text: every glyph 5 × 9 and different from every other; widths 6n − 1; a box for the unknown; clipped', () => {
  const chars = [...vis.FONT_CHARACTERS];
  for (const ch of ' 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,:;()[]-+=/<>×–−…') assert.ok(vis.hasGlyph(ch), ch);
  const seen = new Map<string, string>();
  for (const ch of chars) {
    const rows = vis.glyphRows(ch);
    assert.equal(rows.length, 9, ch);
    for (const r of rows) assert.match(r, /^[.#]{5}$/, ch);
    const key = rows.join('|');
    assert.ok(!seen.has(key), `'${ch}' and '${seen.get(key)}' share a glyph`);
    seen.set(key, ch);
  }
  assert.ok(!vis.hasGlyph('€'));
  assert.equal(seen.get(vis.glyphRows('€').join('|')), undefined, 'the missing-glyph box reads as no character');
  assert.ok(vis.glyphRows('€').join('').includes('#'));
  assert.equal(vis.textWidth('features.0 (conv1)'), 18 * 6 - 1);
  assert.equal(vis.textWidth('5×5', 2), textW(3, 2));
  assert.equal(vis.textWidth(''), 0);
  const img = blank(8, 5);
  vis.drawText(img, 'WW', -3, -2, { scale: 2 }); // mostly outside: drawn where it lands, no error
  assert.ok(img.data.some((v) => v !== 255));
  assert.throws(() => vis.drawText(img, 'x', 0, 0, { scale: 1.5 }), /scale must be a positive integer/);
});

test('bitmap text decodes back, glyph by glyph, at scales 1 and 2', () => {
  const text = 'features.0 (conv1): 6 kernels 5×5, −0.25…0.5 [a-z] g/j/p/q/y';
  for (const scale of [1, 2]) {
    const img = blank(textW([...text].length, scale) + 6, 9 * scale + 4);
    vis.drawText(img, text, 3, 2, { scale });
    assert.equal(readText(inkOf(img), 3, 2, [...text].length, scale), text);
  }
});

test('formatValue: three significant digits, exponents for the very small and the large', () => {
  assert.deepEqual([0.123456, -7, 33, 2.5, 1234.4, 0.00012345, 56789, 0].map(vis.formatValue), ['0.123', '-7', '33', '2.5', '1234', '1.23e-4', '5.68e4', '0']);
});

forEachBackend('figures', (backend) => {
  test('featureMapFigure: a title band, a label over each tile, one colour scale, a bar from the data min to max; PNG size as laid out', async () => {
    const C = [3, -7, 33, 12, 0.5]; // tile i is constant C[i]: its colour says which tile it is
    const maps = tensor(C.map((c) => Array.from({ length: 3 }, () => Array(4).fill(c))));
    const title = 'maps of a test', note = 'tile n: channel n';
    const fig = await vis.featureMapFigure(maps, { title, notes: note, scale: 10 });
    const M = 8, tileW = 40, tileH = 30, ncol = 3, nrow = 2;
    const noteY = M + 18 + 6, gridY = noteY + 9 + 6, cellH = 11 + tileH;
    const gridW = ncol * tileW + (ncol - 1) * 6, gridH = nrow * cellH + (nrow - 1) * 6, barY = gridY + gridH + 6;
    const ink = inkOf(fig);
    assert.equal(readLine(ink, M, M, 2), title);
    let titleInk = 0;
    for (let y = M; y < M + 18; y++) for (let x = 0; x < fig.width; x++) titleInk += ink.ink(x, y) ? 1 : 0;
    assert.ok(titleInk > 50, `${titleInk} inked pixels in the title band`);
    assert.equal(readLine(ink, M, noteY), note);
    const lo = Math.min(...C), hi = Math.max(...C);
    C.forEach((c, i) => {
      const x = M + (i % ncol) * (tileW + 6), cellY = gridY + Math.floor(i / ncol) * (cellH + 6), y = cellY + 11;
      assert.equal(readLine(ink, x, cellY), String(i), `the label over tile ${i}`);
      const g = Math.round(((c - lo) / (hi - lo)) * 255);
      for (const [dx, dy] of [[0, 0], [tileW - 1, tileH - 1], [20, 15]]) assert.deepEqual(pixel(fig, x + dx, y + dy), [g, g, g, 255], `tile ${i}`);
      assert.notDeepEqual(pixel(fig, x - 1, y + 5), WHITE, 'a frame just outside the tile');
      assert.deepEqual(pixel(fig, x - 2, y + 5), WHITE);
    });
    const low = readLine(ink, M, barY + 2);
    assert.equal(Number(low), lo, `low end reads '${low}'`);
    const barX = M + textW(low.length) + 4;
    for (let j = 0; j < 256; j++) assert.deepEqual(pixel(fig, barX + j, barY + 6), [j, j, j, 255], `bar column ${j}`);
    const highX = barX + 256 + 4, high = readLine(ink, highX, barY + 2);
    assert.equal(Number(high), hi, `high end reads '${high}'`);
    const captionX = highX + textW(high.length) + 10, caption = 'colour map: grey';
    assert.equal(readLine(ink, captionX, barY + 2), caption);
    const width = 2 * M + Math.max(textW(title.length, 2), textW(note.length), gridW, captionX - M + textW(caption.length));
    const height = barY + 12 + M;
    assert.deepEqual([fig.width, fig.height], [width, height]);
    const file = join(dir, backend, 'figure.png');
    writeRgbaPng(file, fig);
    assert.deepEqual(readImage(file).shape, [1, height, width], 'a grey PNG of the laid-out size');
    const back = await values(decodeImage(encodeRgbaPng(fig), { mode: 'rgba' }));
    const plane = width * height;
    for (let i = 0; i < plane; i += 97) for (let c = 0; c < 4; c++) assert.equal(Math.round(back[c * plane + i] * 255), fig.data[4 * i + c]);
  });

  test('featureMapFigure on random maps: the bar reads their min and max; viridis runs from its dark end to its bright end', async () => {
    manualSeed(5);
    const maps = randn([1, 6, 5, 7]);
    const v = await values(maps);
    const lo = Math.min(...v), hi = Math.max(...v);
    const fig = await vis.featureMapFigure(maps, { cmap: 'viridis' });
    const b = fig.layout.bar!;
    const ink = inkOf(fig);
    const low = readLine(ink, 8, b.y + 2);
    assert.ok(Math.abs(Number(low) - lo) <= 0.005 * Math.abs(lo), `low '${low}' vs min ${lo}`);
    const high = readLine(ink, b.x + 256 + 4, b.y + 2);
    assert.ok(Math.abs(Number(high) - hi) <= 0.005 * Math.abs(hi), `high '${high}' vs max ${hi}`);
    assert.equal(readLine(ink, b.x + 256 + 4 + textW(high.length) + 10, b.y + 2), 'colour map: viridis');
    assert.deepEqual(pixel(fig, b.x, b.y + 6), [68, 1, 84, 255], "viridis's low end");
    assert.deepEqual(pixel(fig, b.x + 255, b.y + 6), [253, 231, 37, 255], "viridis's high end");
    for (let j = 8; j < 256; j += 8) assert.ok(luma(pixel(fig, b.x + j, b.y + 6)) > luma(pixel(fig, b.x + j - 8, b.y + 6)), `brighter at column ${j}`);
    // The smallest value is drawn in the bar's low colour, the largest in its high colour.
    const s = fig.layout.scale;
    for (const [k, rgb] of [[v.indexOf(lo), [68, 1, 84, 255]], [v.indexOf(hi), [253, 231, 37, 255]]] as const) {
      const t = fig.layout.tiles[Math.floor(k / 35)], r = Math.floor((k % 35) / 7), c = k % 7;
      assert.deepEqual(pixel(fig, t.x + c * s, t.y + r * s), rgb);
    }
    assert.equal(s, Math.floor(96 / 7), 'tiles of about 96 pixels');
  });

  test('kernelFigure: "o,i" labels in a row per output channel, a symmetric diverging bar ±max |w|, size as laid out', async () => {
    manualSeed(6);
    const w = randn([3, 2, 3, 3]);
    const v = await values(w);
    const m = Math.max(...v.map(Math.abs));
    const fig = await vis.kernelFigure(w);
    const M = 8, s = Math.floor(64 / 3), tile = 3 * s, cellH = 11 + tile;
    assert.equal(fig.layout.scale, s);
    const ink = inkOf(fig);
    for (let o = 0; o < 3; o++) {
      for (let i = 0; i < 2; i++) assert.equal(readLine(ink, M + i * (tile + 6), M + o * (cellH + 6)), `${o},${i}`);
    }
    const barY = M + 3 * cellH + 2 * 6 + 6;
    const low = readLine(ink, M, barY + 2);
    assert.ok(Math.abs(Number(low) + m) <= 0.005 * m, `low '${low}' vs −${m}`);
    const barX = M + textW(low.length) + 4, highX = barX + 256 + 4;
    const high = readLine(ink, highX, barY + 2);
    assert.ok(Math.abs(Number(high) - m) <= 0.005 * m, `high '${high}' vs ${m}`);
    const caption = 'colour map: diverging, white = 0';
    assert.equal(readLine(ink, highX + textW(high.length) + 10, barY + 2), caption);
    assert.deepEqual(pixel(fig, barX, barY + 6), [5, 48, 97, 255], 'dark blue at −m');
    assert.deepEqual(pixel(fig, barX + 255, barY + 6), [103, 0, 31, 255], 'dark red at +m');
    // From dark blue up to white in the middle, then down to dark red.
    for (let j = 8; j < 128; j += 8) assert.ok(luma(pixel(fig, barX + j, barY + 6)) > luma(pixel(fig, barX + j - 8, barY + 6)), `lighter at ${j}`);
    for (let j = 136; j < 256; j += 8) assert.ok(luma(pixel(fig, barX + j, barY + 6)) < luma(pixel(fig, barX + j - 8, barY + 6)), `darker at ${j}`);
    for (const j of [127, 128]) assert.ok(pixel(fig, barX + j, barY + 6).slice(0, 3).every((c) => c >= 240), 'white in the middle');
    // The weight with the largest |w| has the end colour of its sign.
    const k = v.findIndex((x) => Math.abs(x) === m), t = fig.layout.tiles[Math.floor(k / 9)];
    assert.deepEqual(pixel(fig, t.x + (k % 3) * s, t.y + Math.floor((k % 9) / 3) * s), v[k] > 0 ? [103, 0, 31, 255] : [5, 48, 97, 255]);
    const width = 2 * M + Math.max(2 * tile + 6, highX + textW(high.length) + 10 + textW(caption.length) - M);
    assert.deepEqual([fig.width, fig.height], [width, barY + 12 + M]);
    const file = join(dir, backend, 'kernels.png');
    writeRgbaPng(file, fig);
    assert.deepEqual(readImage(file).shape, [3, barY + 12 + M, width], 'an RGB PNG of the laid-out size');
    // RGB kernels: one tile per output channel, a grey bar for R, G and B.
    const rgb = await vis.kernelFigure(randn([4, 3, 2, 2]), { title: 'rgb' });
    assert.equal(rgb.layout.tiles.length, 4);
    assert.equal(readLine(inkOf(rgb), rgb.layout.bar!.caption.x, rgb.layout.bar!.caption.y), 'colour map: R, G, B each');
  });

  test("normalize 'tile': each tile from its own min (black) to max (white); the bar says so", async () => {
    const maps = tensor([[[0, 1], [0.5, 0.25]], [[100, 300], [200, 150]]]);
    const fig = await vis.featureMapFigure(maps, { normalize: 'tile', scale: 4 });
    const [t0, t1] = fig.layout.tiles;
    assert.deepEqual([pixel(fig, t0.x, t0.y), pixel(fig, t0.x + 4, t0.y)], [[0, 0, 0, 255], WHITE]);
    assert.deepEqual([pixel(fig, t1.x, t1.y), pixel(fig, t1.x + 4, t1.y)], [[0, 0, 0, 255], WHITE]);
    assert.deepEqual(pixel(fig, t1.x, t1.y + 4), [128, 128, 128, 255]);
    const b = fig.layout.bar!, ink = inkOf(fig);
    assert.deepEqual([readLine(ink, b.low.x, b.low.y), readLine(ink, b.high.x, b.high.y)], ['min', 'max']);
    assert.equal(readLine(ink, b.caption.x, b.caption.y), 'colour map: grey, each tile from its min to its max');
  });

  test('automatic scale: a lone tile about 224 pixels, no label; many tiles shrink to fit 2048 pixels; limits', async () => {
    const one = await vis.gridFigure(randn([1, 28, 28]));
    assert.equal(one.layout.scale, 8);
    assert.equal(one.layout.tiles[0].label, null);
    assert.deepEqual([one.layout.tiles[0].x, one.layout.tiles[0].y], [8, 8], 'no title, no label: the tile at the margin');
    // 400 tiles of 10×10, 20 × 20: scale 9 (about 96) would make 8 + 20·(11 + 90) + 19·6 + 6 + 12 + 8 = 2168 > 2048.
    const many = vis.drawFigure({ values: new Float32Array(400 * 100), count: 400, channels: 1, height: 10, width: 10 });
    assert.equal(many.layout.scale, 8);
    assert.equal(many.height, 8 + 20 * (11 + 80) + 19 * 6 + 6 + 12 + 8);
    assert.throws(() => vis.drawFigure({ values: new Float32Array(100 * 10000), count: 100, channels: 1, height: 100, width: 100 }, { scale: 64 }), /more than 64 megapixels/);
    assert.throws(() => vis.drawFigure({ values: [1, 2], count: 2, channels: 1, height: 1, width: 1 }, { labels: ['a'] }), /labels must be 2 strings/);
    assert.throws(() => vis.drawFigure({ values: [1, 2, 3], count: 1, channels: 3, height: 1, width: 1 }, { cmap: 'viridis' }), /needs one-channel tiles/);
    await assert.rejects(vis.featureMapFigure(randn([2, 3, 4, 4])), /one sample's maps/);
    await assert.rejects(vis.kernelFigure(randn([3, 3])), /expected a conv weight/);
  });
});

forEachBackend('captureActivations (forward hooks)', () => {
  test('returns the named layers\' outputs and removes its hooks', () => {
    manualSeed(1);
    const model = lenet5();
    const x = randn([1, 1, 28, 28]);
    const acts = vis.captureActivations(model, ['features.0', 'features.2', 'features.3'], x);
    assert.deepEqual(acts.get('features.0')!.shape, [1, 6, 28, 28]);
    assert.deepEqual(acts.get('features.2')!.shape, [1, 6, 14, 14]);
    assert.deepEqual(acts.get('features.3')!.shape, [1, 16, 10, 10]);
    // hooks gone: calling again records nothing new
    let calls = 0;
    const h = vis.findModule(model, 'features.0').registerForwardHook(() => { calls++; });
    model(x);
    h.remove();
    assert.equal(calls, 1);
    assert.throws(() => vis.captureActivations(model, ['features.9'], x), /no layer named 'features.9' in the model; layers: \(root\) Sequential, features Sequential, features.0 Conv2d/);
  });
});

forEachBackend('padding artifacts, measured', () => {
  test('zero padding darkens the border of a blurred photo; reflect and replicate do not', async () => {
    const res = await vis.paddingDemo(readImage(asset('camera.png')), kernels.boxKernel(7));
    const row = (m: string) => res.rows.find((r) => r.mode === m)!;
    assert.ok(row('zeros').borderBias < -0.1, `zeros bias ${row('zeros').borderBias}`);
    assert.ok(row('zeros').borderMad > 20 * row('reflect').borderMad);
    assert.ok(Math.abs(row('reflect').borderBias) < 0.005);
    assert.ok(row('replicate').borderMad < 0.01);
    for (const r of res.rows) assert.ok(r.interiorMad < 1e-6, `${r.mode} interior ${r.interiorMad}`);
  });
});

forEachBackend('commands', (backend) => {
  test('convnet filter: every named kernel on a photo, and a matrix kernel', async () => {
    for (const k of ['sobel-x', 'sobel-y', 'sobel', 'laplacian', 'gaussian', 'box', 'sharpen', 'emboss']) {
      const out = join(dir, backend, `f-${k}.png`);
      const r = await capture(() => filterCommand.run([asset('chelsea.png'), '--kernel', k, '-o', out]));
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(readImage(out).shape, [3, 300, 451]);
    }
    const r = await capture(() => filterCommand.run([asset('camera.png'), '--kernel', '[[1, -1]]', '--padding-mode', 'zeros', '--stride', '2', '-o', join(dir, backend, 'm.png')]));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\[1, 512, 512\] → \[1, 256, 256\]/);
    assert.equal(readImage(join(dir, backend, 'm.png')).shape[0], 3, 'signed one-channel map → diverging colour');
  });

  test('convnet filter: usage errors', async () => {
    let r = await capture(() => filterCommand.run([asset('camera.png'), '-o', join(dir, backend, 'x.png')]));
    assert.equal(r.code, 2);
    assert.match(r.err, /--kernel is required/);
    r = await capture(() => filterCommand.run([asset('camera.png'), '--kernel', 'sobel', '--padding-mode', 'mirror', '-o', join(dir, backend, 'x.png')]));
    assert.match(r.err, /--padding-mode must be zeros, reflect, replicate or circular, got 'mirror'/);
    r = await capture(() => filterCommand.run([asset('camera.png'), '--kernel', 'sobel', '--padding', 'zeros', '-o', join(dir, backend, 'x.png')]));
    assert.match(r.err, /--padding must be same, valid or a number of pixels, got 'zeros' \(the fill is --padding-mode zeros\)/);
    r = await capture(() => filterCommand.run(['/nope.png', '--kernel', 'sobel', '-o', join(dir, backend, 'x.png')]));
    assert.equal(r.code, 1);
    assert.match(r.err, /readImage: cannot read '\/nope.png'/);
  });

  test('convnet padding-demo writes the pictures and the table', async () => {
    const r = await capture(() => paddingDemoCommand.run([asset('coins.png'), '-o', join(dir, backend, 'pad'), '--size', '5']));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^zeros +[\d.]+ +-[\d.]+/m);
    for (const f of ['original', 'zeros', 'reflect', 'replicate', 'circular', 'side-by-side', 'border-error']) assert.ok(existsSync(join(dir, backend, 'pad', `${f}.png`)), f);
  });

  test('convnet featuremaps and kernels on a saved lenet5 checkpoint', async () => {
    manualSeed(2);
    const model = lenet5();
    await saveCheckpoint(join(dir, backend, 'ck'), { model, epoch: 1, modelName: 'lenet5' });
    let r = await capture(() => featuremapsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.0', asset('coins.png'), '-o', join(dir, backend, 'maps.png'), '--invert']));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /lenet5 features.0: input \[1, 1, 28, 28\] → feature maps \[1, 6, 28, 28\]/);
    assert.equal(readImage(join(dir, backend, 'maps.png')).shape[0], 1);
    // The picture says what it shows: its title, then (after two note lines) the label over tile 0.
    const fm = await inkOfPng(join(dir, backend, 'maps.png'));
    assert.equal(readLine(fm, 8, 8, 2), 'lenet5 features.0 (conv1): 6 feature maps 28×28');
    assert.equal(readLine(fm, 8, 8 + 18 + 6 + 20 + 6), '0');
    r = await capture(() => featuremapsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.4', asset('coins.png'), '-o', join(dir, backend, 'maps2.png')]));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /feature maps \[1, 16, 10, 10\]/);
    r = await capture(() => kernelsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.3', '-o', join(dir, backend, 'k.png')]));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /weight \[16, 6, 5, 5\]/);
    const kp = await inkOfPng(join(dir, backend, 'k.png'));
    assert.equal(readLine(kp, 8, 8, 2), 'lenet5 features.3 (conv2): 96 kernels 5×5');
    const gridY = 8 + 18 + 6 + 20 + 6, cell = 5 * Math.floor(64 / 5);
    assert.deepEqual([readLine(kp, 8, gridY), readLine(kp, 8 + cell + 6, gridY), readLine(kp, 8, gridY + 11 + cell + 6)], ['0,0', '0,1', '1,0']);
    r = await capture(() => kernelsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.1', '-o', join(dir, backend, 'k.png')]));
    assert.equal(r.code, 1);
    assert.match(r.err, /layer 'features.1' \(ReLU\) has no 4-D conv weight/);
    r = await capture(() => featuremapsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'conv1', asset('coins.png'), '-o', join(dir, backend, 'x.png')]));
    assert.match(r.err, /no layer named 'conv1'/);
    // Sizes and scales are bounded: a huge value is a usage error before any work, not gigabytes.
    r = await capture(() => featuremapsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.0', asset('coins.png'), '-o', join(dir, backend, 'x.png'), '--size', '1000000000']));
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--size must be an integer from 1 to 1024, got '1000000000'/);
    r = await capture(() => kernelsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.3', '-o', join(dir, backend, 'k.png'), '--scale', '99999']));
    assert.match(r.err, /--scale must be an integer from 1 to 64, got '99999'/);
    r = await capture(() => paddingDemoCommand.run([asset('coins.png'), '-o', join(dir, backend, 'pad'), '--size', '100001']));
    assert.match(r.err, /--size must be an integer from 1 to 99, got '100001'/);
  });

  test('an nn.Conv2d\'s weight renders with kernelGrid', () => {
    const c = new nn.Conv2d(3, 8, 3);
    assert.equal(vis.kernelGrid(c.weight).shape[0], 3);
  });
});
