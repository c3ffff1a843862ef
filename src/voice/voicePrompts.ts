import type { ElderlyPolicy, Language } from '../../contract/hallConfig';

/**
 * What the evaluator says aloud: the invitation, the confirm screen's neutral question, and the
 * thanks (for a rating, or for an ending without one). Never a level: there is no kind for it.
 */
export type SpokenKind = 'prompt' | 'confirm' | 'thanks' | 'thanksUnrated';

/** Every kind has a clip: the bundled voices' from scripts/makeVoiceClips.ts, the hall's for ug and bo. */
export type PromptKind = SpokenKind;

export const SPOKEN_KINDS: readonly SpokenKind[] = ['prompt', 'confirm', 'thanks', 'thanksUnrated'];

/** The bundled clip kinds scripts/makeVoiceClips.ts makes. */
export const PROMPT_KINDS: readonly PromptKind[] = SPOKEN_KINDS;

/**
 * Bundled clips (public/voice/<voice>/<kind>.wav, made offline by scripts/makeVoiceClips.ts with
 * espeak-ng). Both Chinese scripts are read aloud in Mandarin.
 */
export const CLIP_VOICE: Partial<Record<Language, 'cmn' | 'en'>> = { 'zh-CN': 'cmn', 'zh-TW': 'cmn', en: 'en' };

/**
 * Uyghur and Tibetan have no voice to make clips with offline (espeak-ng has neither), and few
 * systems have one: the hall records its own, one file per spoken kind, in
 * public/voice/<language>/ (dist/voice/<language>/ on a built kiosk). Without them, and without a
 * system voice of that language, these languages stay silent: never Mandarin, never another
 * language's voice reading the text.
 */
export const HALL_CLIP_LANGUAGES: readonly Language[] = ['ug', 'bo'];

/** The folder the page fetches a language's clips from (under the site root). */
export function clipDir(language: Language): string | null {
  const voice = CLIP_VOICE[language];
  if (voice) return `/voice/${voice}/`;
  return HALL_CLIP_LANGUAGES.includes(language) ? `/voice/${language}/` : null;
}

/** The clip for a spoken kind in a language, or null when the language has no clips. */
export function clipUrl(language: Language, kind: SpokenKind): string | null {
  const dir = clipDir(language);
  return dir ? `${dir}${kind}.wav` : null;
}

/** What the platform reports of a system voice (SpeechSynthesisVoice). */
export interface SystemVoice {
  lang: string;
  name: string;
}

/** Spoken language tags a system voice may carry for each page language, best first. */
const VOICE_LANGS: Record<Language, readonly string[]> = {
  // Mandarin reads both scripts; a Cantonese (zh-HK, yue) voice is not Mandarin.
  'zh-CN': ['zh-cn', 'cmn', 'zh-tw', 'zh'],
  'zh-TW': ['zh-tw', 'zh-cn', 'cmn', 'zh'],
  en: ['en'],
  ug: ['ug'],
  bo: ['bo'],
};

const CANTONESE = /^(zh-(hk|mo)|yue)/;

/**
 * The system voice that speaks a language, or null when the system has none: then nothing is
 * said, rather than the text read out by a voice of another language (the platform's default).
 */
export function systemVoiceFor<V extends SystemVoice>(language: Language, voices: readonly V[]): V | null {
  const tags = voices.map((voice) => voice.lang.toLowerCase().replace(/_/g, '-'));
  for (const wanted of VOICE_LANGS[language]) {
    const index = tags.findIndex((tag) => (tag === wanted || tag.startsWith(`${wanted}-`)) && !CANTONESE.test(tag));
    if (index >= 0) return voices[index] ?? null;
  }
  return null;
}

export interface VoiceOutput {
  /** Plays a clip; rejects when it cannot (missing file, autoplay refused). */
  playClip(url: string): Promise<void>;
  /** Speaks text with a system voice of that language; false when there is none. */
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
  // Asked once early: Chromium loads its voice list on the first call.
  (win.speechSynthesis as SpeechSynthesis | undefined)?.getVoices();
  return {
    playClip(url) {
      const audio = new win.Audio(url);
      playing = audio;
      return audio.play();
    },
    speak(text, language) {
      const synthesis = win.speechSynthesis as SpeechSynthesis | undefined;
      if (!synthesis) return false;
      const systemVoice = systemVoiceFor(language, synthesis.getVoices());
      if (!systemVoice) return false;
      const utterance = new win.SpeechSynthesisUtterance(text);
      utterance.voice = systemVoice;
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
