// Locale-aware formatting. Money arrives as integer minor units plus an ISO currency:
// it is divided by the currency's own minor-unit exponent (Intl knows it), never summed as
// floating point.
import { locale } from './i18n';

const tag = () => (locale() === 'it' ? 'it-IT' : 'en-GB');

export function money(minor: number | null | undefined, currency = 'EUR'): string {
  if (minor === null || minor === undefined) return '—';
  const f = new Intl.NumberFormat(tag(), { style: 'currency', currency });
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

export function num(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat(tag()).format(n);
}

export function percentBp(bp: number): string {
  return new Intl.NumberFormat(tag(), { style: 'percent', maximumFractionDigits: 2 }).format(bp / 10000);
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : new Intl.DateTimeFormat(tag(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(tag(), { dateStyle: 'medium' }).format(d);
}

export function shortDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00`);
  return new Intl.DateTimeFormat(tag(), { day: 'numeric', month: 'short' }).format(d);
}

// The currency's minor-unit exponent (EUR 2, JPY 0), as Intl knows it.
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

// Minor units as a plain decimal for an input field ("12,50" in Italian, "12.50" in English).
export function moneyInput(minor: number, currency: string): string {
  const d = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 10 ** d);
  const frac = d > 0 ? (locale() === 'it' ? ',' : '.') + String(abs % 10 ** d).padStart(d, '0') : '';
  return `${sign}${whole}${frac}`;
}

// Parses what a person typed ("12,5", "1.234,50", "12.50", "1,234.50") into minor units,
// with string arithmetic only (no floating point); null when it is not an amount or has
// more decimals than the currency allows. With both marks present the last one is the
// decimal mark; a single mark before exactly three digits that is the locale's grouping
// mark ("1.234" in Italian) groups; a mark repeated ("1.234.567") groups.
export function parseMoney(text: string, currency: string): number | null {
  const d = minorDigits(currency);
  const s = text.trim().replace(/[\s\u00a0€$£]/g, '');
  if (!/^\d[\d.,]*$/.test(s)) return null;
  const group = locale() === 'it' ? '.' : ',';
  const last = Math.max(s.lastIndexOf(','), s.lastIndexOf('.'));
  let whole = s;
  let frac = '';
  if (last >= 0) {
    const mark = s[last];
    const tail = s.slice(last + 1);
    const both = s.includes(',') && s.includes('.');
    const repeated = s.indexOf(mark) !== last;
    const grouping = !both && (repeated || (mark === group && tail.length === 3));
    if (!grouping) {
      whole = s.slice(0, last);
      frac = tail;
    }
  }
  whole = whole.replace(/[.,]/g, '');
  if (frac.length > d || /[.,]/.test(frac)) return null;
  const n = Number((whole || '0') + frac.padEnd(d, '0'));
  return Number.isSafeInteger(n) ? n : null;
}
