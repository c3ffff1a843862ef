import type { Level } from '../../contract/ratingCodes';

/** Mouth curvature per level: a broad smile at 5 down to a deep frown at 1. */
const MOUTH_CURVE: Record<Level, number> = { 5: 14, 4: 8, 3: 0, 2: -8, 1: -14 };

export function Face({ level }: { level: Level }) {
  const curve = MOUTH_CURVE[level];
  const mouthY = curve >= 0 ? 62 : 70;
  return (
    <svg className="face" viewBox="0 0 100 100" aria-hidden="true" focusable="false">
      <circle cx="50" cy="50" r="46" fill="#fff8e1" stroke="currentColor" strokeWidth="5" />
      <circle cx="35" cy="40" r="6" fill="currentColor" />
      <circle cx="65" cy="40" r="6" fill="currentColor" />
      <path
        d={`M 28 ${mouthY} Q 50 ${mouthY + curve * 1.6} 72 ${mouthY}`}
        fill="none"
        stroke="currentColor"
        strokeWidth="6"
        strokeLinecap="round"
      />
    </svg>
  );
}
