import type { Resources } from '../i18n/zh-CN';

export type AuditReasonCode = keyof Resources['admin']['auditReasons'];

/**
 * The reason an audit entry was written with, as a key of admin.auditReasons when it is one of the
 * codes the device writes (a refused PIN's, a sign-out's), or the text itself when staff typed it
 * (a discarded dead letter's). Codes are shown in the panel's language, never raw English.
 */
export function auditReason(detail: Record<string, unknown>, codes: readonly string[]): { code: AuditReasonCode } | { text: string } | null {
  const reason = detail.reason;
  if (typeof reason !== 'string' || reason === '') return null;
  return codes.includes(reason) ? { code: reason as AuditReasonCode } : { text: reason };
}
