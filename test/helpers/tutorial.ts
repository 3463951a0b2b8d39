// test/helpers/tutorial.ts — the tutorial's inputs and its definitions written out by hand (plain float64
// loops over JS arrays): the independent expected values of test/tutorial.test.ts and
// test/tutorial-listings.test.ts.

/** The 5×5 input of the tutorial's padding and stride listings. */
export const X5 = [[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]];
/** Their 3×3 kernel 1…9. */
export const K9 = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
/** The tutorial's 6×8 image: ones, with columns 2..5 zero (X = ones(6, 8); X[:, 2:6] = 0). */
export const EDGE = Array.from({ length: 6 }, () => Array.from({ length: 8 }, (_, j) => (j >= 2 && j < 6 ? 0 : 1)));

/** Cross-correlation by its definition, on plain arrays, with zero padding and stride. */
export function corrByHand(x: number[][], k: number[][], pad = 0, stride = 1): number[][] {
  const H = x.length, W = x[0].length, kh = k.length, kw = k[0].length;
  const at = (i: number, j: number) => (i >= 0 && i < H && j >= 0 && j < W ? x[i][j] : 0);
  const out: number[][] = [];
  for (let i = -pad; i + kh <= H + pad; i += stride) {
    const row: number[] = [];
    for (let j = -pad; j + kw <= W + pad; j += stride) {
      let s = 0;
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) s += at(i + a, j + b) * k[a][b];
      row.push(s);
    }
    out.push(row);
  }
  return out;
}
