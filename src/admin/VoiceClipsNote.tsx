import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../contract/hallConfig';
import { useFlow } from '../flow/FlowContext';
import { LANGUAGE_NAMES } from '../i18n/i18n';
import { clipDir, HALL_CLIP_LANGUAGES, SPOKEN_KINDS } from '../voice/voicePrompts';

const NO_LANGUAGES: Language[] = [];

/** Whether the site serves a clip: an audio file, not the page the host answers unknown paths with. */
async function clipServed(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'HEAD', cache: 'no-store' });
    return response.ok && (response.headers.get('content-type') ?? '').startsWith('audio/');
  } catch {
    return false;
  }
}

/**
 * For the hall's Uyghur and Tibetan: there is no bundled voice, and the evaluator never reads them
 * in another language's voice, so the hall records the prompts. Says which files are missing and
 * where they go (public/voice/<language>/ in the source, voice/<language>/ on the served site).
 */
export function VoiceClipsNote() {
  const { t } = useTranslation();
  const languages = useFlow((s) => s.context?.languages ?? NO_LANGUAGES);
  const voiceOff = useFlow((s) => s.context?.policies.elderly.voice === 'off');
  const needing = languages.filter((language) => HALL_CLIP_LANGUAGES.includes(language));
  const [missing, setMissing] = useState<Partial<Record<Language, string[]>>>({});
  const key = needing.join(',');
  useEffect(() => {
    let live = true;
    const wanted = key === '' ? [] : (key.split(',') as Language[]);
    void Promise.all(
      wanted.map(async (language) => {
        const served = await Promise.all(SPOKEN_KINDS.map((kind) => clipServed(`${clipDir(language)}${kind}.wav`)));
        return [language, SPOKEN_KINDS.filter((_, i) => !served[i]).map((kind) => `${kind}.wav`)] as const;
      }),
    ).then((found) => live && setMissing(Object.fromEntries(found)));
    return () => {
      live = false;
    };
  }, [key]);
  if (voiceOff || needing.length === 0) return null;
  return (
    <section className="voice-clips" aria-labelledby="voice-clips-title" data-fact="voiceClips">
      <h2 id="voice-clips-title">{t('admin.voice')}</h2>
      {needing.map((language) => {
        const files = missing[language];
        const dir = `public${clipDir(language)}`;
        return (
          <p key={language} data-voice-language={language} className={files?.length === 0 ? undefined : 'voice-missing'}>
            {files?.length === 0
              ? t('admin.voiceProvided', { language: LANGUAGE_NAMES[language], dir })
              : t('admin.voiceNeeded', { language: LANGUAGE_NAMES[language], dir, files: (files ?? SPOKEN_KINDS.map((kind) => `${kind}.wav`)).join(', ') })}
          </p>
        );
      })}
    </section>
  );
}
