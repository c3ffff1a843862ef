import type { HallConfig } from '../contract/hallConfig';

/**
 * Start-up decisions of the Electron shell, in plain Node so they are tested without Electron
 * (electron/main.ts only wires them in).
 */

/** The port the shell's host listens on: EVALUATOR_PORT, else the device's configured hostPort, else 8787. */
export function shellHostPort(hall: HallConfig, deviceId: string, env: NodeJS.ProcessEnv = process.env): number {
  const text = env.EVALUATOR_PORT ?? String(hall.devices.find((d) => d.id === deviceId)?.hostPort ?? 8787);
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`EVALUATOR_PORT must be 1–65535, got "${text}"`);
  return port;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The plain page a kiosk shows when it could not start, instead of a bare desktop: what happened,
 * where the log is, and what staff or the operator can do. Self-contained (no scripts, no links).
 */
export function startupErrorPage(error: unknown, where: { logDir: string; configFile?: string }): string {
  const message = error instanceof Error ? error.message : String(error);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>评价器未能启动</title>
<style>body{font:20px/1.6 system-ui,sans-serif;background:#f3f6fa;color:#1b2430;margin:0;padding:8vh 10vw}h1{font-size:32px}pre{white-space:pre-wrap;background:#fff;border:1px solid #c8d1dc;padding:16px;font-size:16px}li{margin:6px 0}</style></head>
<body><main role="alert"><h1>评价器未能启动 · The evaluator could not start</h1>
<pre>${escapeHtml(message)}</pre>
<ol>
<li>请联系大厅运维人员，并告知以上信息。Tell the hall's operator what is shown above.</li>
<li>运维：日志在 <code>${escapeHtml(where.logDir)}</code>。Operator: the log is in <code>${escapeHtml(where.logDir)}</code>.</li>
${where.configFile ? `<li>检查大厅配置 <code>${escapeHtml(where.configFile)}</code>（npm run config-schema 可校验）。Check the hall config file.</li>` : ''}
<li>修正后重启本机或评价器。Restart the PC or the evaluator once fixed.</li>
</ol></main></body></html>`;
}
