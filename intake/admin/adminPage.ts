/**
 * The reference intake's admin view: 差评 follow-ups (with due dates in working days), the fleet
 * (each device's latest heartbeat and open flags, worst first, sortable) and each device's chain
 * report, and forwarding to the province (per day and destination, each record with the province's
 * ack id or its reason, a requeue for a refused one, a 补报 run for a date range). Plain DOM, no inline script (the page's CSP forbids it); every value
 * is written with textContent, so citizen comments cannot inject markup.
 */
export function renderAdminPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>好差评 intake · 管理</title>
<style>
 body{font:15px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:1.5rem;color:#1b1b1b}
 table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
 .overdue{background:#fde2e2}.closed{color:#777}label{margin-right:1rem}
 #fleet th{cursor:pointer}.flagged td{background:#fff3cd}.alarm td{background:#fde2e2}
</style></head>
<body>
<h1>差评回访 · Follow-ups</h1>
<form id="auth"><label>Admin token <input id="token" type="password" autocomplete="off" required></label><button>Load</button></form>
<p id="status" role="status"></p>
<label><input id="showAll" type="checkbox"> show closed</label>
<table id="followups"><thead><tr><th>Due</th><th>Class</th><th>Level</th><th>Window / staff</th><th>Case</th><th>Reasons / comment</th><th>Callback</th><th>Action</th></tr></thead><tbody></tbody></table>
<h2>Fleet · 设备状态</h2>
<form id="fleetForm"><label>Hall <input id="fleetHall" placeholder="all halls"></label><button>Show fleet</button> <span id="fleetStatus" role="status"></span></form>
<table id="fleet"><thead><tr><th data-sort="deviceId">Device</th><th data-sort="hallCode">Hall</th><th data-sort="silentForMs">Last heartbeat</th><th data-sort="outboxDepth">Queue</th><th data-sort="oldestUnsentAgeMs">Oldest unsent</th><th data-sort="deadLetters">Dead letters</th><th data-sort="storage">Storage</th><th data-sort="appVersion">Version</th><th data-sort="ratingDevice">Rating device</th><th data-sort="flags">Open flags</th></tr></thead><tbody></tbody></table>
<h2>Province forwarding · 上报省平台</h2>
<form id="forwardForm"><label>Day <input id="forwardDay" type="date"></label><button>Show forwarding</button> <span id="forwardStatus" role="status"></span></form>
<table id="forwardReport"><thead><tr><th>Day</th><th>Destination</th><th>Stored</th><th>Sent</th><th>Acknowledged</th><th>Refused</th><th>Pending</th></tr></thead><tbody></tbody></table>
<form id="lateForm">补报 · late upload: <label>Destination <input id="lateDestination" required></label><label>From <input id="lateFrom" type="date" required></label><label>To <input id="lateTo" type="date" required></label><button>Queue 补报 run</button> <span id="lateStatus" role="status"></span></form>
<table id="forwardRecords"><thead><tr><th>Stored</th><th>Destination</th><th>Case</th><th>State</th><th>Ack id (province)</th><th>Attempts</th><th>Reason / last error</th><th>Action</th></tr></thead><tbody></tbody></table>
<h2>Device chain · 设备评价链</h2>
<form id="integrity"><label>Device id <input id="deviceId" required></label><button>Check (on arrival, and what is stored now)</button></form>
<pre id="report"></pre>
<script src="/admin/admin.js"></script>
</body></html>`;
}

export const ADMIN_SCRIPT = `
const $ = (id) => document.getElementById(id);
const token = () => sessionStorage.getItem('intakeAdminToken') || '';
const api = async (path, init = {}) => {
  const response = await fetch(path, { ...init, headers: { authorization: 'Bearer ' + token(), 'content-type': 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : 'HTTP ' + response.status);
  return body;
};
const cell = (row, text) => { const td = document.createElement('td'); td.textContent = text; row.append(td); return td; };
async function loadFollowups() {
  $('status').textContent = 'loading…';
  try {
    const { followups } = await api('/v1/admin/followups?status=' + ($('showAll').checked ? 'all' : 'open'));
    const body = $('followups').tBodies[0];
    body.replaceChildren();
    for (const f of followups) {
      const row = body.insertRow();
      row.className = f.closedAt ? 'closed' : f.overdue ? 'overdue' : '';
      cell(row, f.dueAt.slice(0, 16).replace('T', ' ') + (f.overdue ? ' (overdue)' : ''));
      cell(row, f.class);
      cell(row, String(f.level));
      cell(row, f.window.windowName + ' / ' + f.staff.name);
      cell(row, f.case.projectNo + ' ' + (f.case.taskName || ''));
      cell(row, f.tags.join(',') + (f.comment ? ' — ' + f.comment : ''));
      cell(row, f.callbackRequested ? (f.phone || '(sealed, cannot open)') : '—');
      const actions = cell(row, f.closedAt ? (f.note || '') : '');
      if (!f.closedAt) {
        const select = document.createElement('select');
        for (const c of ['immediate', '5wd', '15wd']) select.add(new Option(c, c, false, c === f.class));
        select.onchange = () => api('/v1/admin/followups/' + f.outcomeId, { method: 'POST', body: JSON.stringify({ class: select.value }) }).then(loadFollowups, (e) => ($('status').textContent = e.message));
        const close = document.createElement('button');
        close.textContent = 'close…';
        close.onclick = () => {
          const note = prompt('What was done?');
          if (note) api('/v1/admin/followups/' + f.outcomeId, { method: 'POST', body: JSON.stringify({ close: { note } }) }).then(loadFollowups, (e) => ($('status').textContent = e.message));
        };
        actions.append(select, close);
      }
    }
    $('status').textContent = followups.length + ' follow-ups';
  } catch (e) { $('status').textContent = e.message; }
}
$('auth').onsubmit = (e) => { e.preventDefault(); sessionStorage.setItem('intakeAdminToken', $('token').value); loadFollowups(); loadFleet(); loadForwarding(); };
$('showAll').onchange = loadFollowups;
$('integrity').onsubmit = async (e) => {
  e.preventDefault();
  const device = encodeURIComponent($('deviceId').value);
  try {
    const [arrival, stored] = await Promise.all([api('/v1/admin/integrity?deviceId=' + device), api('/v1/admin/integrity/recheck?deviceId=' + device)]);
    $('report').textContent = JSON.stringify({ arrival, stored }, null, 2);
  }
  catch (err) { $('report').textContent = err.message; }
};
const ago = (ms) => ms < 60000 ? Math.round(ms / 1000) + ' s ago' : ms < 3600000 ? Math.round(ms / 60000) + ' min ago' : (ms / 3600000).toFixed(1) + ' h ago';
const WEIGHT = { 'head-regressed': 100, 'head-unsent': 100, 'missing-outcome': 100, 'device-silent': 30, 'queue-stale': 20, 'rating-device-offline': 10, 'version-below-minimum': 5 };
const FLEET_SORT = {
  deviceId: (d) => d.deviceId, hallCode: (d) => d.hallCode || '', silentForMs: (d) => d.silentForMs, outboxDepth: (d) => d.outboxDepth ?? -1,
  oldestUnsentAgeMs: (d) => d.oldestUnsentAgeMs ?? -1, deadLetters: (d) => d.deadLetters ?? -1, storage: (d) => d.storage ? d.storage.usageBytes / Math.max(1, d.storage.quotaBytes) : -1,
  appVersion: (d) => d.appVersion || '', ratingDevice: (d) => d.ratingDevice ? (d.ratingDevice.online ? 1 : 2) : 0, flags: (d) => d.openFlags.reduce((n, f) => n + (WEIGHT[f.kind] || 1), 0),
};
let fleetRows = [];
let fleetSort = null;
function drawFleet() {
  const rows = [...fleetRows];
  if (fleetSort) {
    const key = FLEET_SORT[fleetSort.by];
    rows.sort((a, b) => { const [x, y] = [key(a), key(b)]; return (x < y ? -1 : x > y ? 1 : 0) * fleetSort.dir; });
  }
  const body = $('fleet').tBodies[0];
  body.replaceChildren();
  for (const d of rows) {
    const row = body.insertRow();
    row.dataset.device = d.deviceId;
    row.className = d.openFlags.some((f) => WEIGHT[f.kind] >= 100) ? 'alarm' : d.openFlags.length ? 'flagged' : '';
    cell(row, d.deviceId);
    cell(row, d.hallCode || '—');
    cell(row, d.lastHeartbeatAt === null ? 'never' : ago(d.silentForMs));
    cell(row, d.outboxDepth === null ? '—' : String(d.outboxDepth));
    cell(row, d.oldestUnsentAgeMs === null ? '—' : ago(d.oldestUnsentAgeMs).replace(' ago', ''));
    cell(row, d.deadLetters === null ? '—' : String(d.deadLetters));
    cell(row, d.storage ? Math.round((100 * d.storage.usageBytes) / Math.max(1, d.storage.quotaBytes)) + ' %' : '—');
    cell(row, d.appVersion || '—');
    cell(row, d.ratingDevice ? (d.ratingDevice.online ? 'online' : 'OFFLINE') : 'none');
    cell(row, d.openFlags.map((f) => f.kind + ': ' + f.detail).join('; ') || '—');
  }
}
async function loadFleet() {
  $('fleetStatus').textContent = 'loading…';
  try {
    const hall = $('fleetHall').value.trim();
    fleetRows = (await api('/v1/admin/fleet' + (hall ? '?hall=' + encodeURIComponent(hall) : ''))).devices;
    drawFleet();
    const flagged = fleetRows.filter((d) => d.openFlags.length).length;
    $('fleetStatus').textContent = fleetRows.length + ' devices, ' + flagged + ' with open flags';
  } catch (e) { $('fleetStatus').textContent = e.message; }
}
$('fleetForm').onsubmit = (e) => { e.preventDefault(); loadFleet(); };
for (const th of $('fleet').tHead.rows[0].cells) {
  th.onclick = () => { const by = th.dataset.sort; fleetSort = fleetSort && fleetSort.by === by ? { by, dir: -fleetSort.dir } : { by, dir: 1 }; drawFleet(); };
}
// Forwarding to the province (issue 22): the day's reconciliation and each record with its ack id.
const beijingToday = () => new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
async function loadForwarding() {
  $('forwardStatus').textContent = 'loading…';
  try {
    const day = $('forwardDay').value || beijingToday();
    $('forwardDay').value = day;
    const [{ rows }, { records }] = await Promise.all([api('/v1/admin/forwarding/report?from=' + day + '&to=' + day), api('/v1/admin/forwarding/records?day=' + day)]);
    const report = $('forwardReport').tBodies[0];
    report.replaceChildren();
    for (const r of rows) {
      const row = report.insertRow();
      for (const v of [r.day, r.destination, r.stored, r.sent, r.acknowledged, r.refused, r.pending]) cell(row, String(v));
    }
    const list = $('forwardRecords').tBodies[0];
    list.replaceChildren();
    for (const r of records) {
      const row = list.insertRow();
      row.dataset.outcome = r.outcomeId;
      row.className = r.state === 'refused' ? 'alarm' : r.state === 'acknowledged' ? '' : 'flagged';
      cell(row, r.storedAt.slice(11, 19) + ' UTC');
      cell(row, r.destination);
      cell(row, r.projectNo);
      cell(row, r.state);
      cell(row, r.ackId || '—').className = 'ackId';
      cell(row, String(r.attempts));
      cell(row, r.reason || '');
      const action = cell(row, '');
      if (r.state === 'refused') {
        const requeue = document.createElement('button');
        requeue.textContent = 'requeue';
        requeue.onclick = () => api('/v1/admin/forwarding/refused/' + encodeURIComponent(r.outcomeId) + '/' + encodeURIComponent(r.destination) + '/requeue', { method: 'POST', body: '{}' }).then(loadForwarding, (e) => ($('forwardStatus').textContent = e.message));
        action.append(requeue);
      }
    }
    $('forwardStatus').textContent = records.length + ' records on ' + day + ' (Beijing time)';
  } catch (e) { $('forwardStatus').textContent = e.message; }
}
$('forwardForm').onsubmit = (e) => { e.preventDefault(); loadForwarding(); };
$('lateForm').onsubmit = async (e) => {
  e.preventDefault();
  try {
    const body = { destination: $('lateDestination').value.trim(), from: $('lateFrom').value, to: $('lateTo').value };
    const { queued } = await api('/v1/admin/forwarding/late-upload', { method: 'POST', body: JSON.stringify(body) });
    $('lateStatus').textContent = queued + ' ratings queued for ' + body.destination;
    loadForwarding();
  } catch (err) { $('lateStatus').textContent = err.message; }
};
if (token()) { loadFollowups(); loadFleet(); loadForwarding(); }
`;
