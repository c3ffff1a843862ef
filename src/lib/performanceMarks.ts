/** Marks the user-timing timeline so benchmarks can read real latencies from the page. */
export function markPerformance(name: string, detail: Record<string, unknown>): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') {
    performance.mark(name, { detail });
  }
}
