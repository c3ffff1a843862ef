import { describe, expect, it } from 'vitest';
import { clipUrl, createSpeaker, type VoiceOutput } from './voicePrompts';

function recordingOutput(clipWorks: boolean) {
  const calls: string[] = [];
  const output: VoiceOutput = {
    playClip: (url) => {
      calls.push(`clip ${url}`);
      return clipWorks ? Promise.resolve() : Promise.reject(new Error('no such clip'));
    },
    speak: (text, language) => {
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
    expect(clipUrl('ug', 'prompt')).toBeNull();
  });

  it('falls back to speech when the clip cannot play', async () => {
    const { output, calls } = recordingOutput(false);
    createSpeaker('clips', output).say('thanks', 'en', 'Thank you for your rating!');
    await flush();
    expect(calls).toEqual(['stop', 'clip /voice/en/thanks.wav', 'speak en Thank you for your rating!']);
  });

  it('speaks languages without clips (Uyghur, Tibetan) with the system voice', () => {
    const { output, calls } = recordingOutput(true);
    createSpeaker('clips', output).say('thanks', 'ug', 'رەھمەت');
    expect(calls).toEqual(['stop', 'speak ug رەھمەت']);
  });

  it('uses speech only when the hall asks for it, and says nothing when voice is off', () => {
    const speech = recordingOutput(true);
    createSpeaker('speech', speech.output).say('prompt', 'zh-CN', '请评价');
    expect(speech.calls).toEqual(['stop', 'speak zh-CN 请评价']);
    const silent = recordingOutput(true);
    createSpeaker('off', silent.output).say('prompt', 'zh-CN', '请评价');
    expect(silent.calls).toEqual([]);
  });

  it('never plays a level clip: the confirm question and an unrated thanks are spoken, not clipped', () => {
    const { output, calls } = recordingOutput(true);
    createSpeaker('clips', output).say('confirm', 'zh-CN', '确认提交这个评价吗？');
    createSpeaker('clips', output).say('thanksUnrated', 'en', 'Not rated. Thank you for your cooperation.');
    expect(calls).toEqual(['stop', 'speak zh-CN 确认提交这个评价吗？', 'stop', 'speak en Not rated. Thank you for your cooperation.']);
    expect(clipUrl('zh-CN', 'confirm')).toBeNull();
  });
});
