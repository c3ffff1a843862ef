import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../contract/hallConfig';
import { useFlow } from '../flow/FlowContext';
import { isElderly } from '../flow/machine';
import { browserVoiceOutput, createSpeaker, type SpokenKind } from '../voice/voicePrompts';

/** Whether elderly mode (适老化) is on for the citizen now, by hall policy or their choice. */
export function useElderly(): boolean {
  return useFlow((s) => (s.context ? isElderly(s.flow, s.context.policies) : s.flow.elderly === true));
}

/** Speaks a prompt in the language showing, when elderly mode is on; silent otherwise. */
export function useSpeak(): (kind: SpokenKind, text: string) => void {
  const elderly = useElderly();
  // Without a device context there is nothing to rate, and nothing to say.
  const voice = useFlow((s) => s.context?.policies.elderly.voice ?? 'off');
  const { i18n } = useTranslation();
  const speaker = useMemo(() => createSpeaker(voice, browserVoiceOutput(window)), [voice]);
  return useCallback(
    (kind: SpokenKind, text: string) => {
      if (elderly) speaker.say(kind, i18n.language as Language, text);
    },
    [elderly, speaker, i18n],
  );
}
