import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A screen's title that takes the focus when the screen appears: the button the citizen pressed
 * is gone, so a screen reader announces the new screen and Tab starts from its top.
 */
export function ScreenHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="screen-heading">
      {children}
    </h1>
  );
}
