// The shell: restores the session (GET /api/v1/session), shows the login page or the
// layout with the role's menu, and routes the path to a page. Pages load lazily so the
// first load carries only the shell, the login and the dashboard.
import type { ComponentType } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, del, get, post, setCsrfToken, setUnauthorizedHandler, type Session, type User } from './api';
import { setLocale, t } from './i18n';
import { Dashboard } from './pages/dashboard';
import { SECTIONS, canSee, sectionOf } from './roles';
import { BASE, match, navigate, onLinkClick, useLocation } from './router';
import { Forbidden, Loading, errorText, setRoleForMessages } from './ui';

type Params = Record<string, string>;
// A page component from a lazily loaded module (one chunk per module).
function page<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  return lazy(() => load().then((m) => ({ default: m[name] as ComponentType<any> })));
}

const Orders = page(() => import('./pages/orders'), 'Orders');
const OrderDetail = page(() => import('./pages/orders'), 'OrderDetail');
const Customers = page(() => import('./pages/customers'), 'Customers');
const Products = page(() => import('./pages/products'), 'Products');
const ProductDetail = page(() => import('./pages/products'), 'ProductDetail');
const Stock = page(() => import('./pages/stock'), 'Stock');
const Locations = page(() => import('./pages/stock'), 'Locations');
const Invoices = page(() => import('./pages/accounting'), 'Invoices');
const Payments = page(() => import('./pages/accounting'), 'Payments');
const PaymentDetail = page(() => import('./pages/accounting'), 'PaymentDetail');
const Shipments = page(() => import('./pages/logistics'), 'Shipments');
const PickLists = page(() => import('./pages/logistics'), 'PickLists');
const Returns = page(() => import('./pages/logistics'), 'Returns');
const ReturnDetail = page(() => import('./pages/logistics'), 'ReturnDetail');
const Channels = page(() => import('./pages/channels'), 'Channels');
const ChannelDetail = page(() => import('./pages/channels'), 'ChannelDetail');
const Webhooks = page(() => import('./pages/webhooks'), 'Webhooks');
const WebhookDetail = page(() => import('./pages/webhooks'), 'WebhookDetail');
const Emails = page(() => import('./pages/emails'), 'Emails');
const EmailDetail = page(() => import('./pages/emails'), 'EmailDetail');
const Automations = page(() => import('./pages/admin'), 'Automations');
const Users = page(() => import('./pages/admin'), 'Users');
const Settings = page(() => import('./pages/admin'), 'Settings');

const ROUTES: [string, ComponentType<{ params: Params; user: User }>][] = [
  ['/', Dashboard],
  ['/orders', Orders],
  ['/orders/:id', OrderDetail],
  ['/customers', Customers],
  ['/products', Products],
  ['/products/:id', ProductDetail],
  ['/stock', Stock],
  ['/locations', Locations],
  ['/invoices', Invoices],
  ['/payments', Payments],
  ['/payments/:id', PaymentDetail],
  ['/shipments', Shipments],
  ['/pick-lists', PickLists],
  ['/returns', Returns],
  ['/returns/:id', ReturnDetail],
  ['/channels', Channels],
  ['/channels/:code', ChannelDetail],
  ['/webhooks', Webhooks],
  ['/webhooks/:id', WebhookDetail],
  ['/emails', Emails],
  ['/emails/:id', EmailDetail],
  ['/automations', Automations],
  ['/users', Users],
  ['/settings', Settings],
];

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const loc = useLocation();

  const adopt = (s: Session | null) => {
    setCsrfToken(s?.csrf_token ?? '');
    if (s) {
      setLocale(s.user.locale);
      setRoleForMessages(s.user.role);
    }
    setSession(s);
  };

  useEffect(() => {
    setUnauthorizedHandler(() => adopt(null));
    get<Session>('/api/v1/session').then(adopt).catch(() => adopt(null));
    document.addEventListener('click', onLinkClick);
    return () => document.removeEventListener('click', onLinkClick);
  }, []);

  useEffect(() => {
    if (session === null && loc.path !== '/login') navigate('/login', true);
    if (session && loc.path === '/login') navigate('/', true);
  }, [session, loc.path]);

  if (session === undefined) return <Loading />;
  if (session === null) return <Login onDone={adopt} />;
  return <Layout user={session.user} path={loc.path} onLogout={() => adopt(null)} />;
}

function Login({ onDone }: { onDone: (s: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onDone(await post<Session>('/api/v1/session', { email, password }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('login.failed'));
      else if (err instanceof ApiError && err.status === 429) setError(t('login.throttled', { s: err.retryAfter ?? 60 }));
      else setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <main class="login" id="main">
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <div class="brand"><img src={`${BASE}/favicon.svg`} alt="" width={32} height={32} /> Fondaco</div>
        <h1 id="login-title">{t('login.title')}</h1>
        <label>{t('login.email')}
          <input name="email" type="email" autoComplete="username" required autoFocus value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <label>{t('login.password')}
          <input name="password" type="password" autoComplete="current-password" required value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        {error && <p class="form-error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{t('login.submit')}</button>
      </form>
    </main>
  );
}

function Layout({ user, path, onLogout }: { user: User; path: string; onLogout: () => void }) {
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  const logout = async () => {
    try {
      await del('/api/v1/session');
    } finally {
      onLogout();
    }
  };
  const section = sectionOf(path);
  let body;
  let found = false;
  for (const [pattern, Page] of ROUTES) {
    const params = match(pattern, path);
    if (!params) continue;
    found = true;
    body = section && !canSee(user.role, section) ? <Forbidden /> : <Page params={params} user={user} />;
    break;
  }
  if (!found) body = <div class="state error" role="alert"><h1>{t('state.notfound')}</h1></div>;
  return (
    <div class="layout">
      <a class="skip" href="#main">{t('app.skip')}</a>
      <header class="topbar">
        <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}>☰ {t('menu.toggle')}</button>
        <a class="brand" href={`${BASE}/`}><img src={`${BASE}/favicon.svg`} alt="" width={24} height={24} /> Fondaco</a>
        <span class="who" data-testid="who">{user.name || user.email} · <span class="role">{user.role.replace('_', ' ')}</span></span>
        <button type="button" class="logout" onClick={logout}>{t('logout')}</button>
      </header>
      <nav id="nav" class={menuOpen ? 'open' : ''} aria-label={t('menu.label')}>
        <ul>
          {SECTIONS.filter((s) => canSee(user.role, s)).map((s) => (
            <li key={s.path}>
              <a href={`${BASE}${s.path === '/' ? '/' : s.path}`} aria-current={section === s ? 'page' : undefined}>{t(s.label)}</a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>{body}</Suspense>
      </main>
    </div>
  );
}
