// The webhooks screen: add (URL, optional secret), list, delete, and each webhook's delivery log.
import { ApiError, webhooksApi, type Webhook, type WebhookDelivery } from '../api';
import { formatTime, h, replace } from '../dom';

export async function webhooksScreen(main: HTMLElement, signal: AbortSignal): Promise<void> {
  const url = h('input', { id: 'webhook-url', type: 'url', required: true, size: 48, placeholder: 'https://example.com/hooks/finetune',
    'aria-describedby': 'webhook-url-error' });
  const secret = h('input', { id: 'webhook-secret', type: 'text', size: 32, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'optional: generated when empty', 'aria-describedby': 'webhook-secret-error' });
  const urlError = h('div', { id: 'webhook-url-error', class: 'error', role: 'alert' });
  const secretError = h('div', { id: 'webhook-secret-error', class: 'error', role: 'alert' });
  const created = h('div', { id: 'webhook-created', 'aria-live': 'polite' });
  const body = h('tbody', {});
  const log = h('section', { id: 'webhook-deliveries', 'aria-live': 'polite' });
  const error = h('div', { id: 'webhooks-error', role: 'alert' });

  async function refresh(): Promise<void> {
    const hooks = await webhooksApi.list();
    if (signal.aborted) return;
    replace(body, ...hooks.map(row));
    if (!hooks.length) replace(body, h('tr', {}, h('td', { colspan: 3, class: 'hint' }, 'No webhooks yet.')));
  }

  function row(hook: Webhook): HTMLElement {
    const show = h('button', { type: 'button', class: 'small', 'aria-label': `Deliveries of ${hook.url}` }, 'Deliveries');
    const remove = h('button', { type: 'button', class: 'small', 'aria-label': `Delete ${hook.url}` }, 'Delete');
    show.addEventListener('click', () => void deliveries(hook));
    remove.addEventListener('click', async () => {
      remove.disabled = true;
      try {
        await webhooksApi.remove(hook.id);
        replace(log);
        await refresh();
      } catch (e) {
        replace(error, h('p', { class: 'error' }, `Delete: ${(e as Error).message}`));
        remove.disabled = false;
      }
    });
    return h('tr', { 'data-webhook': hook.id }, h('td', { class: 'url' }, hook.url), h('td', {}, formatTime(hook.createdAt)),
      h('td', {}, show, ' ', remove));
  }

  async function deliveries(hook: Webhook): Promise<void> {
    const entries = await webhooksApi.deliveries(hook.id);
    if (signal.aborted) return;
    replace(log, h('h2', {}, `Deliveries to ${hook.url}`),
      entries.length ? h('table', {},
        h('thead', {}, h('tr', {}, ...['Time', 'Event', 'Job', 'Status', 'Attempts', 'Last answer'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...entries.map(delivery)))
        : h('p', { class: 'hint' }, 'Nothing sent yet: a delivery is made when one of your jobs finishes.'));
  }

  function delivery(d: WebhookDelivery): HTMLElement {
    const answer = d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—');
    return h('tr', { 'data-delivery': d.id, 'data-status': d.status },
      h('td', {}, formatTime(d.createdAt)), h('td', {}, d.eventType),
      h('td', {}, h('a', { href: `#/jobs/${d.jobId}` }, 'job')),
      h('td', {}, h('span', { class: `badge delivery-${d.status}` }, d.status),
        d.status === 'pending' && d.nextAttemptAt ? h('div', { class: 'hint' }, `next try ${formatTime(d.nextAttemptAt)}`) : null),
      h('td', { class: 'num' }, d.attempts), h('td', {}, answer));
  }

  const form = h('form', { id: 'webhook-form', class: 'card', novalidate: true },
    h('div', { class: 'row' }, h('label', { for: 'webhook-url' }, 'URL'), url, urlError),
    h('div', { class: 'row' }, h('label', { for: 'webhook-secret' }, 'Secret'), secret, secretError),
    h('button', { type: 'submit', id: 'webhook-add' }, 'Add webhook'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(urlError);
    replace(secretError);
    replace(created);
    // The same first check as the gateway's, without a round trip; the server decides the rest (422 per field).
    if (!/^https?:\/\/[^\s/]+/i.test(url.value.trim())) {
      replace(urlError, 'must be an http or https URL');
      url.focus();
      return;
    }
    try {
      const hook = await webhooksApi.create(url.value.trim(), secret.value || undefined);
      url.value = '';
      secret.value = '';
      if (hook.secret) {
        replace(created, h('div', { class: 'card' }, h('p', {}, 'The secret of this webhook, shown only now: keep it to verify signatures.'),
          h('code', { id: 'webhook-secret-value' }, hook.secret)));
      }
      await refresh();
    } catch (err) {
      const fields = err instanceof ApiError ? err.problem.errors ?? [] : [];
      for (const f of fields) replace(f.field === 'secret' ? secretError : urlError, f.message);
      if (!fields.length) replace(urlError, (err as Error).message);
    }
  });

  replace(main, h('h1', {}, 'Webhooks'),
    h('p', { class: 'hint' }, 'A signed POST to each of these URLs when one of your jobs succeeds, fails, is cancelled or times out. '
      + 'The header X-Finetune-Signature is t=<unix time>,v1=<HMAC-SHA256 of "t.body" with the secret>.'),
    form, created, error,
    h('table', { id: 'webhooks' }, h('thead', {}, h('tr', {}, h('th', {}, 'URL'), h('th', {}, 'Added'), h('th', {}, ''))), body),
    log);
  await refresh();
}
