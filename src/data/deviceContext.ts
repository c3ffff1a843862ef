import type { DeviceContext } from '../../contract/hallConfig';
import type { EvaluatorDb } from './db';

const CONTEXT_KEY = 'deviceContext';

/** The last device context the host sent, so a restart without the host can still record. */
export async function loadDeviceContext(db: EvaluatorDb): Promise<DeviceContext | null> {
  const row = await db.meta.get(CONTEXT_KEY);
  if (typeof row?.value !== 'string') return null;
  // zod is loaded here, off the first screen's path (initial JS budget).
  const { DeviceContextSchema } = await import('../../contract/hallConfig');
  try {
    const parsed = DeviceContextSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function saveDeviceContext(db: EvaluatorDb, context: DeviceContext): Promise<void> {
  await db.meta.put({ key: CONTEXT_KEY, value: JSON.stringify(context) });
}
