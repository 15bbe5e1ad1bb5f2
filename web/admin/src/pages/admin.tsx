// Administration: automation failures (retry), users and API tokens, settings (fiscal data,
// payment settings, carriers, and where e-mail delivery is configured). Channels are in
// channels.tsx, webhooks in webhooks.tsx.
import { useState } from 'preact/hooks';
import { del, patch, post, put, type Role, type User } from '../api';
import { dateTime, num } from '../format';
import { t } from '../i18n';
import { ACCESS, may } from '../roles';
import { BASE } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, errorText, useApi, usePaged, useSubmit } from '../ui';

interface Failure { id: number; subscriber: string; event_type: string; aggregate: string; aggregate_id: string; status: string; attempts: number; last_error: string; updated_at: string }
interface Token { id: number; name: string; role: Role; prefix: string; created_at: string; revoked_at: string | null }
interface UserRow { id: number; email: string; name: string; role: Role; locale: string; active?: boolean; created_at?: string }

const ROLES: Role[] = ['admin', 'manager', 'marketing', 'purchasing', 'logistics', 'customer_care', 'accounting', 'integration'];

export function Automations({ user }: { user: User }) {
  const list = usePaged<Failure>('/api/v1/automations/failures?status=all&limit=100');
  const [err, setErr] = useState('');
  const retry = async (f: Failure) => {
    setErr('');
    try {
      await post(`/api/v1/automations/failures/${f.id}/retry`);
      list.reload();
    } catch (e) {
      setErr(errorText(e));
    }
  };
  const canRetry = user.role === 'admin' || user.role === 'manager';
  return (
    <section>
      <PageHeader title={t('nav.automations')} />
      {err && <p class="form-error" role="alert">{err}</p>}
      <Async r={list}>{() => list.items.length === 0 ? <Empty>{t('dash.no_failures')}</Empty> : (
        <>
          <Table head={[t('col.event'), t('col.status'), t('col.attempts'), t('col.error'), t('col.date'), '']} label={t('nav.automations')}>
            {list.items.map((f) => (
              <tr key={f.id}>
                <td>{f.subscriber}<br /><small>{f.event_type} · {f.aggregate} {f.aggregate_id}</small></td>
                <td><Badge value={f.status} kind="plain" /></td><td class="num">{f.attempts}</td><td class="wrap">{f.last_error}</td><td>{dateTime(f.updated_at)}</td>
                <td>{canRetry && f.status === 'open' && <button type="button" onClick={() => retry(f)}>{t('state.retry')}</button>}</td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </section>
  );
}

export function Users(_: { user: User }) {
  const users = usePaged<UserRow>('/api/v1/users?limit=100');
  const tokens = usePaged<Token>('/api/v1/tokens?limit=100');
  const [form, setForm] = useState({ email: '', name: '', role: 'customer_care' as Role, locale: 'it', password: '' });
  const [tokenForm, setTokenForm] = useState({ name: '', role: 'integration' as Role });
  const [secret, setSecret] = useState('');
  const s = useSubmit();
  const ts = useSubmit();
  const [err, setErr] = useState('');
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const createUser = (e: Event) => {
    e.preventDefault();
    s.run(async () => {
      await post('/api/v1/users', form);
      setForm({ ...form, email: '', name: '', password: '' });
      users.reload();
    });
  };
  const createToken = (e: Event) => {
    e.preventDefault();
    ts.run(async () => {
      const r = await post<{ token: string }>('/api/v1/tokens', tokenForm);
      setSecret(r.token);
      tokens.reload();
    });
  };
  const toggle = async (u: UserRow) => {
    setErr('');
    try { await patch(`/api/v1/users/${u.id}`, { active: !(u.active ?? true) }); users.reload(); } catch (e) { setErr(errorText(e)); }
  };
  const revoke = async (tk: Token) => {
    setErr('');
    try { await del(`/api/v1/tokens/${tk.id}`); tokens.reload(); } catch (e) { setErr(errorText(e)); }
  };
  return (
    <section>
      <PageHeader title={t('nav.users')} />
      {err && <p class="form-error" role="alert">{err}</p>}
      <div class="card">
        <h2>{t('users.users')}</h2>
        <Async r={users}>{() => users.items.length === 0 ? <Empty /> : (
          <Table head={[t('col.email'), t('col.name'), t('col.role'), t('users.locale'), t('col.active'), '']} label={t('users.users')}>
            {users.items.map((u) => (
              <tr key={u.id}><td>{u.email}</td><td>{u.name}</td><td>{u.role}</td><td>{u.locale}</td><td>{(u.active ?? true) ? t('yes') : t('no')}</td>
                <td><button type="button" onClick={() => toggle(u)}>{(u.active ?? true) ? t('users.deactivate') : t('users.activate')}</button></td></tr>
            ))}
          </Table>
        )}</Async>
        <form class="form inline" onSubmit={createUser}>
          <h3>{t('users.create')}</h3>
          <label>{t('col.email')}<input type="email" required value={form.email} onInput={set('email')} /></label>
          <label>{t('col.name')}<input value={form.name} onInput={set('name')} /></label>
          <label>{t('col.role')}<select value={form.role} onChange={set('role')}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></label>
          <label>{t('users.locale')}<select value={form.locale} onChange={set('locale')}><option value="it">Italiano</option><option value="en">English</option></select></label>
          <label>{t('users.password')}<input type="password" autoComplete="new-password" required minLength={12} value={form.password} onInput={set('password')} /></label>
          <button type="submit" class="primary" disabled={s.busy}>{t('users.save')}</button>
          <s.Feedback />
        </form>
      </div>
      <div class="card">
        <h2>{t('users.tokens')}</h2>
        <Async r={tokens}>{() => tokens.items.length === 0 ? <Empty /> : (
          <Table head={[t('col.name'), t('col.role'), 'Prefix', t('col.created'), t('col.status'), '']} label={t('users.tokens')}>
            {tokens.items.map((tk) => (
              <tr key={tk.id}><td>{tk.name}</td><td>{tk.role}</td><td><code>{tk.prefix}…</code></td><td>{dateTime(tk.created_at)}</td>
                <td>{tk.revoked_at ? `revoked ${dateTime(tk.revoked_at)}` : 'active'}</td>
                <td>{!tk.revoked_at && <button type="button" class="danger" onClick={() => revoke(tk)}>{t('users.revoke')}</button>}</td></tr>
            ))}
          </Table>
        )}</Async>
        <form class="form inline" onSubmit={createToken}>
          <label>{t('col.name')}<input required value={tokenForm.name} onInput={(e) => setTokenForm({ ...tokenForm, name: (e.target as HTMLInputElement).value })} /></label>
          <label>{t('col.role')}<select value={tokenForm.role} onChange={(e) => setTokenForm({ ...tokenForm, role: (e.target as HTMLSelectElement).value as Role })}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></label>
          <button type="submit" class="primary" disabled={ts.busy}>{t('users.save')}</button>
          <ts.Feedback />
        </form>
        {secret && <p class="secret">{t('users.token_created')} <code>{secret}</code></p>}
      </div>
    </section>
  );
}

type Fiscal = Record<string, unknown> & { address?: Record<string, string> };
const FISCAL_FIELDS = ['company_name', 'vat_number', 'codice_fiscale', 'regime_fiscale', 'rea_office', 'rea_number', 'default_series', 'iban', 'email', 'pec'];
const ADDRESS_FIELDS = ['street', 'postcode', 'city', 'province', 'country'];

export function Settings({ user }: { user: User }) {
  const showFiscal = may(user.role, ACCESS.fiscalReaders);
  const showPayments = may(user.role, ACCESS.refunds);
  const fiscal = useApi<Fiscal>(showFiscal ? '/api/v1/settings/fiscal' : null);
  const payments = useApi<Record<string, unknown>>(showPayments ? '/api/v1/payments/settings' : null);
  const canEdit = user.role === 'admin' || user.role === 'accounting';
  return (
    <section>
      <PageHeader title={t('nav.settings')} />
      <div class="grid2">
        {showFiscal && (
          <div class="card">
            <h2>{t('settings.fiscal')}</h2>
            <Async r={fiscal}>{(f) => <FiscalForm f={f} canEdit={canEdit} />}</Async>
          </div>
        )}
        {showPayments && (
          <div class="card">
            <h2>{t('settings.payments')}</h2>
            <Async r={payments}>{(p) => (
              <dl class="kv">{Object.entries(p).map(([k, v]) => <><dt>{k.replace(/_/g, ' ')}</dt><dd>{typeof v === 'boolean' ? (v ? t('yes') : t('no')) : String(v ?? '—')}</dd></>)}</dl>
            )}</Async>
          </div>
        )}
        <div class="card" data-testid="smtp-note">
          <h2>{t('settings.email')}</h2>
          <p>{t('settings.smtp_flag')} <code>--smtp-url</code> (<code>FONDACO_SMTP_URL</code>).</p>
          {may(user.role, ['manager', 'customer_care', 'marketing']) && <p><a href={`${BASE}/emails`}>{t('settings.outbox_link')}</a></p>}
        </div>
      </div>
      {may(user.role, ACCESS.carrierReaders) && <Carriers canEdit={may(user.role, ACCESS.carriers)} />}
    </section>
  );
}

interface Carrier {
  code: string; name: string; services: string[]; active: boolean; default: boolean;
  tracking_format: 'numeric' | 's10' | 'generic'; tracking_prefix: string; tracking_url_template: string; max_parcel_weight_g: number;
}
const BLANK_CARRIER: Carrier = {
  code: '', name: '', services: ['standard'], active: true, default: false, tracking_format: 'generic', tracking_prefix: '',
  tracking_url_template: '', max_parcel_weight_g: 30000,
};

// Carriers (seeded GLS, BRT, POSTE, GENERIC): read by manager, logistics and customer care;
// created or replaced (PUT, the tracking counter is kept) by logistics and admin.
function Carriers({ canEdit }: { canEdit: boolean }) {
  const r = useApi<{ items: Carrier[] }>('/api/v1/carriers');
  const [editing, setEditing] = useState<Carrier | null>(null);
  const [isNew, setIsNew] = useState(false);
  return (
    <div class="card" data-testid="carriers">
      <header class="page-header">
        <h2>{t('settings.carriers')}</h2>
        {canEdit && <div class="page-actions"><button type="button" onClick={() => { setEditing({ ...BLANK_CARRIER }); setIsNew(true); }}>{t('carrier.new')}</button></div>}
      </header>
      <Async r={r}>{(d) => d.items.length === 0 ? <Empty /> : (
        <Table head={[t('col.code'), t('col.name'), t('carrier.services'), t('col.active'), t('carrier.default'), t('carrier.tracking'), t('carrier.max_weight'), '']} label={t('settings.carriers')}>
          {d.items.map((c) => (
            <tr key={c.code} class={editing?.code === c.code && !isNew ? 'selected' : ''}>
              <td>{c.code}</td><td>{c.name}</td><td class="wrap">{c.services.join(', ')}</td>
              <td>{c.active ? t('yes') : t('no')}</td><td>{c.default ? t('yes') : t('no')}</td>
              <td>{c.tracking_format} <code>{c.tracking_prefix}</code></td>
              <td class="num">{num(c.max_parcel_weight_g / 1000)} kg</td>
              <td>{canEdit && <button type="button" onClick={() => { setEditing(c); setIsNew(false); }}>{t('carrier.edit')}</button>}</td>
            </tr>
          ))}
        </Table>
      )}</Async>
      {editing && <CarrierForm key={`${isNew}-${editing.code}`} c={editing} isNew={isNew}
        onDone={() => { setEditing(null); r.reload(); }} onCancel={() => setEditing(null)} />}
    </div>
  );
}

function CarrierForm({ c, isNew, onDone, onCancel }: { c: Carrier; isNew: boolean; onDone: () => void; onCancel: () => void }) {
  const [v, setV] = useState({ ...c, services: c.services.join(', '), max_parcel_weight_g: String(c.max_parcel_weight_g) });
  const s = useSubmit();
  const text = (k: 'code' | 'name' | 'services' | 'tracking_prefix' | 'tracking_url_template' | 'max_parcel_weight_g') =>
    (e: Event) => setV({ ...v, [k]: (e.target as HTMLInputElement).value });
  const save = (e: Event) => {
    e.preventDefault();
    s.run(async () => {
      const { code, services, max_parcel_weight_g, tracking_url_template, ...rest } = v;
      await put(`/api/v1/carriers/${encodeURIComponent(code.trim())}`, {
        ...rest, ...(tracking_url_template ? { tracking_url_template } : {}), services: services.split(/[\s,]+/).filter(Boolean), max_parcel_weight_g: Number(max_parcel_weight_g),
      });
      onDone();
    });
  };
  return (
    <form class="form inline" onSubmit={save} data-testid="carrier-form">
      <h3>{isNew ? t('carrier.new') : t('carrier.editing', { code: c.code })}</h3>
      {isNew && <label>{t('col.code')}<input name="code" required maxLength={32} value={v.code} onInput={text('code')} /></label>}
      <label>{t('col.name')}<input name="name" required value={v.name} onInput={text('name')} /></label>
      <label>{t('carrier.services')}<input name="services" required value={v.services} onInput={text('services')} /></label>
      <label>{t('carrier.format')}
        <select name="tracking_format" value={v.tracking_format} onChange={(e) => setV({ ...v, tracking_format: (e.target as HTMLSelectElement).value as Carrier['tracking_format'] })}>
          <option value="numeric">numeric</option><option value="s10">s10 (UPU)</option><option value="generic">generic</option>
        </select>
      </label>
      <label>{t('carrier.prefix')}<input name="tracking_prefix" required value={v.tracking_prefix} onInput={text('tracking_prefix')} /></label>
      <label>{t('carrier.url')}<input name="tracking_url_template" placeholder="https://…/{tracking}" value={v.tracking_url_template} onInput={text('tracking_url_template')} /></label>
      <label>{t('carrier.max_weight_g')}<input name="max_parcel_weight_g" type="number" min={1} step={1} required value={v.max_parcel_weight_g} onInput={text('max_parcel_weight_g')} /></label>
      <label class="check"><input type="checkbox" checked={v.active} onChange={(e) => setV({ ...v, active: (e.target as HTMLInputElement).checked })} /> {t('col.active')}</label>
      <label class="check"><input type="checkbox" checked={v.default} onChange={(e) => setV({ ...v, default: (e.target as HTMLInputElement).checked })} /> {t('carrier.default')}</label>
      <button type="submit" class="primary" disabled={s.busy}>{t('settings.save')}</button>
      <button type="button" onClick={onCancel}>{t('carrier.cancel')}</button>
      <s.Feedback />
    </form>
  );
}

function FiscalForm({ f, canEdit }: { f: Fiscal; canEdit: boolean }) {
  const [v, setV] = useState<Fiscal>(f);
  const s = useSubmit();
  const save = (e: Event) => {
    e.preventDefault();
    s.run(async () => {
      const { updated_at: _u, ...body } = v as Fiscal & { updated_at?: string };
      setV(await put<Fiscal>('/api/v1/settings/fiscal', body));
    });
  };
  return (
    <form class="form" onSubmit={save}>
      {FISCAL_FIELDS.map((k) => (
        <label key={k}>{k.replace(/_/g, ' ')}<input disabled={!canEdit} value={String(v[k] ?? '')}
          onInput={(e) => setV({ ...v, [k]: (e.target as HTMLInputElement).value || null })} /></label>
      ))}
      {ADDRESS_FIELDS.map((k) => (
        <label key={k}>{k}<input disabled={!canEdit} value={v.address?.[k] ?? ''}
          onInput={(e) => setV({ ...v, address: { ...(v.address ?? {}), [k]: (e.target as HTMLInputElement).value } })} /></label>
      ))}
      {canEdit && <button type="submit" class="primary" disabled={s.busy}>{t('settings.save')}</button>}
      <s.Feedback />
    </form>
  );
}
