// test/helpers/figure.ts — reads text back out of a rendered figure, glyph cell by glyph cell, so tests
// can check what a picture says (its title, its tile labels, its colour bar's values) from its pixels.

import { vis, readImage, type RgbaImage } from '../../src/index.js';
import { values } from './backends.js';

/** A picture as "is this pixel ink?": anything but the white background. */
export interface InkMap { width: number; height: number; ink(x: number, y: number): boolean }

export function inkOf(img: RgbaImage): InkMap {
  return {
    width: img.width, height: img.height,
    ink: (x, y) => {
      if (x < 0 || y < 0 || x >= img.width || y >= img.height) return false;
      const p = 4 * (y * img.width + x);
      return img.data[p] !== 255 || img.data[p + 1] !== 255 || img.data[p + 2] !== 255;
    },
  };
}

/** A PNG file read back (readImage: values in [0, 1]) as an ink map. */
export async function inkOfPng(path: string): Promise<InkMap> {
  const t = readImage(path);
  const [C, H, W] = t.shape;
  const v = await values(t);
  return {
    width: W, height: H,
    ink: (x, y) => {
      if (x < 0 || y < 0 || x >= W || y >= H) return false;
      for (let c = 0; c < Math.min(C, 3); c++) if (v[c * H * W + y * W + x] !== 1) return true;
      return false;
    },
  };
}

const CELL_W = 5, CELL_H = 9, ADVANCE = 6;
let byBitmap: Map<string, string> | null = null;

/** The character whose glyph is drawn in the cell at (x, y), or '\uFFFD' when the cell holds no glyph
 *  of the font (or its s × s blocks are not uniform). */
export function readCell(m: InkMap, x: number, y: number, scale: number): string {
  byBitmap ??= new Map([...vis.FONT_CHARACTERS].map((ch) => [vis.glyphRows(ch).join('|'), ch]));
  const rows: string[] = [];
  for (let gy = 0; gy < CELL_H; gy++) {
    let row = '';
    for (let gx = 0; gx < CELL_W; gx++) {
      const on = m.ink(x + gx * scale, y + gy * scale);
      for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) {
        if (m.ink(x + gx * scale + dx, y + gy * scale + dy) !== on) return '\uFFFD';
      }
      row += on ? '#' : '.';
    }
    rows.push(row);
  }
  return byBitmap.get(rows.join('|')) ?? '\uFFFD';
}

/** The text of n cells from (x, y). */
export function readText(m: InkMap, x: number, y: number, n: number, scale = 1): string {
  let s = '';
  for (let k = 0; k < n; k++) s += readCell(m, x + k * ADVANCE * scale, y, scale);
  return s;
}

/** The text from (x, y) up to the first cell that is not a glyph, or two blank cells in a row. */
export function readLine(m: InkMap, x: number, y: number, scale = 1): string {
  let s = '';
  for (let cx = x; cx + CELL_W * scale <= m.width; cx += ADVANCE * scale) {
    const ch = readCell(m, cx, y, scale);
    if (ch === '\uFFFD' || (ch === ' ' && s.endsWith(' '))) break;
    s += ch;
  }
  return s.trimEnd();
}
