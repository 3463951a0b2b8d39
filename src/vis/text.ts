// vis/text.ts — text on RGBA rasters, for the titles and labels of figures (vis/annotate.ts), with a
// bitmap font drawn for convnet: no font file, no dependency, the same pixels in Node and the browser.
//
// The font: every glyph is 5 columns wide on a 9-row cell. Capitals, digits and most punctuation use the
// top 7 rows (a 5×7 font); the bottom 2 rows are for descenders (g, j, p, q, y, the comma's tail).
// Monospaced: a glyph advances 6 columns (5 + 1 of space), so a string of n characters is 6n − 1 pixels
// wide at scale 1. Text is drawn at an integer scale (each font pixel an s × s block), with no
// anti-aliasing, so that it stays crisp when a figure is shown enlarged and decodes back exactly (the
// tests read rendered text back glyph by glyph).
//
// It covers printable ASCII and the few other characters figures need: × – − … · ≤ ≥ → °. A character
// outside it is drawn as a hollow box (the font's "missing glyph").

import type { RgbaImage } from '../io/image.js';

/**
 * Columns of a glyph cell in the figures' bitmap font (5). convnet's own.
 * @example
 * ```ts
 * vis.textWidth('ab');  // 2 · GLYPH_ADVANCE − 1 pixels
 * ```
 */
export const GLYPH_WIDTH = 5;
/**
 * Rows of a glyph cell: 7 above the baseline, 2 below. convnet's own.
 * @example
 * ```ts
 * vis.textHeight(1) === vis.GLYPH_HEIGHT;  // true
 * ```
 */
export const GLYPH_HEIGHT = 9;
/**
 * Rows above the baseline: the height of capitals and digits. convnet's own.
 * @example
 * ```ts
 * const baseline = y + vis.CAP_HEIGHT * scale;
 * ```
 */
export const CAP_HEIGHT = 7;
/**
 * Columns from one glyph to the next. convnet's own.
 * @example
 * ```ts
 * vis.textWidth('abc') === 3 * vis.GLYPH_ADVANCE - 1;  // true
 * ```
 */
export const GLYPH_ADVANCE = 6;

// Rows from the top, '#' = ink, separated by spaces; rows left out at the bottom are blank.
const FONT: Record<string, string> = {
  ' ': '..... ..... ..... ..... ..... ..... .....',
  '!': '..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..',
  '"': '.#.#. .#.#. .#.#. ..... ..... ..... .....',
  '#': '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.',
  '$': '..#.. .#### #.#.. .###. ..#.# ####. ..#..',
  '%': '##... ##..# ...#. ..#.. .#... #..## ...##',
  '&': '.##.. #..#. #.#.. .#... #.#.# #..#. .##.#',
  "'": '..#.. ..#.. ..#.. ..... ..... ..... .....',
  '(': '...#. ..#.. .#... .#... .#... ..#.. ...#.',
  ')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
  '*': '..... ..#.. #.#.# .###. #.#.# ..#.. .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
  ',': '..... ..... ..... ..... ..... .##.. ..#.. .#...',
  '-': '..... ..... ..... .###. ..... ..... .....',
  '.': '..... ..... ..... ..... ..... .##.. .##..',
  '/': '....# ....# ...#. ..#.. .#... #.... #....',
  '0': '.###. #...# #..## #.#.# ##..# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '.###. #...# ....# ..##. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ...#. .##..',
  ':': '..... .##.. .##.. ..... .##.. .##.. .....',
  ';': '..... .##.. .##.. ..... .##.. ..#.. .#...',
  '<': '...#. ..#.. .#... #.... .#... ..#.. ...#.',
  '=': '..... ..... ##### ..... ##### ..... .....',
  '>': '.#... ..#.. ...#. ....# ...#. ..#.. .#...',
  '?': '.###. #...# ....# ...#. ..#.. ..... ..#..',
  '@': '.###. #...# #.### #.#.# #.### #.... .####',
  'A': '.###. #...# #...# ##### #...# #...# #...#',
  'B': '####. #...# #...# ####. #...# #...# ####.',
  'C': '.###. #...# #.... #.... #.... #...# .###.',
  'D': '####. #...# #...# #...# #...# #...# ####.',
  'E': '##### #.... #.... ####. #.... #.... #####',
  'F': '##### #.... #.... ####. #.... #.... #....',
  'G': '.###. #...# #.... #.### #...# #...# .####',
  'H': '#...# #...# #...# ##### #...# #...# #...#',
  'I': '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  'J': '..### ...#. ...#. ...#. ...#. #..#. .##..',
  'K': '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
  'L': '#.... #.... #.... #.... #.... #.... #####',
  'M': '#...# ##.## #.#.# #.#.# #...# #...# #...#',
  'N': '#...# #...# ##..# #.#.# #..## #...# #...#',
  'O': '.###. #...# #...# #...# #...# #...# .###.',
  'P': '####. #...# #...# ####. #.... #.... #....',
  'Q': '.###. #...# #...# #...# #.#.# #..#. .##.#',
  'R': '####. #...# #...# ####. #.#.. #..#. #...#',
  'S': '.###. #...# #.... .###. ....# #...# .###.',
  'T': '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  'U': '#...# #...# #...# #...# #...# #...# .###.',
  'V': '#...# #...# #...# #...# #...# .#.#. ..#..',
  'W': '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
  'X': '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  'Y': '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..',
  'Z': '##### ....# ...#. ..#.. .#... #.... #####',
  '[': '.###. .#... .#... .#... .#... .#... .###.',
  '\\': '#.... #.... .#... ..#.. ...#. ....# ....#',
  ']': '.###. ...#. ...#. ...#. ...#. ...#. .###.',
  '^': '..#.. .#.#. #...# ..... ..... ..... .....',
  '_': '..... ..... ..... ..... ..... ..... ..... #####',
  '`': '.#... ..#.. ..... ..... ..... ..... .....',
  'a': '..... ..... .###. ....# .#### #...# .####',
  'b': '#.... #.... ####. #...# #...# #...# ####.',
  'c': '..... ..... .###. #.... #.... #...# .###.',
  'd': '....# ....# .#### #...# #...# #...# .####',
  'e': '..... ..... .###. #...# ##### #.... .###.',
  'f': '..##. .#..# .#... ###.. .#... .#... .#...',
  'g': '..... ..... .#### #...# #...# #...# .#### ....# .###.',
  'h': '#.... #.... #.##. ##..# #...# #...# #...#',
  'i': '..#.. ..... .##.. ..#.. ..#.. ..#.. .###.',
  'j': '...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..',
  'k': '#.... #.... #..#. #.#.. ##... #.#.. #..#.',
  'l': '.##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  'm': '..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#',
  'n': '..... ..... #.##. ##..# #...# #...# #...#',
  'o': '..... ..... .###. #...# #...# #...# .###.',
  'p': '..... ..... ####. #...# #...# #...# ####. #.... #....',
  'q': '..... ..... .#### #...# #...# #...# .#### ....# ....#',
  'r': '..... ..... #.##. ##..# #.... #.... #....',
  's': '..... ..... .###. #.... .###. ....# ####.',
  't': '.#... .#... ###.. .#... .#... .#..# ..##.',
  'u': '..... ..... #...# #...# #...# #..## .##.#',
  'v': '..... ..... #...# #...# #...# .#.#. ..#..',
  'w': '..... ..... #...# #...# #.#.# #.#.# .#.#.',
  'x': '..... ..... #...# .#.#. ..#.. .#.#. #...#',
  'y': '..... ..... #...# #...# #...# #...# .#### ....# .###.',
  'z': '..... ..... ##### ...#. ..#.. .#... #####',
  '{': '...## ..#.. ..#.. ##... ..#.. ..#.. ...##',
  '|': '..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  '}': '##... ..#.. ..#.. ...## ..#.. ..#.. ##...',
  '~': '..... ..... .#... #.#.# ...#. ..... .....',
  '×': '..... #...# .#.#. ..#.. .#.#. #...# .....',
  '–': '..... ..... ..... ..... ##### ..... .....', // en dash, for ranges: 0–1
  '−': '..... ..... ..... ##### ..... ..... .....', // minus sign (U+2212)
  '…': '..... ..... ..... ..... ..... ..... #.#.#',
  '·': '..... ..... ..... .##.. .##.. ..... .....',
  '≤': '...#. ..#.. .#... ..#.. ...#. ..... #####',
  '≥': '.#... ..#.. ...#. ..#.. .#... ..... #####',
  '→': '..... ..#.. ...#. ##### ...#. ..#.. .....',
  '°': '.##.. #..#. #..#. .##.. ..... ..... .....',
};

const MISSING = '##### #...# #...# #...# #...# #...# #####';

function parseGlyph(spec: string): readonly string[] {
  const rows = spec.split(' ');
  while (rows.length < GLYPH_HEIGHT) rows.push('.'.repeat(GLYPH_WIDTH));
  return Object.freeze(rows);
}

const GLYPHS = new Map<string, readonly string[]>(Object.entries(FONT).map(([ch, spec]) => [ch, parseGlyph(spec)]));
const MISSING_GLYPH = parseGlyph(MISSING);

/**
 * Every character the font draws (others are drawn as a hollow box). convnet's own.
 * @example
 * ```ts
 * vis.FONT_CHARACTERS.includes('%');
 * ```
 */
export const FONT_CHARACTERS: string = [...GLYPHS.keys()].join('');

/**
 * A character's glyph: GLYPH_HEIGHT rows of GLYPH_WIDTH characters, '#' where there is ink; the hollow
 *  box for a character outside the font.
 * convnet's own.
 * @example
 * ```ts
 * vis.glyphRows('A').length;  // 9
 * ```
 */
export function glyphRows(ch: string): readonly string[] {
  return GLYPHS.get(ch) ?? MISSING_GLYPH;
}

/**
 * Whether the font has a glyph for `ch` (a single character: one code point).
 * convnet's own.
 * @example
 * ```ts
 * vis.hasGlyph('é');
 * ```
 */
export function hasGlyph(ch: string): boolean {
  return GLYPHS.has(ch);
}

/**
 * Width in pixels of one line of text at an integer scale (characters are code points).
 * convnet's own.
 * @example
 * ```ts
 * vis.textWidth('conv1', 2);
 * ```
 */
export function textWidth(text: string, scale = 1): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * scale;
}

/**
 * Height in pixels of one line of text, descenders included.
 * convnet's own.
 * @example
 * ```ts
 * vis.textHeight(2);  // 18
 * ```
 */
export function textHeight(scale = 1): number {
  return GLYPH_HEIGHT * scale;
}

/**
 * Options of {@link drawText}: an integer `scale` and the ink `color` (RGB, default black). convnet's own.
 * @example
 * ```ts
 * vis.drawText(img, 'conv1', 4, 4, { scale: 2, color: [200, 0, 0] });
 * ```
 */
export interface TextOptions {
  /** Integer scale: each font pixel becomes scale × scale raster pixels (default 1). */
  scale?: number;
  /** RGB of the ink, 0…255 each (default black). Only inked pixels are written. */
  color?: readonly [number, number, number];
}

/**
 * Draws one line of text onto an RGBA raster with its cell's top-left corner at (x, y); pixels that fall
 *  outside the raster are left out. Returns the width drawn (textWidth).
 * convnet's own.
 * @example
 * ```ts
 * vis.drawText(fig, 'epoch 3', 4, 4, { scale: 2 });
 * ```
 */
export function drawText(img: RgbaImage, text: string, x: number, y: number, opts: TextOptions = {}): number {
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`drawText: scale must be a positive integer, got ${JSON.stringify(opts.scale)}`);
  if (!Number.isInteger(x) || !Number.isInteger(y)) throw new Error(`drawText: x and y must be integers, got ${x}, ${y}`);
  if (typeof text !== 'string') throw new Error(`drawText: text must be a string, got ${typeof text}`);
  const [r, g, b] = opts.color ?? [0, 0, 0];
  const { width: W, height: H, data } = img;
  let cx = x;
  for (const ch of text) {
    const rows = glyphRows(ch);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      const row = rows[gy];
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (row[gx] !== '#') continue;
        for (let dy = 0; dy < scale; dy++) {
          const py = y + gy * scale + dy;
          if (py < 0 || py >= H) continue;
          for (let dx = 0; dx < scale; dx++) {
            const px = cx + gx * scale + dx;
            if (px < 0 || px >= W) continue;
            const p = 4 * (py * W + px);
            data[p] = r; data[p + 1] = g; data[p + 2] = b; data[p + 3] = 255;
          }
        }
      }
    }
    cx += GLYPH_ADVANCE * scale;
  }
  return textWidth(text, scale);
}
