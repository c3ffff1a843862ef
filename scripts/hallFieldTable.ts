import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hallJsonSchema } from './hallJsonSchema';

/**
 * The hall config field table of docs/provisioning.md, generated from the JSON Schema (itself from
 * the zod schema): every field the schema has, its type, whether it is required and its default.
 * Its meaning is the schema's own description, else the line below; a field with neither fails
 * the test beside this file, so the table cannot fall behind the schema again.
 */
export const FIELD_NOTES: Record<string, string> = {
  $schema: 'path of hall.schema.json, for editors',
  hall: 'the service hall',
  'hall.code': 'the hall code every device, token and count is bound to',
  'hall.name': 'shown on every screen',
  'hall.regionCode': '6- or 12-digit administrative division code',
  'hall.timeZone': 'IANA zone rating times are written in (Beijing for every province today)',
  languages: "languages offered on the screens; the first is each citizen's starting language",
  adminPinHash: 'the hall admin PIN hash (`npm run pin-hash -- <PIN>`); a device may have its own',
  intake: 'where the devices sync (absent: no sync)',
  'intake.url': "the intake's address as devices reach it",
  'intake.batchSize': 'outcomes per upload',
  'intake.syncIntervalSec': 'seconds between sync passes when nothing cues one',
  'intake.publicUrl': "the intake's address as citizens' phones reach it (window QR codes and posters; `url` when absent)",
  'intake.sealingPublicKey': "the intake's X25519 key for sealing callback phone numbers (else fetched at enrolment)",
  windows: 'the service windows',
  'windows.no': 'window number as shown (A01)',
  'windows.name': 'window name as shown',
  'windows.deptName': 'department serving at the window',
  'windows.ratingUrl': "the window's online rating page (poster and idle-screen QR); the intake's own `/w/<hall>/<window>` page by default",
  devices: 'one entry per rating device',
  'devices.id': 'device id (3–64 letters, digits, - or _)',
  'devices.windowNo': 'the window it serves',
  'devices.kind': '`pad` / `monitor` (a screen), `serial` / `hid` (a button box on a host)',
  'devices.channel': 'the rating channel reported to the province',
  'devices.caseEventToken': 'bearer token the window business system posts case events with (the host refuses fewer than 32 characters)',
  'devices.serial': 'the serial port: `path`, or `vendorId` + `productId`; required for `kind: serial`',
  'devices.hidKeys': 'key → level map of a keyboard-wedge evaluator',
  policies: 'hall rules; every field has a default',
  'policies.inviteTimeoutSec': 'seconds the rating screen waits for a press before the invitation ends unrated',
  'policies.detailsTimeoutSec': 'seconds of inactivity on the 差评 details screen before the level is recorded as is',
  'policies.thanksSec': 'seconds the thanks screen shows',
  'policies.questionSetVersion': 'the question set the outcomes name',
  'policies.anomalies': 'thresholds of the anomaly flags (fast press, burst, shift end …)',
  'policies.elderly': '适老化: `mode` (`offer` / `always` / `off`) and `voice` (`clips` / `speech` / `off`)',
};

type Node = { type?: string | string[]; enum?: unknown[]; default?: unknown; description?: string; properties?: Record<string, Node>; required?: string[]; items?: Node };

function typeOf(node: Node): string {
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' / ');
  if (node.type === 'array') return `array of ${node.items ? typeOf(node.items) : 'any'}`;
  return Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
}

/** A default as written in the config; an object's defaults are its fields' own rows. */
function defaultOf(node: Node): string {
  if (node.default === undefined) return '';
  return typeof node.default === 'object' && node.default !== null && !Array.isArray(node.default) ? 'each field' : `\`${JSON.stringify(node.default)}\``;
}

/** Rows of (field, type, required, default, what) for every top-level part and the fields inside it. */
export function hallFieldRows(): Array<{ field: string; type: string; required: boolean; fallback: string; what: string | undefined }> {
  const schema = JSON.parse(hallJsonSchema()) as Node;
  const rows: ReturnType<typeof hallFieldRows> = [];
  const add = (field: string, node: Node, required: boolean) =>
    rows.push({ field, type: typeOf(node), required, fallback: defaultOf(node), what: node.description ?? FIELD_NOTES[field] });
  for (const [name, node] of Object.entries(schema.properties ?? {})) {
    add(name, node, schema.required?.includes(name) ?? false);
    const inner = node.type === 'array' ? node.items : node;
    for (const [child, childNode] of Object.entries(inner?.properties ?? {})) add(`${name}.${child}`, childNode, inner?.required?.includes(child) ?? false);
  }
  return rows;
}

export function hallFieldTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '| field | type | required | default | what |',
    '|---|---|---|---|---|',
    ...hallFieldRows().map((r) => `| \`${r.field}\` | ${cell(r.type)} | ${r.required ? 'yes' : ''} | ${cell(r.fallback)} | ${cell(r.what ?? '')} |`),
  ].join('\n');
}

export const PROVISIONING_DOC = fileURLToPath(new URL('../docs/provisioning.md', import.meta.url));
const START = '<!-- hall-fields:start (npm run config-schema writes this table) -->';
const END = '<!-- hall-fields:end -->';

/** docs/provisioning.md with the table between its markers replaced by the generated one. */
export function withFieldTable(doc: string): string {
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/provisioning.md has no ${START} … ${END} markers`);
  return `${doc.slice(0, from + START.length)}\n${hallFieldTable()}\n${doc.slice(to)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(PROVISIONING_DOC, withFieldTable(readFileSync(PROVISIONING_DOC, 'utf8')));
  console.log(`wrote the field table of ${path.relative(process.cwd(), PROVISIONING_DOC)}`);
}
