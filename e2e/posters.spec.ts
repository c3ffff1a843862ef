import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { provisionHall } from '../scripts/provisioning';
import { findCjkFont } from '../scripts/windowPoster';
import { demoHall, expect, test } from './fixtures';

// The printed artwork, not only the image inside it: Chromium renders each A4 poster as a
// printer would see it, and a QR reader finds the window's rating page in the picture.
test('each window poster, rendered, shows a QR that reads as the window\'s rating page', async ({ page }) => {
  const font = findCjkFont();
  test.skip(!font, 'no CJK font for the PDF posters on this machine');
  const hall = demoHall();
  const outDir = mkdtempSync(path.join(tmpdir(), 'posters-'));
  const { posters } = await provisionHall(hall, { outDir, tokenTtlMs: 86_400_000, font: font! });
  await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
  for (const poster of posters) {
    await page.goto(pathToFileURL(poster.svg).href);
    const png = PNG.sync.read(await page.screenshot());
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(poster.ratingUrl);
  }
  expect(posters.map((p) => p.ratingUrl)).toEqual(hall.windows.map((w) => w.ratingUrl));
});
