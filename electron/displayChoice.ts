export interface DisplayLike {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

/**
 * The citizen-facing screen: the display with the configured id, else the first display that is
 * not the primary one (the window PC's own monitor), else the primary.
 */
export function chooseKioskDisplay<D extends DisplayLike>(displays: D[], primary: D, configuredId?: number): D {
  return displays.find((d) => d.id === configuredId) ?? displays.find((d) => d.id !== primary.id) ?? primary;
}
