import { describe, expect, it } from 'vitest';
import { StaffLogoutReasonSchema } from '../../contract/staffSession';
import { ALL_RESOURCES } from '../i18n/allResources';
import { zhCN } from '../i18n/zh-CN';
import { auditReason } from './auditReasons';

const CODES = Object.keys(zhCN.admin.auditReasons);

describe('auditReason', () => {
  it("reads every code the device writes in each language's words", () => {
    // What src/main.tsx writes for a refused PIN, and src/pairing/staffSessions.ts for a sign-out.
    const written = ['wrong', 'locked', 'notConfigured', ...StaffLogoutReasonSchema.options];
    expect(new Set(CODES)).toEqual(new Set(written));
    for (const reason of written) {
      const found = auditReason({ reason }, CODES);
      expect(found, reason).toEqual({ code: reason });
      for (const resources of Object.values(ALL_RESOURCES)) {
        const words = resources.admin.auditReasons[reason as keyof typeof zhCN.admin.auditReasons];
        expect(words, reason).toBeTruthy();
        expect(words).not.toBe(reason);
      }
    }
    expect(zhCN.admin.auditReasons.wrong).toBe('密码错误');
  });

  it("keeps a reason staff typed as it is, and nothing for an entry without one", () => {
    expect(auditReason({ reason: '重复上传的测试数据' }, CODES)).toEqual({ text: '重复上传的测试数据' });
    expect(auditReason({ retryAfterMs: 0 }, CODES)).toBeNull();
    expect(auditReason({ reason: null }, CODES)).toBeNull();
  });
});
