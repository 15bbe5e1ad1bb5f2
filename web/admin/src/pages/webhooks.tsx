// Outbound webhooks: the endpoints (create, enable/disable, rotate the signing secret, delete)
// and one endpoint's delivery log with each delivery's attempts, redelivery and ping.
// Secrets are shown once, right after create or rotate, and never again (the API keeps only
// the last four characters as `secret_hint`).
import { useState } from 'preact/hooks';
import { del, patch, post, qs, type User } from '../api';
import { dateTime } from '../format';
import { t } from '../i18n';
import { ACCESS, may } from '../roles';
import { BASE, navigate } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, errorText, useApi, usePaged, useSubmit } from '../ui';

interface Endpoint {
  id: number; url: string; description: string; event_types: string[]; status: 'active' | 'disabled';
  disabled_reason: string; disabled_at: string | null; failing_since: string | null; secret_hint: string;
  secret?: string; created_at: string; updated_at: string;
}
interface Delivery {
  id: number; endpoint_id: number; event_id: number; event_type: string; ordering_key: string;
  status: 'pending' | 'sending' | 'delivered' | 'failed'; attempts: number; last_status_code: number | null;
  last_error: string; next_attempt_at: string; delivered_at: string | null; created_at: string;
}
interface DeliveryDetail extends Delivery {
  body: string;
  attempt_log: { at: string; status_code: number | null; latency_ms: number; response: string; error: string }[];
}

// The aggregates whose events can be subscribed to as "<aggregate>.*" (docs/openapi.yaml).
const AGGREGATES = ['order', 'payment', 'refund', 'invoice', 'shipment', 'return', 'product', 'stock', 'cart',
  'channel', 'customer', 'price_list', 'location', 'reservation', 'carrier', 'webhook_endpoint'];
const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'failed'];

// The secret of a new or rotated endpoint, shown this once.
function SecretNote({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div class="card secret" role="status" data-testid="webhook-secret">
      <p>{t('hooks.secret_once')}</p>
      <p><code>{secret}</code></p>
      <button type="button" onClick={onDone}>{t('hooks.secret_done')}</button>
    </div>
  );
}

// URL, description and the event types: a checkbox per aggregate ("order.*"), "*" for all,
// and a free field for exact types ("payment.captured").
function EndpointForm({ initial, submitLabel, onSubmit }: {
  initial?: Endpoint; submitLabel: string;
  onSubmit: (body: { url: string; description: string; event_types: string[] }) => Promise<string | void>;
}) {
  const start = initial?.event_types ?? [];
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [picked, setPicked] = useState<Set<string>>(new Set(start.filter((x) => x === '*' || x.endsWith('.*'))));
  const [exact, setExact] = useState(start.filter((x) => x !== '*' && !x.endsWith('.*')).join(', '));
  const s = useSubmit();
  const toggle = (p: string) => {
    const next = new Set(picked);
    if (next.has(p)) next.delete(p); else next.add(p);
    setPicked(next);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const event_types = [...picked, ...exact.split(/[\s,]+/).filter(Boolean)];
    s.run(async () => {
      if (event_types.length === 0) throw new Error(t('hooks.types_required'));
      return onSubmit({ url: url.trim(), description, event_types });
    });
  };
  return (
    <form class="form" onSubmit={submit}>
      <label>{t('hooks.url')}<input name="url" type="url" required maxLength={2048} placeholder="https://example.com/hooks/fondaco"
        value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} /></label>
      <label>{t('hooks.description')}<input name="description" maxLength={500} value={description}
        onInput={(e) => setDescription((e.target as HTMLInputElement).value)} /></label>
      <fieldset class="checks">
        <legend>{t('hooks.events')}</legend>
        {['*', ...AGGREGATES.map((a) => `${a}.*`)].map((p) => (
          <label key={p} class="check"><input type="checkbox" name="event_type" value={p} checked={picked.has(p)} onChange={() => toggle(p)} />
            <code>{p}</code>{p === '*' && <small> {t('hooks.all_events')}</small>}</label>
        ))}
      </fieldset>
      <label>{t('hooks.exact_types')}<input name="exact_types" placeholder="payment.captured, order.cancelled" value={exact}
        onInput={(e) => setExact((e.target as HTMLInputElement).value)} /></label>
      <div><button type="submit" class="primary" disabled={s.busy}>{submitLabel}</button></div>
      <s.Feedback />
    </form>
  );
}

export function Webhooks({ user }: { user: User }) {
  const list = usePaged<Endpoint>('/api/v1/webhooks?limit=100');
  const [secret, setSecret] = useState('');
  const [err, setErr] = useState('');
  const [creating, setCreating] = useState(false);
  const canEdit = may(user.role, ACCESS.webhooks);
  const act = async (fn: () => Promise<unknown>) => {
    setErr('');
    try { await fn(); list.reload(); } catch (e) { setErr(errorText(e)); }
  };
  const toggle = (e: Endpoint) => act(() => patch(`/api/v1/webhooks/${e.id}`, { status: e.status === 'active' ? 'disabled' : 'active' }));
  const rotate = (e: Endpoint) => {
    if (!confirm(t('hooks.rotate_confirm'))) return;
    act(async () => setSecret((await post<Endpoint>(`/api/v1/webhooks/${e.id}/rotate-secret`)).secret ?? ''));
  };
  const remove = (e: Endpoint) => {
    if (!confirm(t('hooks.delete_confirm', { url: e.url }))) return;
    act(() => del(`/api/v1/webhooks/${e.id}`));
  };
  const create = async (body: { url: string; description: string; event_types: string[] }) => {
    const made = await post<Endpoint>('/api/v1/webhooks', body);
    setSecret(made.secret ?? '');
    setCreating(false);
    list.reload();
    return t('hooks.created');
  };
  return (
    <section>
      <PageHeader title={t('nav.webhooks')}>
        {canEdit && <button type="button" class="primary" data-testid="webhook-new" aria-expanded={creating} onClick={() => setCreating(!creating)}>{t('hooks.new')}</button>}
      </PageHeader>
      {secret && <SecretNote secret={secret} onDone={() => setSecret('')} />}
      {creating && (
        <div class="card">
          <h2>{t('hooks.new')}</h2>
          <EndpointForm submitLabel={t('hooks.create')} onSubmit={create} />
        </div>
      )}
      {err && <p class="form-error" role="alert">{err}</p>}
      <Async r={list}>{() => list.items.length === 0 ? <Empty>{t('hooks.none')}</Empty> : (
        <>
          <Table head={[t('hooks.url'), t('hooks.events'), t('col.status'), t('hooks.secret'), t('col.created'), t('col.actions')]} label={t('nav.webhooks')}>
            {list.items.map((e) => (
              <tr key={e.id} data-testid="webhook-row">
                <td class="wrap"><a href={`${BASE}/webhooks/${e.id}`}>{e.url}</a>{e.description && <><br /><small>{e.description}</small></>}</td>
                <td class="wrap"><code>{e.event_types.join(', ')}</code></td>
                <td><Badge value={e.status} />
                  {e.status === 'disabled' && e.disabled_reason && <><br /><small>{e.disabled_reason}</small></>}
                  {e.failing_since && <><br /><small class="bad">{t('hooks.failing_since', { d: dateTime(e.failing_since) })}</small></>}</td>
                <td><code>…{e.secret_hint}</code></td>
                <td>{dateTime(e.created_at)}</td>
                <td class="actions">
                  <a class="button" href={`${BASE}/webhooks/${e.id}`}>{t('hooks.deliveries')}</a>
                  {canEdit && <button type="button" onClick={() => toggle(e)}>{e.status === 'active' ? t('hooks.disable') : t('hooks.enable')}</button>}
                  {canEdit && <button type="button" onClick={() => rotate(e)}>{t('hooks.rotate')}</button>}
                  {canEdit && <button type="button" class="danger" onClick={() => remove(e)}>{t('hooks.delete')}</button>}
                </td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </section>
  );
}

export function WebhookDetail({ params, user }: { params: Record<string, string>; user: User }) {
  const id = encodeURIComponent(params.id);
  const ep = useApi<Endpoint>(`/api/v1/webhooks/${id}`);
  const [status, setStatus] = useState('');
  const deliveries = usePaged<Delivery>(`/api/v1/webhooks/${id}/deliveries${qs({ status, limit: 100 })}`);
  const [open, setOpen] = useState<number | null>(null);
  const [secret, setSecret] = useState('');
  const [editing, setEditing] = useState(false);
  const [err, setErr] = useState('');
  const [note, setNote] = useState('');
  const canEdit = may(user.role, ACCESS.webhooks);
  const act = async (fn: () => Promise<unknown>, done?: string) => {
    setErr('');
    setNote('');
    try {
      await fn();
      if (done) setNote(done);
    } catch (e) {
      setErr(errorText(e));
    }
  };
  const ping = () => act(async () => { await post(`/api/v1/webhooks/${id}/ping`); deliveries.reload(); }, t('hooks.pinged'));
  const redeliver = (d: Delivery) => act(async () => {
    await post(`/api/v1/webhooks/${id}/deliveries/${d.id}/redeliver`);
    deliveries.reload();
  }, t('hooks.redelivered', { n: d.id }));
  return (
    <Async r={ep}>{(e) => {
      const toggle = () => act(async () => ep.setData(await patch<Endpoint>(`/api/v1/webhooks/${id}`, { status: e.status === 'active' ? 'disabled' : 'active' })));
      const rotate = () => {
        if (!confirm(t('hooks.rotate_confirm'))) return;
        act(async () => {
          const r = await post<Endpoint>(`/api/v1/webhooks/${id}/rotate-secret`);
          setSecret(r.secret ?? '');
          ep.setData({ ...r, secret: undefined });
        });
      };
      const remove = () => {
        if (!confirm(t('hooks.delete_confirm', { url: e.url }))) return;
        act(async () => { await del(`/api/v1/webhooks/${id}`); navigate('/webhooks'); });
      };
      const save = async (body: { url: string; description: string; event_types: string[] }) => {
        ep.setData(await patch<Endpoint>(`/api/v1/webhooks/${id}`, body));
        setEditing(false);
      };
      return (
        <section>
          <PageHeader title={t('hooks.endpoint', { n: e.id })}><a href={`${BASE}/webhooks`}>← {t('state.back')}</a></PageHeader>
          <p class="order-meta"><span data-testid="webhook-status" data-status={e.status}><Badge value={e.status} /></span> <span class="wrap-any">{e.url}</span></p>
          {secret && <SecretNote secret={secret} onDone={() => setSecret('')} />}
          <div class="grid2">
            <div class="card">
              <dl class="kv">
                <dt>{t('hooks.description')}</dt><dd>{e.description || '—'}</dd>
                <dt>{t('hooks.events')}</dt><dd><code>{e.event_types.join(', ')}</code></dd>
                <dt>{t('hooks.secret')}</dt><dd><code>…{e.secret_hint}</code></dd>
                {e.status === 'disabled' && <><dt>{t('hooks.disabled_reason')}</dt><dd>{e.disabled_reason || '—'} · {dateTime(e.disabled_at)}</dd></>}
                {e.failing_since && <><dt>{t('hooks.failing')}</dt><dd>{dateTime(e.failing_since)}</dd></>}
                <dt>{t('col.created')}</dt><dd>{dateTime(e.created_at)}</dd>
              </dl>
              {canEdit && (
                <div class="actions">
                  <button type="button" class="primary" data-testid="webhook-ping" onClick={ping}>{t('hooks.ping')}</button>
                  <button type="button" data-testid="webhook-toggle" onClick={toggle}>{e.status === 'active' ? t('hooks.disable') : t('hooks.enable')}</button>
                  <button type="button" onClick={rotate}>{t('hooks.rotate')}</button>
                  <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>{t('hooks.edit')}</button>
                  <button type="button" class="danger" onClick={remove}>{t('hooks.delete')}</button>
                </div>
              )}
              {err && <p class="form-error" role="alert">{err}</p>}
              {note && <p class="form-ok" role="status">{note}</p>}
            </div>
            {editing && (
              <div class="card">
                <h2>{t('hooks.edit')}</h2>
                <EndpointForm initial={e} submitLabel={t('settings.save')} onSubmit={save} />
              </div>
            )}
          </div>
          <div class="card">
            <header class="page-header">
              <h2>{t('hooks.deliveries')}</h2>
              <div class="page-actions">
                <label>{t('filter.status')}{' '}
                  <select value={status} onChange={(ev) => setStatus((ev.target as HTMLSelectElement).value)}>
                    <option value="">{t('filter.all')}</option>
                    {DELIVERY_STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}` as 'status.pending')}</option>)}
                  </select>
                </label>
                <button type="button" data-testid="deliveries-refresh" onClick={deliveries.reload}>{t('state.refresh')}</button>
              </div>
            </header>
            <p class="muted">{t('hooks.log_order')}</p>
            <Async r={deliveries}>{() => deliveries.items.length === 0 ? <Empty>{t('hooks.no_deliveries')}</Empty> : (
              <>
                <Table head={['#', t('col.event'), t('col.status'), t('col.attempts'), t('hooks.code'), t('col.error'), t('hooks.next_attempt'), t('col.actions')]} label={t('hooks.deliveries')}>
                  {deliveries.items.map((d) => [
                    <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
                      <td>{d.id}</td>
                      <td>{d.event_type}<br /><small>{d.ordering_key}</small></td>
                      <td><Badge value={d.status} /></td>
                      <td class="num">{d.attempts}</td>
                      <td class="num">{d.last_status_code ?? '—'}</td>
                      <td class={d.last_error ? 'wrap' : ''}>{d.last_error || '—'}</td>
                      <td>{d.status === 'delivered' ? <small>{t('hooks.delivered_at', { d: dateTime(d.delivered_at) })}</small>
                        : d.status === 'failed' ? '—' : dateTime(d.next_attempt_at)}</td>
                      <td class="actions">
                        <button type="button" data-testid="attempts-toggle" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? null : d.id)}>{t('hooks.attempts')}</button>
                        {canEdit && (d.status === 'delivered' || d.status === 'failed') &&
                          <button type="button" data-testid="redeliver" onClick={() => redeliver(d)}>{t('hooks.redeliver')}</button>}
                      </td>
                    </tr>,
                    open === d.id && <tr key={`${d.id}-log`} class="detail-row"><td colSpan={8}><DeliveryLog endpoint={id} id={d.id} /></td></tr>,
                  ])}
                </Table>
                <MoreButton next={deliveries.next} busy={deliveries.busy} onClick={deliveries.loadMore} />
              </>
            )}</Async>
          </div>
        </section>
      );
    }}</Async>
  );
}

// One delivery's body and attempts, loaded when its row is opened.
function DeliveryLog({ endpoint, id }: { endpoint: string; id: number }) {
  const r = useApi<DeliveryDetail>(`/api/v1/webhooks/${endpoint}/deliveries/${id}`);
  return (
    <Async r={r}>{(d) => (
      <div class="delivery-log">
        {d.attempt_log.length === 0 ? <Empty>{t('hooks.no_attempts')}</Empty> : (
          <Table head={[t('col.date'), t('hooks.code'), t('hooks.latency'), t('hooks.response'), t('col.error')]} label={t('hooks.attempts')}>
            {d.attempt_log.map((a, i) => (
              <tr key={i}><td>{dateTime(a.at)}</td><td class="num">{a.status_code ?? '—'}</td><td class="num">{a.latency_ms} ms</td>
                <td class="wrap"><code>{a.response || '—'}</code></td><td class="wrap">{a.error || '—'}</td></tr>
            ))}
          </Table>
        )}
        <details>
          <summary>{t('hooks.body')}</summary>
          <pre class="code">{prettyJson(d.body)}</pre>
        </details>
      </div>
    )}</Async>
  );
}

function prettyJson(s: string): string {
  try { return JSON.stringify(JSON.parse(s), null, 2); } catch { return s; }
}
