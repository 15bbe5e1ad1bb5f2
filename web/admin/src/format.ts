// Locale-aware formatting. Money arrives as integer minor units plus an ISO currency and
// is split into whole units and fraction digits with integer arithmetic (the currency's
// minor-unit exponent comes from Intl); no amount is ever a floating-point fraction.
import { locale } from './i18n';

const tag = () => (locale() === 'it' ? 'it-IT' : 'en-GB');

// Minor units split exactly into whole units and the fraction's digits: integer
// arithmetic only (the quotient is exact because the remainder is taken off first).
function splitMinor(minor: number, digits: number): { negative: boolean; whole: number; frac: string } {
  const unit = 10 ** digits;
  const abs = Math.abs(minor);
  const rest = abs % unit;
  return { negative: minor < 0, whole: (abs - rest) / unit, frac: String(rest).padStart(digits, '0') };
}

// The locale's shape of an amount (sign, symbol, spacing) with the exact digits put in:
// the number handed to Intl is only ±1, so no amount ever passes through a fraction.
export function money(minor: number | null | undefined, currency = 'EUR'): string {
  if (minor === null || minor === undefined) return '—';
  const f = new Intl.NumberFormat(tag(), { style: 'currency', currency });
  const { negative, whole, frac } = splitMinor(minor, f.resolvedOptions().maximumFractionDigits ?? 2);
  const grouped = new Intl.NumberFormat(tag(), { maximumFractionDigits: 0 }).format(whole);
  return f
    .formatToParts(negative ? -1 : 1)
    .map((p) => (p.type === 'integer' ? grouped : p.type === 'fraction' ? frac : p.value))
    .join('');
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
  const { negative, whole, frac } = splitMinor(minor, d);
  const mark = locale() === 'it' ? ',' : '.';
  return `${negative ? '-' : ''}${whole}${d > 0 ? mark + frac : ''}`;
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
