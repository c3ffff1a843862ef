import type { Page } from '@playwright/test';

/**
 * Records everything the page plays or speaks (headless Chromium has no audio device to listen
 * to). Clips are recorded as they are tried; one the site does not serve fails, as it would on the
 * kiosk. The system has voices for `voiceLangs` only (by default Mandarin and English, like the
 * kiosk images): whatever is spoken is recorded with the language it was spoken as.
 */
export async function recordVoice(page: Page, voiceLangs: readonly string[] = ['zh-CN', 'en-US']): Promise<void> {
  await page.addInitScript((langs) => {
    const said: string[] = [];
    Object.defineProperty(window, '__said', { value: said });
    HTMLMediaElement.prototype.play = function play(this: HTMLMediaElement) {
      said.push(`clip ${new URL(this.src).pathname}`);
      return fetch(this.src).then((response) => {
        if (!response.ok || !(response.headers.get('content-type') ?? '').startsWith('audio/')) throw new DOMException('no such clip', 'NotSupportedError');
      });
    };
    const voices = langs.map((lang) => ({ lang, name: `test ${lang}`, voiceURI: lang, localService: true, default: false }));
    window.speechSynthesis.getVoices = () => voices as unknown as SpeechSynthesisVoice[];
    // The real utterance takes only a real SpeechSynthesisVoice.
    class Utterance {
      lang = '';
      voice: unknown = null;
      rate = 1;
      constructor(public text: string) {}
    }
    (window as unknown as { SpeechSynthesisUtterance: unknown }).SpeechSynthesisUtterance = Utterance;
    window.speechSynthesis.speak = (utterance: SpeechSynthesisUtterance) => void said.push(`speech ${utterance.lang} ${utterance.text}`);
  }, voiceLangs);
}

/** What the page has played or spoken so far, in order. */
export const said = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __said: string[] }).__said.slice());
