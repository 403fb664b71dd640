/**
 * Marks the moment a page shows its main content (`charter:ready:<page>`), once per page load, so
 * the UI benchmark can read it with the Performance API.
 */
const marked = new Set<string>();

export function markReady(page: string): void {
  if (marked.has(page)) return;
  marked.add(page);
  performance.mark(`charter:ready:${page}`);
}
