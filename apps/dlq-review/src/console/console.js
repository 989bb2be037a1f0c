// The review console: a thin client of the /v1/dlq API, with the operator's key in sessionStorage.
(() => {
  'use strict';

  const KEY_STORAGE = 'smart-dairy-dlq-key';
  const PAGE_SIZE = 50;
  // The most frequent values only; the filter fields reach the others.
  const FACET_VALUES_SHOWN = 8;
  // Replays take as long as the dispatcher's retry schedule; the console watches for a while, then stops.
  const WATCH_INTERVAL_MS = 1000;
  const WATCH_FOR_MS = 120000;

  const $ = (id) => document.getElementById(id);
  const state = {
    key: sessionStorage.getItem(KEY_STORAGE),
    rows: new Map(),
    selected: new Set(),
    cursor: null,
  };
  let watchTimer;
  let openEntryId = null;

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  async function api(path, init = {}) {
    const response = await fetch(path, {
      ...init,
      headers: { authorization: `Bearer ${state.key}`, 'content-type': 'application/json', ...init.headers },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, body.detail || `HTTP ${response.status}`);
    return body;
  }

  function announce(message) {
    // Cleared first so that the same message twice in a row is read out twice.
    $('announcer').textContent = '';
    requestAnimationFrame(() => ($('announcer').textContent = message));
  }

  function reportError(error) {
    if (error instanceof ApiError && error.status === 401) return signOut('Your key is no longer valid.');
    announce(`Failed: ${error.message}`);
  }

  const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function statusBadge(status) {
    return element('span', status, `badge badge-${status}`);
  }

  // --- sign-in -------------------------------------------------------------------------------------

  async function signIn(key) {
    state.key = key;
    try {
      await api('/v1/dlq?limit=1');
    } catch (error) {
      state.key = null;
      $('sign-in-error').textContent =
        error instanceof ApiError && error.status === 401 ? 'That key was not accepted.' : error.message;
      return;
    }
    sessionStorage.setItem(KEY_STORAGE, key);
    $('sign-in-error').textContent = '';
    $('key-prefix').textContent = `${key.slice(0, 12)}…`;
    $('sign-in').hidden = true;
    $('session').hidden = false;
    $('review').hidden = false;
    $('f-status').focus();
    await load();
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY_STORAGE);
    state.key = null;
    clearTimeout(watchTimer);
    $('review').hidden = true;
    $('session').hidden = true;
    $('sign-in').hidden = false;
    $('api-key').value = '';
    $('sign-in-error').textContent = message || '';
    $('api-key').focus();
  }

  // --- list ----------------------------------------------------------------------------------------

  function filterQuery() {
    const query = new URLSearchParams();
    for (const [name, value] of new FormData($('filters'))) {
      if (value === '') continue;
      query.set(name, name.startsWith('moved_') ? new Date(value).toISOString() : value.trim());
    }
    return query;
  }

  async function load({ append = false } = {}) {
    const query = filterQuery();
    query.set('limit', String(PAGE_SIZE));
    if (append && state.cursor) query.set('cursor', state.cursor);
    const page = await api(`/v1/dlq?${query}`);
    if (!append) {
      state.rows.clear();
      state.selected.clear();
      $('entries').tBodies[0].replaceChildren();
    }
    for (const entry of page.data) {
      state.rows.set(entry.id, entry);
      $('entries').tBodies[0].append(row(entry));
    }
    state.cursor = page.next_cursor;
    $('more').hidden = !page.next_cursor;
    $('empty').hidden = state.rows.size > 0;
    $('total').textContent = `(${state.rows.size} shown of ${page.counts.total})`;
    renderCounts(page.counts);
    updateSelection();
    return page;
  }

  function row(entry) {
    const tr = document.createElement('tr');
    tr.dataset.id = entry.id;
    const check = element('input');
    check.type = 'checkbox';
    check.checked = state.selected.has(entry.id);
    check.setAttribute('aria-label', `Select ${entry.delivery_id}`);
    check.addEventListener('change', () => {
      if (check.checked) state.selected.add(entry.id);
      else state.selected.delete(entry.id);
      updateSelection();
    });
    const open = element('button', entry.delivery_id, 'link mono');
    open.type = 'button';
    open.setAttribute('aria-label', `Open ${entry.delivery_id}`);
    open.addEventListener('click', () => openEntry(entry.id).catch(reportError));
    const cells = [
      check,
      open,
      time(entry.moved_at),
      statusBadge(entry.review_status),
      entry.event_type,
      element('span', entry.subscription_id, 'mono'),
      entry.error_class,
      entry.final_error,
      String(entry.replay_count),
    ];
    for (const content of cells) {
      const td = element('td');
      if (typeof content === 'string') td.textContent = content;
      else td.append(content);
      tr.append(td);
    }
    return tr;
  }

  function renderCounts(counts) {
    const facet = (listId, items, field) => {
      const list = $(listId);
      list.replaceChildren(
        ...items.slice(0, FACET_VALUES_SHOWN).map(({ value, count }) => {
          const button = element('button', `${value} (${count})`, 'link');
          button.type = 'button';
          button.setAttribute('aria-label', `Filter by ${value}, ${count} entries`);
          button.addEventListener('click', () => {
            $('filters').elements[field].value = value;
            load().catch(reportError);
          });
          const item = element('li');
          item.append(button);
          return item;
        }),
      );
      if (items.length === 0) list.append(element('li', 'none'));
      if (items.length > FACET_VALUES_SHOWN) {
        list.append(element('li', `and ${items.length - FACET_VALUES_SHOWN} more`, 'hint'));
      }
    };
    facet(
      'count-status',
      Object.entries(counts.by_status).map(([value, count]) => ({ value, count })),
      'status',
    );
    facet('count-error-class', counts.by_error_class, 'error_class');
    facet('count-subscription', counts.by_subscription, 'subscription_id');
  }

  function updateSelection() {
    const n = state.selected.size;
    $('replay-selected').disabled = n === 0;
    $('archive-selected').disabled = n === 0;
    $('selection-count').textContent = n === 0 ? '' : `${n} selected`;
    $('select-all').checked = n > 0 && n === state.rows.size;
  }

  // --- detail --------------------------------------------------------------------------------------

  async function openEntry(id) {
    const entry = await api(`/v1/dlq/${encodeURIComponent(id)}`);
    openEntryId = id;
    renderDetail(entry);
    if (!$('detail').open) $('detail').showModal();
  }

  function renderDetail(entry) {
    $('detail-title').textContent = `Delivery ${entry.delivery_id}`;
    const facts = [
      ['Status', statusBadge(entry.review_status)],
      ['Event', `${entry.event_type} (${entry.event_id})`],
      ['Subscription', entry.subscription_id],
      ['Priority', entry.priority],
      ['Final error', `${entry.final_error} (${entry.error_class})`],
      ['Moved to the queue', time(entry.moved_at)],
      [
        'Replays',
        entry.replay_count ? `${entry.replay_count}, last ${time(entry.last_replayed_at)}` : 'none',
      ],
    ];
    if (entry.history_shortened) facts.push(['History', shortenedHistory(entry)]);
    if (entry.ordering) {
      facts.push([
        'Ordered',
        `key ${entry.ordering.key}: later events of the key went ahead; a replay is sent out of order`,
      ]);
    }
    if (entry.resolved_at) facts.push(['Resolved', time(entry.resolved_at)]);
    if (entry.archived_at) facts.push(['Archived', time(entry.archived_at)]);
    $('detail-facts').replaceChildren(
      ...facts.flatMap(([term, value]) => {
        const dd = element('dd');
        if (typeof value === 'string') dd.textContent = value;
        else dd.append(value);
        return [element('dt', term), dd];
      }),
    );
    $('timeline').replaceChildren(
      ...entry.history.map((attempt) => {
        const item = element('li');
        const outcome = attempt.status_code === null ? attempt.error_class : `HTTP ${attempt.status_code}`;
        item.append(
          element('strong', `Attempt ${attempt.attempt}: ${outcome || 'failed'}`),
          element('span', ` at ${time(attempt.started_at)}, ${attempt.latency_ms} ms`),
        );
        if (attempt.error && attempt.error !== outcome)
          item.append(element('div', attempt.error, 'error-text'));
        if (attempt.response_body) item.append(element('pre', attempt.response_body, 'response'));
        if (attempt.response_body_truncated) item.append(element('div', 'Answer cut here.', 'note'));
        return item;
      }),
    );
    $('payload').textContent = JSON.stringify(entry.payload, null, 2);
    $('detail-replay').disabled = entry.review_status !== 'pending';
    $('detail-archive').disabled = !['pending', 'resolved'].includes(entry.review_status);
  }

  // A dead letter carries its latest attempts and the start of each answer; the delivery log lists every attempt.
  function shortenedHistory(entry) {
    const parts = [];
    if (entry.omitted_attempts > 0) {
      parts.push(
        `the latest ${entry.history.length} attempts, ${entry.omitted_attempts} earlier ones left out`,
      );
    }
    if (entry.history.some((attempt) => attempt.response_body_truncated)) parts.push('answers cut');
    return `Shortened: ${parts.join('; ')}. Every attempt is in the delivery log (GET /v1/deliveries/${entry.delivery_id}).`;
  }

  // --- actions -------------------------------------------------------------------------------------

  async function replayOne(id) {
    const entry = await api(`/v1/dlq/${encodeURIComponent(id)}/replay`, { method: 'POST' });
    announce(`Replay of ${entry.delivery_id} sent; status ${entry.review_status}.`);
    await refreshOpen();
    await load();
    follow(id);
  }

  async function archiveOne(id) {
    const entry = await api(`/v1/dlq/${encodeURIComponent(id)}/archive`, { method: 'POST' });
    announce(`${entry.delivery_id} archived.`);
    await refreshOpen();
    await load();
  }

  async function bulk(action) {
    const ids = [...state.selected];
    const result = await api(`/v1/dlq/${action}`, { method: 'POST', body: JSON.stringify({ ids }) });
    const done = action === 'replay' ? result.replayed : result.archived;
    const verb = action === 'replay' ? 'Replayed' : 'Archived';
    announce(`${verb} ${done} of ${result.requested}; ${result.skipped} skipped.`);
    await load();
    if (action === 'replay') follow(null);
  }

  async function refreshOpen() {
    if (openEntryId && $('detail').open)
      renderDetail(await api(`/v1/dlq/${encodeURIComponent(openEntryId)}`));
  }

  const statuses = () => new Map([...state.rows].map(([id, entry]) => [id, entry.review_status]));

  /**
   * Replays take as long as the dispatcher's retries: the list (and one entry, when given) is read again
   * every second while replays are in flight, and each status change is announced.
   */
  function follow(entryId) {
    clearTimeout(watchTimer);
    const until = Date.now() + WATCH_FOR_MS;
    let watched = entryId;
    const tick = async () => {
      const before = statuses();
      const page = await load();
      let inFlight = page.counts.by_status.retrying > 0;
      if (watched) {
        const entry = await api(`/v1/dlq/${encodeURIComponent(watched)}`);
        if (openEntryId === watched && $('detail').open) renderDetail(entry);
        if (entry.review_status === 'retrying') inFlight = true;
        else {
          announce(`${entry.delivery_id} is now ${entry.review_status}.`);
          watched = null;
        }
      } else {
        const changed = page.data.filter((e) => before.has(e.id) && before.get(e.id) !== e.review_status);
        if (changed.length === 1) announce(`${changed[0].delivery_id} is now ${changed[0].review_status}.`);
        else if (changed.length > 1) announce(`${changed.length} entries changed status.`);
      }
      if (inFlight && Date.now() < until) schedule();
    };
    const schedule = () => {
      watchTimer = setTimeout(() => tick().catch(reportError), WATCH_INTERVAL_MS);
    };
    schedule();
  }

  // --- wiring --------------------------------------------------------------------------------------

  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    signIn($('api-key').value.trim()).catch(reportError);
  });
  $('sign-out').addEventListener('click', () => signOut());
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    load()
      .then((page) => announce(`${page.counts.total} entries match.`))
      .catch(reportError);
  });
  $('filters').addEventListener('reset', () => setTimeout(() => load().catch(reportError)));
  $('more').addEventListener('click', () => load({ append: true }).catch(reportError));
  $('select-all').addEventListener('change', (event) => {
    for (const id of state.rows.keys()) {
      if (event.target.checked) state.selected.add(id);
      else state.selected.delete(id);
    }
    for (const box of $('entries').tBodies[0].querySelectorAll('input[type=checkbox]')) {
      box.checked = event.target.checked;
    }
    updateSelection();
  });
  $('replay-selected').addEventListener('click', () => bulk('replay').catch(reportError));
  $('archive-selected').addEventListener('click', () => bulk('archive').catch(reportError));
  $('detail-replay').addEventListener('click', () => replayOne(openEntryId).catch(reportError));
  $('detail-archive').addEventListener('click', () => archiveOne(openEntryId).catch(reportError));
  $('detail-close').addEventListener('click', () => $('detail').close());
  $('detail').addEventListener('close', () => (openEntryId = null));

  if (state.key) signIn(state.key).catch(reportError);
})();
