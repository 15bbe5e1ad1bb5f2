// Sales channels: the list, and one channel's detail — its stock policy (edited with PATCH),
// the stock it is shown per listed SKU with the push state, its listings, the push log, a
// resync, and its credentials: setting names and values, secret names with when they were
// set (secret values are write-only: the form sets one, nothing ever shows one).
import { useState } from 'preact/hooks';
import { patch, post, put, type User } from '../api';
import { dateTime, money, num } from '../format';
import { t } from '../i18n';
import { ACCESS, may } from '../roles';
import { BASE } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, errorText, useApi, usePaged, useSubmit } from '../ui';

interface Channel {
  id: number; code: string; kind: string; name: string; order_prefix: string; locations: string[]; active: boolean;
  buffer_units: number; buffer_percent: number; max_listed: number | null; stop_below: number; created_at: string; updated_at: string;
}
interface Listing { sku: string; external_sku: string; external_id: string; inventory_item_id: string; title: string | null; price_minor: number | null; active: boolean | null; updated_at: string }
interface StockRow { sku: string; external_sku: string; available: number; publishable: number; desired: number | null; published: number | null; state: string; attempts: number; last_error: string | null; updated_at: string | null }
interface Push { id: number; kind: string; items: number; http_status: number; outcome: string; detail: string; latency_ms: number; at: string }
interface Credentials { channel: string; settings: Record<string, string>; secrets: { name: string; set_at: string; previous_in_grace: boolean }[] }

// Channels Fondaco pushes stock and listings to (the others read Fondaco directly).
const PUSHED = ['shopify', 'woocommerce', 'generic'];

export function Channels(_: { user: User }) {
  const list = usePaged<Channel>('/api/v1/channels?limit=100');
  return (
    <section>
      <PageHeader title={t('nav.channels')} />
      <Async r={list}>{() => list.items.length === 0 ? <Empty /> : (
        <Table head={[t('col.code'), t('col.name'), t('col.type'), t('ch.prefix'), t('nav.locations'), t('col.active')]} label={t('nav.channels')}>
          {list.items.map((c) => (
            <tr key={c.id}>
              <td><a href={`${BASE}/channels/${encodeURIComponent(c.code)}`}>{c.code}</a></td>
              <td>{c.name}</td><td>{c.kind}</td><td>{c.order_prefix}</td>
              <td class="wrap">{c.locations.length ? c.locations.join(', ') : t('ch.any_location')}</td>
              <td>{c.active ? t('yes') : t('no')}</td>
            </tr>
          ))}
        </Table>
      )}</Async>
    </section>
  );
}

export function ChannelDetail({ params, user }: { params: Record<string, string>; user: User }) {
  const code = encodeURIComponent(params.code);
  const ch = useApi<Channel>(`/api/v1/channels/${code}`);
  const canEdit = may(user.role, ACCESS.channels);
  return (
    <Async r={ch}>{(c) => (
      <section>
        <PageHeader title={`${c.name} (${c.code})`}><a href={`${BASE}/channels`}>← {t('state.back')}</a></PageHeader>
        <p class="order-meta">
          <Badge value={c.active ? 'active' : 'disabled'} /> · {c.kind} · {t('ch.prefix')} {c.order_prefix} ·{' '}
          {t('nav.locations')}: {c.locations.length ? c.locations.join(', ') : t('ch.any_location')}
        </p>
        <div class="grid2">
          <PolicyCard c={c} canEdit={canEdit} onSaved={ch.setData} />
          {canEdit && <CredentialsCard code={code} />}
        </div>
        <StockCard code={code} pushed={PUSHED.includes(c.kind)} canResync={canEdit && c.active && PUSHED.includes(c.kind)} />
        <ListingsCard code={code} />
        <PushLog code={code} />
      </section>
    )}</Async>
  );
}

// The stock policy: what is kept back from the channel and the cap it is shown.
function PolicyCard({ c, canEdit, onSaved }: { c: Channel; canEdit: boolean; onSaved: (c: Channel) => void }) {
  const [v, setV] = useState({
    active: c.active, buffer_units: String(c.buffer_units), buffer_percent: String(c.buffer_percent),
    max_listed: c.max_listed === null ? '' : String(c.max_listed), stop_below: String(c.stop_below),
  });
  const s = useSubmit();
  const save = (e: Event) => {
    e.preventDefault();
    s.run(async () => {
      onSaved(await patch<Channel>(`/api/v1/channels/${encodeURIComponent(c.code)}`, {
        active: v.active, buffer_units: Number(v.buffer_units), buffer_percent: Number(v.buffer_percent),
        max_listed: v.max_listed === '' ? null : Number(v.max_listed), stop_below: Number(v.stop_below),
      }));
    });
  };
  const field = (k: 'buffer_units' | 'buffer_percent' | 'max_listed' | 'stop_below', max: number, hint: string) => (
    <label>{t(`ch.${k}` as 'ch.buffer_units')}
      <input type="number" name={k} min={0} max={max} step={1} required={k !== 'max_listed'} disabled={!canEdit} value={v[k]}
        aria-describedby={`hint-${k}`} onInput={(e) => setV({ ...v, [k]: (e.target as HTMLInputElement).value })} />
      <small id={`hint-${k}`}>{hint}</small>
    </label>
  );
  return (
    <form class="card form" onSubmit={save} data-testid="channel-policy">
      <h2>{t('ch.policy')}</h2>
      <label class="check"><input type="checkbox" name="active" disabled={!canEdit} checked={v.active}
        onChange={(e) => setV({ ...v, active: (e.target as HTMLInputElement).checked })} /> {t('col.active')}</label>
      {field('buffer_units', 1_000_000, t('ch.buffer_units_hint'))}
      {field('buffer_percent', 100, t('ch.buffer_percent_hint'))}
      {field('max_listed', 1_000_000, t('ch.max_listed_hint'))}
      {field('stop_below', 1_000_000, t('ch.stop_below_hint'))}
      {canEdit && <div><button type="submit" class="primary" disabled={s.busy}>{t('settings.save')}</button></div>}
      <s.Feedback />
    </form>
  );
}

function CredentialsCard({ code }: { code: string }) {
  const r = useApi<Credentials>(`/api/v1/channels/${code}/credentials`);
  const [secretName, setSecretName] = useState('');
  const [secretValue, setSecretValue] = useState('');
  const [settingName, setSettingName] = useState('');
  const [settingValue, setSettingValue] = useState('');
  const ss = useSubmit();
  const st = useSubmit();
  const [err, setErr] = useState('');
  const send = (body: unknown) => put<Credentials>(`/api/v1/channels/${code}/credentials`, body).then(r.setData);
  const setSecret = (e: Event) => {
    e.preventDefault();
    ss.run(async () => {
      await send({ secrets: { [secretName.trim()]: secretValue } });
      setSecretValue('');
      setSecretName('');
      return t('ch.secret_set');
    });
  };
  const setSetting = (e: Event) => {
    e.preventDefault();
    st.run(async () => {
      await send({ settings: { [settingName.trim()]: settingValue } });
      setSettingName('');
      setSettingValue('');
    });
  };
  const remove = async (kind: 'secrets' | 'settings', name: string) => {
    if (!confirm(t('ch.remove_confirm', { name }))) return;
    setErr('');
    try { await send({ [kind]: { [name]: null } }); } catch (e) { setErr(errorText(e)); }
  };
  return (
    <div class="card" data-testid="channel-credentials">
      <h2>{t('ch.credentials')}</h2>
      {err && <p class="form-error" role="alert">{err}</p>}
      <Async r={r}>{(cr) => (
        <>
          <h3>{t('ch.settings')}</h3>
          {Object.keys(cr.settings).length === 0 ? <p class="muted">{t('state.empty')}</p> : (
            <Table head={[t('col.name'), t('ch.value'), '']} label={t('ch.settings')}>
              {Object.entries(cr.settings).map(([k, v]) => (
                <tr key={k}><td><code>{k}</code></td><td class="wrap">{v}</td>
                  <td><button type="button" class="danger" onClick={() => remove('settings', k)}>{t('ch.remove')}</button></td></tr>
              ))}
            </Table>
          )}
          <h3>{t('ch.secrets')}</h3>
          {cr.secrets.length === 0 ? <p class="muted">{t('state.empty')}</p> : (
            <Table head={[t('col.name'), t('ch.set_at'), '']} label={t('ch.secrets')}>
              {cr.secrets.map((x) => (
                <tr key={x.name}><td><code>{x.name}</code></td>
                  <td>{dateTime(x.set_at)}{x.previous_in_grace && <><br /><small>{t('ch.grace')}</small></>}</td>
                  <td><button type="button" class="danger" onClick={() => remove('secrets', x.name)}>{t('ch.remove')}</button></td></tr>
              ))}
            </Table>
          )}
        </>
      )}</Async>
      <form class="form inline" onSubmit={setSecret} autoComplete="off">
        <h3>{t('ch.set_secret')}</h3>
        <label>{t('col.name')}<input name="secret_name" required pattern="[a-z0-9_]{1,64}" placeholder="api_secret" value={secretName}
          onInput={(e) => setSecretName((e.target as HTMLInputElement).value)} /></label>
        <label>{t('ch.value')}<input name="secret_value" type="password" required maxLength={4096} autoComplete="new-password" value={secretValue}
          onInput={(e) => setSecretValue((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" class="primary" disabled={ss.busy}>{t('ch.set')}</button>
        <p class="muted">{t('ch.secret_hint')}</p>
        <ss.Feedback />
      </form>
      <form class="form inline" onSubmit={setSetting}>
        <h3>{t('ch.set_setting')}</h3>
        <label>{t('col.name')}<input name="setting_name" required pattern="[a-z0-9_]{1,64}" placeholder="shop_url" value={settingName}
          onInput={(e) => setSettingName((e.target as HTMLInputElement).value)} /></label>
        <label>{t('ch.value')}<input name="setting_value" required maxLength={2048} value={settingValue}
          onInput={(e) => setSettingValue((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" class="primary" disabled={st.busy}>{t('ch.set')}</button>
        <st.Feedback />
      </form>
    </div>
  );
}

function StockCard({ code, pushed, canResync }: { code: string; pushed: boolean; canResync: boolean }) {
  const list = usePaged<StockRow>(`/api/v1/channels/${code}/stock?limit=100`);
  const s = useSubmit();
  const resync = () => s.run(async () => {
    const r = await post<{ queued: number }>(`/api/v1/channels/${code}/resync`);
    list.reload();
    return t('ch.resynced', { n: r.queued });
  });
  return (
    <div class="card">
      <header class="page-header">
        <h2>{t('ch.stock')}</h2>
        <div class="page-actions">
          <button type="button" onClick={list.reload}>{t('state.refresh')}</button>
          {canResync && <button type="button" class="primary" data-testid="resync" disabled={s.busy} onClick={resync}>{t('ch.resync')}</button>}
        </div>
      </header>
      <s.Feedback />
      {!pushed && <p class="muted">{t('ch.not_pushed')}</p>}
      <Async r={list}>{() => list.items.length === 0 ? <Empty>{t('ch.no_listings')}</Empty> : (
        <>
          <Table head={[t('col.sku'), t('ch.external_sku'), t('col.available'), t('ch.publishable'), t('ch.desired'), t('ch.published'), t('col.status'), t('col.attempts'), t('col.error'), t('ch.updated')]} label={t('ch.stock')}>
            {list.items.map((x) => (
              <tr key={x.sku}>
                <td>{x.sku}</td><td>{x.external_sku}</td><td class="num">{num(x.available)}</td><td class="num">{num(x.publishable)}</td>
                <td class="num">{num(x.desired)}</td><td class="num">{num(x.published)}</td><td><Badge value={x.state} /></td>
                <td class="num">{x.attempts}</td><td class="wrap">{x.last_error || '—'}</td><td>{dateTime(x.updated_at)}</td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </div>
  );
}

function ListingsCard({ code }: { code: string }) {
  const list = usePaged<Listing>(`/api/v1/channels/${code}/listings?limit=100`);
  return (
    <div class="card">
      <h2>{t('ch.listings')}</h2>
      <Async r={list}>{() => list.items.length === 0 ? <Empty>{t('ch.no_listings')}</Empty> : (
        <>
          <Table head={[t('col.sku'), t('ch.external_sku'), t('ch.external_id'), t('col.title'), t('col.price'), t('col.active'), t('ch.updated')]} label={t('ch.listings')}>
            {list.items.map((l) => (
              <tr key={l.sku}>
                <td>{l.sku}</td><td>{l.external_sku}</td><td>{l.external_id || '—'}</td>
                <td class="wrap">{l.title ?? <small>{t('ch.from_catalog')}</small>}</td>
                <td class="num">{l.price_minor === null ? <small>{t('ch.from_catalog')}</small> : money(l.price_minor)}</td>
                <td>{l.active === null ? <small>{t('ch.from_catalog')}</small> : l.active ? t('yes') : t('no')}</td>
                <td>{dateTime(l.updated_at)}</td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </div>
  );
}

function PushLog({ code }: { code: string }) {
  const list = usePaged<Push>(`/api/v1/channels/${code}/deliveries?limit=50`);
  return (
    <div class="card">
      <header class="page-header">
        <h2>{t('ch.deliveries')}</h2>
        <div class="page-actions"><button type="button" data-testid="pushlog-refresh" onClick={list.reload}>{t('state.refresh')}</button></div>
      </header>
      <Async r={list}>{() => list.items.length === 0 ? <Empty>{t('ch.no_deliveries')}</Empty> : (
        <>
          <Table head={[t('col.date'), t('col.kind'), t('ch.items'), 'HTTP', t('ch.outcome'), t('ch.detail'), t('hooks.latency')]} label={t('ch.deliveries')}>
            {list.items.map((d) => (
              <tr key={d.id}>
                <td>{dateTime(d.at)}</td><td>{d.kind}</td><td class="num">{d.items}</td><td class="num">{d.http_status || '—'}</td>
                <td><Badge value={d.outcome} /></td><td class="wrap">{d.detail || '—'}</td><td class="num">{d.latency_ms} ms</td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </div>
  );
}
