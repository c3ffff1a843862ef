import { describe, expect, it } from 'vitest';
import { HallConfigSchema } from '../contract/hallConfig';
import { shellHostPort, startupErrorPage } from './shellStartup';

const hall = HallConfigSchema.parse({
  hall: { code: 'h1', name: '测试大厅', regionCode: '340104' },
  windows: [{ no: 'A01', name: '一号窗口', ratingUrl: 'https://example.gov.cn/r?w=A01' }],
  devices: [
    { id: 'dev-a01', windowNo: 'A01', kind: 'pad', caseEventToken: 'test-case-event-token-0001-with-32-chars', hostPort: 18990 },
    { id: 'dev-a02', windowNo: 'A01', kind: 'pad', caseEventToken: 'test-case-event-token-0002-with-32-chars' },
  ],
});

describe('Electron shell start-up', () => {
  it('listens on the device\'s configured hostPort (it always used 8787)', () => {
    expect(shellHostPort(hall, 'dev-a01', {})).toBe(18990);
    expect(shellHostPort(hall, 'dev-a02', {})).toBe(8787);
    expect(shellHostPort(hall, 'dev-a01', { EVALUATOR_PORT: '9000' })).toBe(9000);
    expect(() => shellHostPort(hall, 'dev-a01', { EVALUATOR_PORT: 'x' })).toThrow(/EVALUATOR_PORT must be 1–65535/);
  });

  it('shows a start-up error as a plain page saying what to do, with nothing from the message run as markup', () => {
    const html = startupErrorPage(new Error('listen EADDRINUSE 127.0.0.1:18990 <script>alert(1)</script>'), { logDir: '/var/log/hcp', configFile: '/etc/hcp/hall.json' });
    expect(html).toContain('评价器未能启动');
    expect(html).toContain('listen EADDRINUSE 127.0.0.1:18990 &#60;script&#62;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('/var/log/hcp');
    expect(html).toContain("default-src 'none'");
  });
});
