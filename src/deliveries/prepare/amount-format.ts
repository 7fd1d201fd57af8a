// Money as receivers expect to read it: "0.50", never "0.5" or "0.30000000000000004".

/** At least two decimals, at most ten, no binary floating-point noise; '' for a missing amount. */
export function formatAmount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  // Rounding to 10 places removes representation noise (0.1 + 0.2) while keeping sub-cent payouts.
  const rounded = Number(value.toFixed(10));
  const text = rounded.toFixed(10).replace(/0+$/, '');
  const [whole, decimals = ''] = text.split('.');
  const sign = Object.is(rounded, -0) || rounded === 0 ? whole.replace('-', '') : whole;
  return `${sign}.${decimals.padEnd(2, '0')}`;
}
