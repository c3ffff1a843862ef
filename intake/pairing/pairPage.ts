/**
 * The page a staff member opens by scanning the device's pairing QR (or by typing the code):
 * they sign in with their login and the device shows their staff card. No inline script (CSP);
 * answers are written with textContent.
 */
export function renderPairPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>工作人员登录评价器 · Pair with the evaluator</title>
<style>
 body{font:17px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:1.5rem auto;max-width:26rem;color:#1b1b1b;padding:0 1rem}
 label{display:block;margin:.8rem 0}input{display:block;width:100%;font-size:1.1rem;padding:.4rem;box-sizing:border-box}
 button{font-size:1.1rem;padding:.5rem 1.5rem;margin-top:.5rem}#status{font-weight:600}
</style></head>
<body>
<h1>工作人员登录评价器</h1>
<p>Confirm the pairing code shown on the window's evaluator with your staff login.</p>
<form id="pair">
 <label>配对码 Pairing code <input id="code" inputmode="numeric" pattern="\\d{6}" maxlength="6" required></label>
 <label>工作人员账号 Login <input id="loginName" autocomplete="username" required></label>
 <label>密码 Password <input id="password" type="password" autocomplete="current-password" required></label>
 <button>确认登录 Confirm</button>
</form>
<p id="status" role="status"></p>
<script src="/pair/pair.js"></script>
</body></html>`;
}

export const PAIR_SCRIPT = `
const $ = (id) => document.getElementById(id);
$('code').value = new URLSearchParams(location.search).get('code') || '';
$('pair').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('status').textContent = '…';
  try {
    const response = await fetch('/v1/pairings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: $('code').value.trim(), loginName: $('loginName').value.trim(), password: $('password').value }),
    });
    const answer = await response.json();
    $('password').value = '';
    $('status').textContent = response.ok
      ? '已登录 ' + answer.deviceId + '：' + answer.staff.name + ' · Paired'
      : (answer.error && answer.error.message) || ('HTTP ' + response.status);
  } catch (error) {
    $('status').textContent = String(error);
  }
});
`;
