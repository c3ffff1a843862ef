import type { ElderlyPolicy, Language } from '../../contract/hallConfig';
import type { Level } from '../../contract/ratingCodes';

/**
 * The clips scripts/makeVoiceClips.ts makes. The level clips are no longer played: a level's name
 * said aloud tells the clerk across the counter what the citizen chose.
 */
export type PromptKind = 'prompt' | 'thanks' | `level-${Level}`;

/**
 * What the evaluator says aloud: the invitation, the confirm screen's neutral question, and the
 * thanks (for a rating, or for an ending without one). Never a level: there is no kind for it.
 */
export type SpokenKind = 'prompt' | 'confirm' | 'thanks' | 'thanksUnrated';

/** The spoken kinds that have a bundled clip; the others are spoken by the system voice. */
const CLIP_KINDS: ReadonlySet<SpokenKind> = new Set(['prompt', 'thanks']);

/**
 * Bundled clips (public/voice/<spoken language>/<kind>.wav, made offline by
 * scripts/makeVoiceClips.ts with espeak-ng, which has no Uyghur or Tibetan voice). Both Chinese
 * scripts are read aloud in Mandarin. Other languages are spoken by the Web Speech API when the
 * system has a voice for them.
 */
export const CLIP_VOICE: Partial<Record<Language, 'cmn' | 'en'>> = { 'zh-CN': 'cmn', 'zh-TW': 'cmn', en: 'en' };

export const PROMPT_KINDS: readonly PromptKind[] = ['prompt', 'thanks', 'level-5', 'level-4', 'level-3', 'level-2', 'level-1'];

export function clipUrl(language: Language, kind: SpokenKind): string | null {
  const voice = CLIP_VOICE[language];
  return voice && CLIP_KINDS.has(kind) ? `/voice/${voice}/${kind}.wav` : null;
}

export interface VoiceOutput {
  /** Plays a clip; rejects when it cannot (missing file, autoplay refused). */
  playClip(url: string): Promise<void>;
  /** Speaks text with a system voice; false when the platform has no speech synthesis. */
  speak(text: string, language: Language): boolean;
  stop(): void;
}

export interface Speaker {
  say(kind: SpokenKind, language: Language, text: string): void;
  stop(): void;
}

/** Chooses clip or speech per the hall policy; a clip that fails falls back to speech. */
export function createSpeaker(voice: ElderlyPolicy['voice'], output: VoiceOutput): Speaker {
  return {
    say(kind, language, text) {
      if (voice === 'off') return;
      output.stop();
      const url = voice === 'clips' ? clipUrl(language, kind) : null;
      if (url) {
        output.playClip(url).catch(() => output.speak(text, language));
        return;
      }
      output.speak(text, language);
    },
    stop: () => output.stop(),
  };
}

/** The browser's audio element and speechSynthesis. */
export function browserVoiceOutput(win: Window & typeof globalThis): VoiceOutput {
  let playing: HTMLAudioElement | null = null;
  return {
    playClip(url) {
      const audio = new win.Audio(url);
      playing = audio;
      return audio.play();
    },
    speak(text, language) {
      const synthesis = win.speechSynthesis as SpeechSynthesis | undefined;
      if (!synthesis) return false;
      const utterance = new win.SpeechSynthesisUtterance(text);
      utterance.lang = language;
      utterance.rate = 0.9;
      synthesis.speak(utterance);
      return true;
    },
    stop() {
      playing?.pause();
      playing = null;
      (win.speechSynthesis as SpeechSynthesis | undefined)?.cancel();
    },
  };
}
