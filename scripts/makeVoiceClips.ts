/**
 * Makes the bundled voice clips (public/voice/<language>/<kind>.wav) offline with espeak-ng
 * (apt-get install espeak-ng). Run after changing a prompt's text: `npx tsx scripts/makeVoiceClips.ts`.
 * Clips are stored as 8-bit 11 kHz mono WAV: small enough to precache, plain enough for any browser.
 * Uyghur and Tibetan have no espeak-ng voice: the hall records those (src/voice/voicePrompts.ts,
 * HALL_CLIP_LANGUAGES; the admin panel says where they go).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Language } from '../contract/hallConfig';
import { ALL_RESOURCES as RESOURCES } from '../src/i18n/allResources';
import { CLIP_VOICE, PROMPT_KINDS, type PromptKind } from '../src/voice/voicePrompts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ESPEAK_VOICE = { cmn: 'cmn-latn-pinyin', en: 'en-us' } as const;
/** The language whose texts each clip voice reads. */
const TEXTS_OF = { cmn: 'zh-CN', en: 'en' } as const;

/**
 * Debian's espeak-ng has no Chinese character dictionary (it spells hanzi out in English), so
 * Mandarin clips are spoken from pinyin. The hanzi are checked against the zh-CN resources so
 * a changed prompt cannot silently keep an old clip.
 */
const MANDARIN: Record<PromptKind, { hanzi: string; pinyin: string }> = {
  prompt: { hanzi: '请您对我的服务进行评价', pinyin: 'qing3 nin2 dui4 wo3 de5 fu2 wu4 jin4 xing2 ping2 jia4' },
  confirm: { hanzi: '确认提交这个评价吗', pinyin: 'que4 ren4 ti2 jiao1 zhe4 ge4 ping2 jia4 ma5?' },
  thanks: { hanzi: '感谢您的评价', pinyin: 'gan3 xie4 nin2 de5 ping2 jia4' },
  thanksUnrated: { hanzi: '未评价感谢您的配合', pinyin: 'wei4 ping2 jia4, gan3 xie4 nin2 de5 pei4 he2' },
};

function spokenText(clipVoice: keyof typeof ESPEAK_VOICE, kind: PromptKind): string {
  if (clipVoice === 'en') return textOf(TEXTS_OF.en, kind);
  const shown = textOf('zh-CN', kind).replace(/[！!，。？?\s]/g, '');
  const { hanzi, pinyin } = MANDARIN[kind];
  if (shown !== hanzi) throw new Error(`the zh-CN ${kind} text is now "${shown}": update its pinyin in scripts/makeVoiceClips.ts`);
  return pinyin;
}

/** No clip names a level (docs/architecture.md, Rules): the clerk across the counter would hear the choice. */
function textOf(language: Language, kind: PromptKind): string {
  const r = RESOURCES[language];
  const texts: Record<PromptKind, string> = { prompt: r.rating.prompt, confirm: r.elderly.confirmText, thanks: r.thanks.title, thanksUnrated: r.thanks.unrated };
  return texts[kind];
}

/** Reads espeak-ng's 16-bit PCM WAV and writes it as 8-bit unsigned at half the sample rate. */
function shrinkWav(input: Buffer): Buffer {
  if (input.toString('ascii', 0, 4) !== 'RIFF' || input.toString('ascii', 8, 12) !== 'WAVE') throw new Error('espeak-ng did not write a WAV file');
  let offset = 12;
  let rate = 0;
  let bits = 0;
  let channels = 0;
  let samples: Buffer | null = null;
  while (offset + 8 <= input.length) {
    const id = input.toString('ascii', offset, offset + 4);
    // espeak-ng streams with a placeholder size; the data chunk runs to the end of the file.
    const declared = input.readUInt32LE(offset + 4);
    const size = id === 'data' ? Math.min(declared, input.length - offset - 8) : declared;
    if (id === 'fmt ') {
      channels = input.readUInt16LE(offset + 10);
      rate = input.readUInt32LE(offset + 12);
      bits = input.readUInt16LE(offset + 22);
    } else if (id === 'data') {
      samples = input.subarray(offset + 8, offset + 8 + size);
    }
    offset += 8 + size + (size % 2);
  }
  if (!samples || bits !== 16 || channels !== 1) throw new Error(`unexpected WAV format: ${bits}-bit, ${channels} channel(s)`);
  const count = Math.floor(samples.length / 4);
  const out = Buffer.alloc(44 + count);
  for (let i = 0; i < count; i++) {
    const mean = (samples.readInt16LE(i * 4) + samples.readInt16LE(i * 4 + 2)) / 2;
    out[44 + i] = Math.max(0, Math.min(255, Math.round(mean / 256) + 128));
  }
  const half = Math.floor(rate / 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + count, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(half, 24);
  out.writeUInt32LE(half, 28); // byte rate
  out.writeUInt16LE(1, 32); // block align
  out.writeUInt16LE(8, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(count, 40);
  return out;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'voice-'));
try {
  let total = 0;
  const clipVoices = [...new Set(Object.values(CLIP_VOICE))];
  for (const clipVoice of clipVoices) {
    const voice = ESPEAK_VOICE[clipVoice];
    const dir = path.join(ROOT, 'public', 'voice', clipVoice);
    mkdirSync(dir, { recursive: true });
    for (const kind of PROMPT_KINDS) {
      const raw = path.join(scratch, 'raw.wav');
      execFileSync('espeak-ng', ['-v', voice, '-s', '140', '-w', raw, spokenText(clipVoice, kind)]);
      const clip = shrinkWav(readFileSync(raw));
      writeFileSync(path.join(dir, `${kind}.wav`), clip);
      total += clip.length;
    }
  }
  console.log(`wrote ${clipVoices.length * PROMPT_KINDS.length} clips, ${(total / 1024).toFixed(0)} KiB in public/voice/`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
