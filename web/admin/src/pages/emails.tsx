// The e-mail outbox: customer e-mails the order-to-cash chain queued, filtered by status,
// kind and recipient, and one e-mail with its text and HTML bodies. Sending is configured on
// the server (--smtp-url); without it e-mails stay queued, which this page makes visible.
import { useState } from 'preact/hooks';
import { qs, type User } from '../api';
import { dateTime } from '../format';
import { t, tDynamic } from '../i18n';
import { BASE, navigate, useLocation } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, usePaged, useApi } from '../ui';

interface Email {
  id: number; dedupe_key: string; kind: string; locale: string; to: string; to_name: string; subject: string;
  status: string; attempts: number; last_error: string; next_attempt_at: string; sent_at: string | null; created_at: string;
  text?: string; html?: string;
}

const STATUSES = ['queued', 'sending', 'sent', 'failed'];
const KINDS = ['order_confirmed', 'bank_transfer_instructions', 'shipped', 'delivered', 'refund_issued', 'webhook_disabled', 'customer_sign_in'];

export function Emails(_: { user: User }) {
  const { search } = useLocation();
  const f = { status: search.get('status') ?? '', kind: search.get('kind') ?? '', to: search.get('to') ?? '' };
  const [draft, setDraft] = useState(f);
  const list = usePaged<Email>(`/api/v1/emails${qs({ ...f, limit: 50 })}`);
  const apply = (e: Event) => {
    e.preventDefault();
    navigate(`/emails${qs({ ...draft, to: draft.to.trim() })}`);
  };
  return (
    <section>
      <PageHeader title={t('nav.emails')} />
      <form class="filters card" role="search" onSubmit={apply}>
        <label>{t('filter.status')}
          <select name="status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('filter.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}` as 'status.queued')}</option>)}
          </select>
        </label>
        <label>{t('col.kind')}
          <select name="kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('filter.all')}</option>
            {KINDS.map((k) => <option key={k} value={k}>{t(`mail.${k}` as 'mail.shipped')}</option>)}
          </select>
        </label>
        <label class="grow">{t('mail.to')}<input type="search" name="to" value={draft.to} placeholder="mario@example.com"
          onInput={(e) => setDraft({ ...draft, to: (e.target as HTMLInputElement).value })} /></label>
        <div class="filter-buttons">
          <button type="submit" class="primary">{t('filter.apply')}</button>
          <button type="button" onClick={() => { setDraft({ status: '', kind: '', to: '' }); navigate('/emails'); }}>{t('filter.reset')}</button>
        </div>
      </form>
      <Async r={list}>{() => list.items.length === 0 ? <Empty>{t('mail.none')}</Empty> : (
        <>
          <Table head={[t('col.created'), t('col.kind'), t('mail.to'), t('mail.subject'), t('col.status'), t('col.attempts'), t('mail.when')]} label={t('nav.emails')}>
            {list.items.map((m) => (
              <tr key={m.id} data-testid="email-row">
                <td>{dateTime(m.created_at)}</td>
                <td>{tDynamic('mail', m.kind)}</td>
                <td>{m.to}{m.to_name && <><br /><small>{m.to_name}</small></>}</td>
                <td class="wrap"><a href={`${BASE}/emails/${m.id}`}>{m.subject}</a></td>
                <td><Badge value={m.status} />{m.last_error && <><br /><small class="bad">{m.last_error}</small></>}</td>
                <td class="num">{m.attempts}</td>
                <td>{m.status === 'sent' ? dateTime(m.sent_at) : m.status === 'failed' ? '—' : dateTime(m.next_attempt_at)}</td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </section>
  );
}

function when(m: Email): string {
  if (m.status === 'sent') return t('mail.sent_at', { d: dateTime(m.sent_at) });
  if (m.status === 'failed') return '—';
  return t('mail.next_at', { d: dateTime(m.next_attempt_at) });
}

export function EmailDetail({ params }: { params: Record<string, string>; user: User }) {
  const r = useApi<Email>(`/api/v1/emails/${encodeURIComponent(params.id)}`);
  const [preview, setPreview] = useState(false);
  return (
    <Async r={r}>{(m) => (
      <section>
        <PageHeader title={m.subject}><a href={`${BASE}/emails`}>← {t('state.back')}</a></PageHeader>
        <p class="order-meta"><Badge value={m.status} /> · {tDynamic('mail', m.kind)} · {m.locale}</p>
        <div class="grid2">
          <div class="card">
            <dl class="kv">
              <dt>{t('mail.to')}</dt><dd>{m.to_name ? `${m.to_name} <${m.to}>` : m.to}</dd>
              <dt>{t('col.created')}</dt><dd>{dateTime(m.created_at)}</dd>
              <dt>{t('col.attempts')}</dt><dd>{m.attempts}</dd>
              <dt>{t('mail.when')}</dt><dd>{when(m)}</dd>
              {m.last_error && <><dt>{t('col.error')}</dt><dd class="bad">{m.last_error}</dd></>}
              <dt>{t('mail.dedupe')}</dt><dd><code>{m.dedupe_key}</code></dd>
            </dl>
          </div>
          <div class="card">
            <h2>{t('mail.text')}</h2>
            {m.text ? <pre class="code mail-text" data-testid="email-text">{m.text}</pre> : <Empty />}
          </div>
        </div>
        {m.html && (
          <div class="card">
            <h2>{t('mail.html')}</h2>
            {/* Sandboxed (no scripts, opaque origin) and only on request: the console's CSP
                also applies inside, so inline styles of the message do not render. */}
            {preview
              ? <iframe class="mail-preview" sandbox="" srcdoc={m.html} title={t('mail.html')} />
              : <button type="button" onClick={() => setPreview(true)}>{t('mail.show_html')}</button>}
            <details><summary>{t('mail.html_source')}</summary><pre class="code">{m.html}</pre></details>
          </div>
        )}
      </section>
    )}</Async>
  );
}
