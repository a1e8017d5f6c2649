const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A cache's size for reading, rounded to one decimal: 13421772800 → "12.5 GiB"; unknown → "—". */
export function formatCacheSize(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '—';
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${UNITS[i]}`;
}
