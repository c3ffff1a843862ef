import type { IntakeData } from '../store/store';
import { createStoredRecheck, type RecheckFailure } from './storedRecheck';

export interface WholeRecheck {
  devices: number;
  checked: number;
  verified: number;
  unverifiable: number;
  failures: Array<RecheckFailure & { deviceId: string }>;
  failureCount: number;
}

/**
 * The stored re-check (storedRecheck.ts) over every device given: what a restored backup must
 * pass before it becomes the intake's database. Reports after each device, for progress.
 */
export async function recheckAll(data: Pick<IntakeData, 'devices' | 'outcomes'>, deviceIds: readonly string[], onDevice: (done: number, deviceId: string) => void = () => undefined): Promise<WholeRecheck> {
  const recheck = createStoredRecheck(data);
  const total: WholeRecheck = { devices: 0, checked: 0, verified: 0, unverifiable: 0, failures: [], failureCount: 0 };
  for (const deviceId of deviceIds) {
    const report = await recheck.recheck(deviceId);
    total.devices++;
    total.checked += report.checked;
    total.verified += report.verified;
    total.unverifiable += report.unverifiableCount;
    total.failureCount += report.failureCount;
    total.failures.push(...report.failures.slice(0, 20).map((failure) => ({ ...failure, deviceId })));
    onDevice(total.devices, deviceId);
  }
  return total;
}
