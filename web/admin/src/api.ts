// The console's only way to the server: the public REST API under /api/v1, authenticated
// by the session cookie (HttpOnly, set by POST /api/v1/session) plus the CSRF token the
// session returned, sent as X-CSRF-Token on every state-changing request. Errors arrive as
// problem+json and become ApiError values carrying the status and the offending field.

export type Role =
  | 'admin' | 'manager' | 'marketing' | 'purchasing' | 'logistics'
  | 'customer_care' | 'accounting' | 'integration';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  locale: string;
}

export interface Session {
  user: User;
  csrf_token: string;
}

export interface PageOf<T> {
  items: T[];
  next_cursor: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly field: string | undefined,
    readonly retryAfter: number | undefined,
  ) {
    super(detail || title || `HTTP ${status}`);
  }
}

let csrfToken = '';
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string) {
  csrfToken = token;
}

// Called when a request comes back 401 (the session expired or was revoked elsewhere).
export function setUnauthorizedHandler(fn: () => void) {
  onUnauthorized = fn;
}

function randomKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function toError(res: Response): Promise<ApiError> {
  let title = res.statusText;
  let detail = '';
  let field: string | undefined;
  try {
    const p = await res.json();
    title = p.title ?? title;
    detail = p.detail ?? '';
    field = p.field ?? p.errors?.[0]?.field;
  } catch {
    // not problem+json (a proxy's error page): the status says enough
  }
  const ra = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, title, detail, field, Number.isFinite(ra) && ra > 0 ? ra : undefined);
}

export interface RequestOptions {
  body?: unknown;       // sent as JSON
  raw?: BodyInit;       // sent as is (file imports) with rawType
  rawType?: string;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') {
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    // A retried click must not place the same effect twice.
    if (method === 'POST') headers['Idempotency-Key'] = randomKey();
  }
  let body: BodyInit | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.rawType ?? 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  if (!res.ok) {
    const err = await toError(res);
    if (res.status === 401 && !path.endsWith('/session') && onUnauthorized) onUnauthorized();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, { signal });
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} });
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
export const del = <T>(path: string) => request<T>('DELETE', path);

// Query string from the non-empty values.
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

// Downloads a file the API serves (XML, PDF) with the session cookie, then hands it to the
// browser: links cannot carry the CSRF header, but GETs do not need it.
export async function download(path: string, filename: string) {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) throw await toError(res);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// Opens a PDF (label, pick list) in a new tab for printing.
export async function openPdf(path: string) {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) throw await toError(res);
  const url = URL.createObjectURL(await res.blob());
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
