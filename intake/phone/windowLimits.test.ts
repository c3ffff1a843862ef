import { describe, expect, it } from 'vitest';
import { countsAsRating, DEFAULT_WINDOW_LIMITS, windowRatingFlags } from './windowLimits';

describe('window QR limits', () => {
  it('flags every window rating as such, and counts one within the limits', () => {
    const flags = windowRatingFlags({ fromAddressLastHour: 4, ofWindowLastHour: 59, browserRatedToday: false }, DEFAULT_WINDOW_LIMITS);
    expect(flags).toEqual(['window-service']);
    expect(countsAsRating(flags)).toBe(true);
  });

  it('flags each limit passed, and such a rating is kept but not counted', () => {
    const flags = windowRatingFlags({ fromAddressLastHour: 5, ofWindowLastHour: 60, browserRatedToday: true }, DEFAULT_WINDOW_LIMITS);
    expect(flags).toEqual(['window-service', 'address-over-limit', 'window-over-limit', 'browser-repeat']);
    expect(countsAsRating(flags)).toBe(false);
    expect(windowRatingFlags({ fromAddressLastHour: 0, ofWindowLastHour: 0, browserRatedToday: true }, DEFAULT_WINDOW_LIMITS)).toEqual(['window-service', 'browser-repeat']);
  });
});
