import { describe, expect, it } from 'vitest';
import { clipDir, clipUrl, createSpeaker, PROMPT_KINDS, SPOKEN_KINDS, systemVoiceFor, type VoiceOutput } from './voicePrompts';

/** An output whose clips play or fail, and whose system has voices for `voiced` languages only. */
function recordingOutput(clipWorks: boolean, voiced: readonly string[] = ['zh-CN', 'zh-TW', 'en']) {
  const calls: string[] = [];
  const output: VoiceOutput = {
    playClip: (url) => {
      calls.push(`clip ${url}`);
      return clipWorks ? Promise.resolve() : Promise.reject(new Error('no such clip'));
    },
    speak: (text, language) => {
      if (!voiced.includes(language)) return false;
      calls.push(`speak ${language} ${text}`);
      return true;
    },
    stop: () => calls.push('stop'),
  };
  return { output, calls };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createSpeaker', () => {
  it('plays the bundled clip for a language that has clips', async () => {
    const { output, calls } = recordingOutput(true);
    createSpeaker('clips', output).say('prompt', 'zh-CN', '请您对我的服务进行评价');
    await flush();
    expect(calls).toEqual(['stop', 'clip /voice/cmn/prompt.wav']);
    expect(clipUrl('zh-TW', 'prompt')).toBe(clipUrl('zh-CN', 'prompt'));
    expect(clipUrl('ug', 'prompt')).toBe('/voice/ug/prompt.wav');
  });

  it('falls back to speech when the clip cannot play', async () => {
    const { output, calls } = recordingOutput(false);
    createSpeaker('clips', output).say('thanks', 'en', 'Thank you for your rating!');
    await flush();
    expect(calls).toEqual(['stop', 'clip /voice/en/thanks.wav', 'speak en Thank you for your rating!']);
  });

  it("plays the hall's own Uyghur and Tibetan clips, every kind, from public/voice/<language>/", async () => {
    const { output, calls } = recordingOutput(true, []);
    createSpeaker('clips', output).say('confirm', 'ug', 'بۇ باھانى يوللامسىز؟');
    createSpeaker('clips', output).say('thanksUnrated', 'bo', 'ཐུགས་རྗེ་ཆེ།');
    await flush();
    expect(calls).toEqual(['stop', 'clip /voice/ug/confirm.wav', 'stop', 'clip /voice/bo/thanksUnrated.wav']);
    expect(clipDir('ug')).toBe('/voice/ug/');
  });

  it("never reads Uyghur or Tibetan in another language's voice: without the hall's clips or a system voice of theirs, nothing is said", async () => {
    const { output, calls } = recordingOutput(false);
    createSpeaker('clips', output).say('prompt', 'ug', 'مۇلازىمىتىمگە باھا بېرىڭ');
    createSpeaker('speech', output).say('thanks', 'bo', 'ཐུགས་རྗེ་ཆེ།');
    await flush();
    // The clip tried is the hall's Uyghur one (missing here), never the Mandarin one; no speech follows.
    expect(calls).toEqual(['stop', 'clip /voice/ug/prompt.wav', 'stop']);
  });

  it('speaks Uyghur with a system voice of Uyghur when the system has one', async () => {
    const { output, calls } = recordingOutput(false, ['ug']);
    createSpeaker('clips', output).say('thanks', 'ug', 'رەھمەت');
    await flush();
    expect(calls).toEqual(['stop', 'clip /voice/ug/thanks.wav', 'speak ug رەھمەت']);
  });

  it('uses speech only when the hall asks for it, and says nothing when voice is off', () => {
    const speech = recordingOutput(true);
    createSpeaker('speech', speech.output).say('prompt', 'zh-CN', '请评价');
    expect(speech.calls).toEqual(['stop', 'speak zh-CN 请评价']);
    const silent = recordingOutput(true);
    createSpeaker('off', silent.output).say('prompt', 'zh-CN', '请评价');
    expect(silent.calls).toEqual([]);
  });

  it('has a bundled clip for every spoken kind in Mandarin and English, and none names a level', () => {
    for (const language of ['zh-CN', 'zh-TW', 'en'] as const) {
      expect(SPOKEN_KINDS.map((kind) => clipUrl(language, kind))).toEqual(SPOKEN_KINDS.map((kind) => `/voice/${language === 'en' ? 'en' : 'cmn'}/${kind}.wav`));
    }
    expect(SPOKEN_KINDS.join(' ')).not.toMatch(/level/);
    expect(PROMPT_KINDS).toEqual(SPOKEN_KINDS);
  });
});

describe('systemVoiceFor', () => {
  const voices = [
    { lang: 'en-US', name: 'English' },
    { lang: 'zh-HK', name: 'Cantonese' },
    { lang: 'zh-CN', name: 'Mandarin' },
    { lang: 'zh_TW', name: 'Taiwan Mandarin' },
  ];

  it('finds a voice of the language, Mandarin for both Chinese scripts, never Cantonese', () => {
    expect(systemVoiceFor('zh-CN', voices)?.name).toBe('Mandarin');
    expect(systemVoiceFor('zh-TW', voices)?.name).toBe('Taiwan Mandarin');
    expect(systemVoiceFor('zh-TW', voices.slice(0, 3))?.name).toBe('Mandarin');
    expect(systemVoiceFor('zh-CN', voices.slice(0, 2))).toBeNull();
    expect(systemVoiceFor('en', [{ lang: 'en-GB', name: 'British' }])?.name).toBe('British');
  });

  it('has no voice for Uyghur or Tibetan unless the system has one of that language', () => {
    expect(systemVoiceFor('ug', voices)).toBeNull();
    expect(systemVoiceFor('bo', voices)).toBeNull();
    expect(systemVoiceFor('ug', [...voices, { lang: 'ug-CN', name: 'Uyghur' }])?.name).toBe('Uyghur');
    expect(systemVoiceFor('bo', [])).toBeNull();
  });
});
