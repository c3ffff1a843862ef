import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

/** What a window's poster shows: where to rate it online, and whose window it is. */
export interface PosterContent {
  hallName: string;
  windowNo: string;
  windowName: string;
  deptName?: string;
  ratingUrl: string;
}

/** A4 in millimetres (SVG) and in PDF points. */
const A4_MM = { width: 210, height: 297 };
const A4_PT = { width: 595.28, height: 841.89 };
const MM_TO_PT = A4_PT.width / A4_MM.width;
const QR_MM = 130;

/**
 * CJK fonts the PDF can embed (window and hall names are Chinese). The first one found is used;
 * `--font` on the provisioning command picks another. A .ttc needs the face's PostScript name.
 */
export const CJK_FONT_CANDIDATES: Array<{ file: string; face?: string }> = [
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
  { file: 'C:\\Windows\\Fonts\\msyh.ttc', face: 'MicrosoftYaHei' },
  { file: '/System/Library/Fonts/PingFang.ttc', face: 'PingFangSC-Regular' },
];

export function findCjkFont(): { file: string; face?: string } | null {
  return CJK_FONT_CANDIDATES.find((font) => existsSync(font.file)) ?? null;
}

/**
 * The QR as a PNG: one image, embedded in both the SVG and the PDF, so what the test decodes is
 * what is printed. 8 px per module keeps the modules sharp at 300 dpi on a 13 cm code.
 */
export function posterQrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function posterSvg(content: PosterContent, qrPng: Buffer): string {
  const centre = A4_MM.width / 2;
  const qrTop = 95;
  const text = (y: number, size: number, value: string, weight = 'normal') =>
    `<text x="${centre}" y="${y}" font-size="${size}" font-weight="${weight}" text-anchor="middle">${escapeXml(value)}</text>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${A4_MM.width}mm" height="${A4_MM.height}mm" viewBox="0 0 ${A4_MM.width} ${A4_MM.height}"`,
    `     font-family="'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif" data-window="${escapeXml(content.windowNo)}">`,
    `  <rect width="${A4_MM.width}" height="${A4_MM.height}" fill="#fff"/>`,
    `  ${text(30, 9, content.hallName)}`,
    `  ${text(55, 16, `${content.windowNo} 号窗口`, 'bold')}`,
    `  ${text(72, 12, content.windowName)}`,
    content.deptName ? `  ${text(85, 7, content.deptName)}` : '',
    `  <image x="${centre - QR_MM / 2}" y="${qrTop}" width="${QR_MM}" height="${QR_MM}" style="image-rendering: pixelated"`,
    `         href="data:image/png;base64,${qrPng.toString('base64')}"/>`,
    `  ${text(qrTop + QR_MM + 15, 10, '扫码评价本窗口服务', 'bold')}`,
    `  ${text(qrTop + QR_MM + 24, 6, 'Scan to rate this window')}`,
    `  ${text(qrTop + QR_MM + 33, 4, content.ratingUrl)}`,
    `  ${text(285, 5, '政务服务“好差评”')}`,
    '</svg>',
    '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function posterPdf(content: PosterContent, qrPng: Buffer, font: { file: string; face?: string }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 0, info: { Title: `${content.hallName} ${content.windowNo} 号窗口`, Subject: content.ratingUrl } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    if (font.face) doc.font(font.file, font.face);
    else doc.font(font.file);
    const line = (yMm: number, sizeMm: number, value: string) =>
      doc.fontSize(sizeMm * MM_TO_PT).text(value, 0, yMm * MM_TO_PT - sizeMm * MM_TO_PT * 0.9, { width: A4_PT.width, align: 'center', lineBreak: false });
    const qrTop = 95;
    line(30, 9, content.hallName);
    line(55, 16, `${content.windowNo} 号窗口`);
    line(72, 12, content.windowName);
    if (content.deptName) line(85, 7, content.deptName);
    doc.image(qrPng, ((A4_MM.width - QR_MM) / 2) * MM_TO_PT, qrTop * MM_TO_PT, { width: QR_MM * MM_TO_PT, height: QR_MM * MM_TO_PT });
    line(qrTop + QR_MM + 15, 10, '扫码评价本窗口服务');
    line(qrTop + QR_MM + 24, 6, 'Scan to rate this window');
    line(qrTop + QR_MM + 33, 4, content.ratingUrl);
    line(285, 5, '政务服务“好差评”');
    doc.end();
  });
}
