// Money with its currency, counts with separators, times in the viewer's zone (UTC on hover), owners.
const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return '—';
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 4 });
    } catch {
      format = new Intl.NumberFormat(undefined, { maximumFractionDigits: 4 });
    }
    moneyFormats.set(currency, format);
  }
  return format.format(amount);
}

const counts = new Intl.NumberFormat();
export const formatCount = (n: number) => counts.format(n);

const times = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const formatTime = (ms: number | null | undefined) => (ms ? times.format(ms) : '—');
export const utcTime = (ms: number) => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;

export function relativeTime(ms: number, now = Date.now()): string {
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return formatTime(ms);
}

/** Whom a key or a user is bound to, as its row in a list says it. */
export function boundTo(owner: { advertiserId?: number | null; publisherId?: number | null }): string {
  if (owner.advertiserId) return `advertiser #${owner.advertiserId}`;
  if (owner.publisherId) return `publisher #${owner.publisherId}`;
  return '—';
}
