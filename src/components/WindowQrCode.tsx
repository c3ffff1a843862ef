import { useEffect, useState } from 'react';

/** The window's own online rating page, for citizens who prefer their phone. */
export function WindowQrCode({ url, label }: { url: string; label: string }) {
  const [dataUrl, setDataUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Loaded on demand: the encoder is not needed to paint the first screen. Drawn at 3× its
    // CSS size so it stays sharp on high-density tablet screens.
    import('qrcode')
      .then(({ default: QRCode }) => QRCode.toDataURL(url, { margin: 1, width: 660, errorCorrectionLevel: 'M' }))
      .then(
      (value) => live && setDataUrl(value),
      () => live && setDataUrl(null),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <figure className="window-qr">
      {dataUrl ? <img src={dataUrl} alt={label} width={220} height={220} /> : <div className="qr-placeholder" />}
      <figcaption>{label}</figcaption>
    </figure>
  );
}
