import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_AUTO_CLOSE_MS, useAdminStore } from './adminStore';

describe('the PIN pad and the admin panel close by themselves', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    useAdminStore.getState().setOpen(false);
    vi.useRealTimers();
  });

  it('closes the PIN pad 5 minutes after it opened', () => {
    useAdminStore.getState().openPinPad();
    vi.advanceTimersByTime(ADMIN_AUTO_CLOSE_MS - 1000);
    expect(useAdminStore.getState().pinPadOpen).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(useAdminStore.getState().pinPadOpen).toBe(false);
  });

  it('closes the panel 5 minutes after the PIN opened it, as the host stops honouring admin actions', () => {
    useAdminStore.getState().openPinPad();
    vi.advanceTimersByTime(60_000);
    // As src/main.tsx applies an accepted PIN.
    useAdminStore.setState({ pinPadOpen: false, pinResult: null, open: true });
    vi.advanceTimersByTime(ADMIN_AUTO_CLOSE_MS - 1000);
    expect(useAdminStore.getState().open).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(useAdminStore.getState()).toMatchObject({ open: false, pinPadOpen: false });
  });

  it('a panel closed and opened again gets its full time', () => {
    useAdminStore.setState({ open: true });
    vi.advanceTimersByTime(ADMIN_AUTO_CLOSE_MS - 1000);
    useAdminStore.getState().setOpen(false);
    useAdminStore.setState({ open: true });
    vi.advanceTimersByTime(2000);
    expect(useAdminStore.getState().open).toBe(true);
    vi.advanceTimersByTime(ADMIN_AUTO_CLOSE_MS);
    expect(useAdminStore.getState().open).toBe(false);
  });
});
