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
