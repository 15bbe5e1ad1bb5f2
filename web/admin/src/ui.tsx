// Shared pieces of every page: data loading with loading/empty/error states, tables that
// scroll on narrow screens, status badges, cursor pagination and forms' error display.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, get, type PageOf } from './api';
import { t, tDynamic } from './i18n';
import { BASE } from './router';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (d: T) => void;
}

// GETs `path` (null: nothing to load yet); reloads when the path changes.
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    setLoading(true);
    setError(undefined);
    get<T>(path, ctl.signal)
      .then((d) => { setData(d); setLoading(false); })
      .catch((e) => { if (!ctl.signal.aborted) { setError(e); setLoading(false); } });
    return () => ctl.abort();
  }, [path, round]);
  return { data, error, loading, reload: useCallback(() => setRound((n) => n + 1), []), setData };
}

// A cursor-paginated list: first page from `path`, "Load more" appends the next.
export function usePaged<T>(path: string) {
  const first = useApi<PageOf<T>>(path);
  const [more, setMore] = useState<{ items: T[]; next: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setMore(null), [path, first.data]);
  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const next = more ? more.next : first.data?.next_cursor ?? null;
  const loadMore = async () => {
    if (!next) return;
    setBusy(true);
    try {
      const sep = path.includes('?') ? '&' : '?';
      const page = await get<PageOf<T>>(`${path}${sep}cursor=${encodeURIComponent(next)}`);
      setMore({ items: [...(more?.items ?? []), ...page.items], next: page.next_cursor });
    } finally {
      setBusy(false);
    }
  };
  return { ...first, items, next, loadMore, busy };
}

export function Loading() {
  return <p class="state loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true" />{t('state.loading')}</p>;
}

export function Empty({ children }: { children?: ComponentChildren }) {
  return <p class="state empty">{children ?? t('state.empty')}</p>;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.field ? `${e.message} (${e.field})` : e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  if (error instanceof ApiError && error.status === 403) return <Forbidden />;
  return (
    <div class="state error" role="alert">
      <strong>{t('state.error')}</strong>
      <p>{errorText(error)}</p>
      {retry && <button type="button" onClick={retry}>{t('state.retry')}</button>}
    </div>
  );
}

let currentRole = '';
export function setRoleForMessages(role: string) {
  currentRole = role;
}

export function Forbidden() {
  return (
    <div class="state error forbidden" role="alert" data-testid="forbidden">
      <h1>{t('state.forbidden')}</h1>
      <p>{t('state.forbidden.detail', { role: currentRole })}</p>
      <a href={`${BASE}/`}>{t('nav.dashboard')}</a>
    </div>
  );
}

// Renders loading / error / content for one Loaded value.
export function Async<T>({ r, children }: { r: Loaded<T>; children: (d: T) => ComponentChildren }) {
  if (r.error) return <ErrorState error={r.error} retry={r.reload} />;
  if (r.loading || r.data === undefined) return <Loading />;
  return <>{children(r.data)}</>;
}

export function Badge({ value, kind = 'status' }: { value: string; kind?: 'status' | 'plain' }) {
  return <span class={`badge badge-${value}`}>{kind === 'status' ? tDynamic('status', value) : value.replace(/_/g, ' ')}</span>;
}

export function Table({ head, children, label }: { head: ComponentChildren[]; children: ComponentChildren; label?: string }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table>
        <thead><tr>{head.map((h, i) => <th key={i} scope="col">{h}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function MoreButton({ next, busy, onClick }: { next: string | null; busy: boolean; onClick: () => void }) {
  if (!next) return null;
  return <button type="button" class="more" disabled={busy} onClick={onClick}>{busy ? t('state.loading') : t('state.more')}</button>;
}

export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <header class="page-header">
      <h1>{title}</h1>
      {children && <div class="page-actions">{children}</div>}
    </header>
  );
}

// A form submit wrapper: runs `fn`, shows its error (naming the field) or a success note.
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState('');
  const run = async (fn: () => Promise<string | void>) => {
    setBusy(true);
    setError(undefined);
    setDone('');
    try {
      const msg = await fn();
      setDone(msg || t('state.saved'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const Feedback = () => (
    <>
      {error !== undefined && <p class="form-error" role="alert">{errorText(error)}</p>}
      {done && <p class="form-ok" role="status">{done}</p>}
    </>
  );
  return { busy, error, run, Feedback };
}
