// bench/first-touch.ts — what a fresh page of memory costs on this machine: the time to write one byte
// into each 4 KiB page of newly allocated memory (the kernel zeroes and maps it on that first touch).
// Every bench prints it in its header: on machines where it is high (11–16 µs here, against ~1.4 µs
// elsewhere), fresh output arrays cost more than the kernels that fill them, so a result that holds
// only where fresh memory is cheap does not hold.
//
//   node --import tsx bench/first-touch.ts

const PAGE = 4096;

/** Median µs per 4 KiB page of first writes into fresh 64 MiB buffers (5 buffers). */
export function firstTouchMicrosPerPage(mib = 64, repeats = 5): number {
  const results: number[] = [];
  for (let r = 0; r < repeats; r++) {
    // Larger than glibc's highest mmap threshold (32 MiB): always fresh pages from the kernel.
    const u8 = new Uint8Array(new ArrayBuffer(mib * 2 ** 20));
    const pages = u8.length / PAGE;
    const t0 = performance.now();
    for (let p = 0; p < pages; p++) u8[p * PAGE] = 1;
    results.push(((performance.now() - t0) * 1000) / pages);
  }
  results.sort((a, b) => a - b);
  return results[results.length >> 1];
}

/** One line for a bench header. */
export function firstTouchLine(): string {
  const us = firstTouchMicrosPerPage();
  return `first touch of fresh memory: ${us.toFixed(2)} µs per 4 KiB page (${(4096 / us / 1000).toFixed(2)} GB/s)`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(firstTouchLine());
