import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { PhoneRatingSchema, type PhoneRating } from '../../contract/phoneRating';
import { item } from '../testing/intakeHarness';
import { chain, newDeviceKey } from '../testing/signedOutcomes';
import { phoneRatingRecord, ratingRecordAsStored, readRatingRecord } from './ratingRecord';

/** A window QR rating as the intake stores it (the signature is not checked here). */
const windowRating = (): PhoneRating =>
  PhoneRatingSchema.parse({
    id: uuidv7(),
    kind: 'window',
    channel: 'qr-code',
    window: { hallCode: 'h1', windowNo: 'A01', windowName: '一号窗口' },
    deptName: '市场监督管理局',
    level: 2,
    tags: ['213'],
    comment: '等了很久',
    public: true,
    callback: { requested: false },
    ratedAt: '2026-11-24T10:00:00.000+08:00',
    flags: ['window-service', 'browser-repeat'],
    keyId: 'A'.repeat(22),
    signature: 'B'.repeat(86),
  });

describe('rating records: a device press with its details, or a phone rating (issue 24)', () => {
  it('reads a window rating as the PAD free rating of the window: no case number invented, no staff member, its flags kept', () => {
    const rating = windowRating();
    const record = phoneRatingRecord(rating);
    expect(record).toEqual({
      id: rating.id,
      outcome: 'rated',
      level: 2,
      tags: ['213'],
      comment: '等了很久',
      public: true,
      callback: { requested: false },
      channel: 'qr-code',
      ratedAt: rating.ratedAt,
      clockOffsetMs: null,
      event: 'closed',
      case: { projectNo: `FREE-${rating.id.replace(/-/g, '')}`, taskCode: 'WINDOW-SERVICE', taskName: '一号窗口服务评价', deptName: '市场监督管理局' },
      window: rating.window,
      phoneFlags: ['window-service', 'browser-repeat'],
    });
    expect(readRatingRecord(JSON.stringify(rating), null)).toEqual({ ok: true, rating: record });
  });

  it('reads a device press merged with its details, and names a body that is neither', () => {
    const key = newDeviceKey();
    const [press] = chain([item(2, { tags: [] })], key.privateKey);
    const [details] = chain([item(2, { invitationId: press!.invitationId, tags: ['214'], comment: '态度生硬', amends: { outcomeId: press!.id, kind: 'details' } })], key.privateKey, press);
    const read = readRatingRecord(JSON.stringify(press), JSON.stringify(details));
    expect(read).toMatchObject({ ok: true, rating: { id: press!.id, level: 2, tags: ['214'], comment: '态度生硬', channel: press!.channel } });
    expect(readRatingRecord('{"level": 9}', null)).toMatchObject({ ok: false, reason: expect.stringContaining('no longer reads') });
    expect(readRatingRecord('not json', null)).toMatchObject({ ok: false });
    expect(readRatingRecord(JSON.stringify(press), '{}')).toMatchObject({ ok: false, reason: expect.stringContaining('details') });
  });

  it('for the people working a 差评, a body the re-check would flag still reads as it was stored', () => {
    const key = newDeviceKey();
    const [press] = chain([item(1, { tags: [] })], key.privateKey);
    const damaged = { ...press!, level: 9 };
    expect(readRatingRecord(JSON.stringify(damaged), null).ok).toBe(false);
    expect(ratingRecordAsStored(JSON.stringify(damaged), null)).toMatchObject({ id: press!.id, level: 9, case: press!.case });
  });
});
