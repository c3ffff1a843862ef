import type { SerialAttachment } from '../../contract/hallConfig';
import type { Level } from '../../contract/ratingCodes';
import type { DevicePress, DeviceStatus, PressAnswer, RatingDevice } from './ratingDevice';
import { VALUE_MAPS } from './ratingDevice';
import { createSerialRatingDevice } from './serialRatingDevice';

export function resolveValueMap(valueMap: SerialAttachment['valueMap']): Record<number, Level> {
  if (typeof valueMap === 'string') return VALUE_MAPS[valueMap] as Record<number, Level>;
  return Object.fromEntries(Object.entries(valueMap).map(([value, level]) => [Number(value), level]));
}

/** Builds the serial rating device a hall config attaches to this host. */
export function serialDeviceFromConfig(serial: SerialAttachment) {
  return (handlers: { onPress: (press: DevicePress) => PressAnswer; onStatus: (status: DeviceStatus) => void }): RatingDevice =>
    createSerialRatingDevice({
      ...(serial.path ? { path: serial.path } : {}),
      ...(serial.vendorId ? { vendorId: serial.vendorId } : {}),
      ...(serial.productId ? { productId: serial.productId } : {}),
      baudRate: serial.baudRate,
      valueMap: resolveValueMap(serial.valueMap),
      ...handlers,
    });
}
