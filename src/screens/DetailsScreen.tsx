import { useTranslation } from 'react-i18next';
import { Countdown } from '../components/Countdown';
import { ScreenHeading } from '../components/ScreenHeading';
import { COMMENT_MAX_CHARS, tagsForLevel } from '../../contract/ratingCodes';
import type { DetailsDraft } from '../flow/machine';
import { useFlow } from '../flow/FlowContext';

/** For 不满意 / 非常不满意: reasons, a comment, publication and callback choices. */
export function DetailsScreen({ draft, inputArmed, deadlineMs }: { draft: DetailsDraft; inputArmed: boolean; deadlineMs: number }) {
  const { t } = useTranslation();
  const send = useFlow((s) => s.send);
  // A phone number is only asked for when it can be sealed to the intake at once.
  const canSealPhone = useFlow((s) => Boolean(s.context?.intake?.sealingPublicKey ?? s.sealingKey));
  const tags = tagsForLevel(draft.level);
  const levelName = t(`level.${draft.level}`);
  return (
    <main className="screen details-screen" data-screen="details">
      <header className="details-header">
        <ScreenHeading>{t('details.title')}</ScreenHeading>
        <p className={`chosen-level level-${draft.level}`}>
          {/* No replay here: a level's name, or this screen's title, said aloud tells the counter a 差评 was given. */}
          {t('details.chosen', { level: levelName })}
        </p>
        <Countdown deadlineMs={deadlineMs} textKey="countdown.details" />
      </header>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          send({ type: 'SUBMIT' });
        }}
      >
        {/* Disabled for a moment after the press, so a mashed button cannot tick reasons. */}
        <fieldset className="details-fields" disabled={!inputArmed}>
        <fieldset className="tags">
          <legend>{t('details.tagsLabel')}</legend>
          {tags.map((tag) => (
            <button
              key={tag.code}
              type="button"
              className="tag"
              data-tag={tag.code}
              aria-pressed={draft.tags.includes(tag.code)}
              onClick={() => send({ type: 'TOGGLE_TAG', code: tag.code })}
            >
              {/* Plain words for the citizen; the national code (data-tag) is what is recorded. */}
              {t(`tagPlain.${tag.code}`, { defaultValue: t(`tag.${tag.code}`) })}
            </button>
          ))}
        </fieldset>
        {/* Beside the reasons on a landscape display, below them in portrait: everything fits one screen. */}
        <div className="details-side">
        <label className="comment">
          <span>{t('details.commentLabel')}</span>
          <textarea
            value={draft.comment}
            maxLength={COMMENT_MAX_CHARS}
            rows={3}
            placeholder={t('details.commentPlaceholder')}
            onChange={(event) => send({ type: 'SET_COMMENT', text: event.target.value })}
          />
          <span className="comment-count">
            {t('details.commentCount', { count: Array.from(draft.comment).length, max: COMMENT_MAX_CHARS })}
          </span>
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.isPublic} onChange={(e) => send({ type: 'SET_PUBLIC', value: e.target.checked })} />
          <span>{t('details.publicLabel')}</span>
        </label>
        {canSealPhone && (
        <label className="check">
          <input
            type="checkbox"
            checked={draft.callbackRequested}
            onChange={(e) => send({ type: 'SET_CALLBACK', value: e.target.checked })}
          />
          <span>{t('details.callbackLabel')}</span>
        </label>
        )}
        {draft.callbackRequested && (
          <label className="phone">
            <span>{t('details.phoneLabel')}</span>
            <input
              type="tel"
              inputMode="tel"
              autoComplete="off"
              value={draft.phone}
              aria-invalid={draft.phoneInvalid}
              aria-describedby={draft.phoneInvalid ? 'phone-error' : undefined}
              onChange={(e) => send({ type: 'SET_PHONE', value: e.target.value })}
            />
            {draft.phoneInvalid && (
              <span id="phone-error" className="field-error" role="alert">
                {t('details.phoneInvalid')}
              </span>
            )}
          </label>
        )}
        <div className="details-actions">
          <button type="button" className="secondary" onClick={() => send({ type: 'BACK' })}>
            {t('details.back')}
          </button>
          <button type="submit" className="primary">
            {t('details.submit')}
          </button>
        </div>
        </div>
        </fieldset>
      </form>
    </main>
  );
}
