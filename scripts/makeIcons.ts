/**
 * Renders the app icons (public/icons/*.png) from public/favicon.svg with Chromium, so the web
 * manifest has the PNG sizes installers expect. Run after changing the logo: `npx tsx scripts/makeIcons.ts`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';

const ROOT = path.resolve(import.meta.dirname, '..');
const svg = readFileSync(path.join(ROOT, 'public/favicon.svg'), 'utf8');
const outDir = path.join(ROOT, 'public/icons');
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  for (const size of [192, 512]) {
    for (const maskable of [false, true]) {
      // A maskable icon keeps the logo inside the central 80 % safe zone on a full-bleed background.
      const inner = maskable ? Math.round(size * 0.7) : size;
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<body style="margin:0;width:${size}px;height:${size}px;display:grid;place-items:center;background:${maskable ? '#0b4f9c' : 'transparent'}">` +
          `<div style="width:${inner}px;height:${inner}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body>`,
      );
      const file = path.join(outDir, `icon-${maskable ? 'maskable-' : ''}${size}.png`);
      await page.screenshot({ path: file, omitBackground: !maskable });
      console.log(`wrote ${path.relative(ROOT, file)}`);
    }
  }
} finally {
  await browser.close();
}
