import { describe, expect, it } from 'vitest';
import { csvField } from './csvExport';

describe('csvField', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('税务局')).toBe('税务局');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('keeps spreadsheet formulas from running', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('writes numbers as they are and null as an empty cell', () => {
    expect(csvField(0.6667)).toBe('0.6667');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
  });
});
