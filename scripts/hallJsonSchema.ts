import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { HallConfigSchema } from '../contract/hallConfig';
import { intakeJsonSchema } from '../intake/intakeConfig';

/** Where editors find the hall schema: example halls point at it with "$schema". */
export const HALL_JSON_SCHEMA_FILE = fileURLToPath(new URL('../kiosk-config/hall.schema.json', import.meta.url));
/** The intake's config file schema (intake/intakeConfig.ts). */
export const INTAKE_JSON_SCHEMA_FILE = fileURLToPath(new URL('../intake/intake-config.schema.json', import.meta.url));

/**
 * The hall config as JSON Schema, generated from the zod schema (the single source). It
 * describes what may be written (defaults optional); cross-field rules (a device's window must
 * exist, ids unique) are checked by the device and by `npm run provision` only.
 */
export function hallJsonSchema(): string {
  const schema = z.toJSONSchema(HallConfigSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: '好差评 evaluator hall configuration' }, null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(HALL_JSON_SCHEMA_FILE, hallJsonSchema());
  console.log(`wrote ${path.relative(process.cwd(), HALL_JSON_SCHEMA_FILE)}`);
  writeFileSync(INTAKE_JSON_SCHEMA_FILE, intakeJsonSchema());
  console.log(`wrote ${path.relative(process.cwd(), INTAKE_JSON_SCHEMA_FILE)}`);
}
