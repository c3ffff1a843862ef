import { useEffect, useState } from 'react';

/** The window's own online rating page, for citizens who prefer their phone. */
export function WindowQrCode({ url, label, size = 220, className = 'window-qr' }: { url: string; label: string; size?: number; className?: string }) {
  const [dataUrl, setDataUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Loaded on demand: the encoder is not needed to paint the first screen. Drawn at 3× its
    // CSS size so it stays sharp on high-density tablet screens.
    import('qrcode')
      .then(({ default: QRCode }) => QRCode.toDataURL(url, { margin: 1, width: size * 3, errorCorrectionLevel: 'M' }))
      .then(
      (value) => live && setDataUrl(value),
      () => live && setDataUrl(null),
    );
    return () => {
      live = false;
    };
  }, [url, size]);
  return (
    <figure className={className}>
      {dataUrl ? <img src={dataUrl} alt={label} width={size} height={size} /> : <div className="qr-placeholder" style={{ width: size, height: size }} />}
      <figcaption>{label}</figcaption>
    </figure>
  );
}
