import type { CaseEventKind, CaseInfo, Staff } from '../../contract/caseEvent';
import type { PhoneWindow } from '../../contract/phoneRating';
import { COMMENT_MAX_CHARS, isBadLevel, LEVELS, tagsForLevel } from '../../contract/ratingCodes';
import { LANGUAGE_NAMES, PHONE_LANGUAGES, PHONE_TEXTS, ratingTextsOf, RTL, type PhoneLanguage, type PhoneTexts } from './phoneTexts';

/**
 * The citizen's phone rating page (issue 24): plain HTML that works without script — a form
 * posted to the page's own address — with one small script that shows only the reasons of the
 * chosen level. Everything from data is escaped; Chinese data inside another language is isolated.
 */

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Case data stays in Chinese: marked so, and isolated from the sentence around it. */
const data = (text: string) => `<bdi lang="zh-CN">${escapeHtml(text)}</bdi>`;

function frame(language: PhoneLanguage, title: string, body: string, path: string | null): string {
  const t = PHONE_TEXTS[language];
  const switcher = path
    ? `<nav aria-label="${escapeHtml(t.languageLabel)}"><ul class="langs">${PHONE_LANGUAGES.map((l) =>
        l === language
          ? `<li><span aria-current="true" lang="${l}">${LANGUAGE_NAMES[l]}</span></li>`
          : `<li><a href="${escapeHtml(path)}?lang=${l}" lang="${l}" hreflang="${l}">${LANGUAGE_NAMES[l]}</a></li>`,
      ).join('')}</ul></nav>`
    : '';
  return `<!doctype html>
<html lang="${language}" dir="${RTL.has(language) ? 'rtl' : 'ltr'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · ${escapeHtml(t.title)}</title>
<link rel="stylesheet" href="/phone/phone.css">
</head><body>
<header><p class="brand">${escapeHtml(t.title)}</p>${switcher}</header>
<main>
${body}
</main>
<script src="/phone/phone.js" defer></script>
</body></html>`;
}

export interface FormSubject {
  kind: 'case' | 'window';
  window: PhoneWindow;
  case?: CaseInfo;
  event?: CaseEventKind;
  staff?: Staff;
}

/** The rating form for a case-bound link or a window's QR; `token` is the capability the post carries. */
export function renderRatingForm(language: PhoneLanguage, path: string, subject: FormSubject, token: string): string {
  const t = PHONE_TEXTS[language];
  const names = ratingTextsOf(language);
  const intro = subject.kind === 'case' ? t.caseIntro : t.windowIntro;
  const facts = [
    subject.case ? `<li>${escapeHtml(t.caseLine)}${data(subject.case.taskName)}${subject.event ? ` · ${escapeHtml(t.stage[subject.event])}` : ''}</li>` : '',
    `<li>${escapeHtml(t.windowLine)}${data(subject.window.windowName)}</li>`,
    subject.staff ? `<li>${escapeHtml(t.staffLine)}${data(subject.staff.name)}</li>` : '',
  ].join('');
  const levels = LEVELS.map(
    (level) => `<label class="level"><input type="radio" name="level" value="${level}" required> <span>${escapeHtml(names.level[String(level)] ?? String(level))}</span></label>`,
  ).join('');
  const tagGroups = LEVELS.map((level) => {
    const tags = tagsForLevel(level)
      .map((tag) => {
        const text = (isBadLevel(level) ? names.tagPlain[tag.code] : undefined) ?? names.tag[tag.code] ?? tag.nameZh;
        return `<label class="tag"><input type="checkbox" name="tags" value="${tag.code}"> <span>${escapeHtml(text)}</span></label>`;
      })
      .join('');
    return `<fieldset class="tags" data-level="${level}"><legend>${escapeHtml(names.level[String(level)] ?? '')} · ${escapeHtml(t.tagsLegend)}</legend>${tags}</fieldset>`;
  }).join('');
  const body = `<h1>${escapeHtml(intro)}</h1>
<ul class="facts">${facts}</ul>
<form method="post" action="${escapeHtml(path)}" id="rate">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<input type="hidden" name="lang" value="${language}">
${subject.case ? `<input type="hidden" name="case" value="${escapeHtml(subject.case.projectNo)}">` : ''}
<fieldset class="levels"><legend>${escapeHtml(t.levelLegend)}</legend>${levels}</fieldset>
${tagGroups}
<label class="block" for="comment">${escapeHtml(t.commentLabel)}</label>
<textarea id="comment" name="comment" maxlength="${COMMENT_MAX_CHARS}" rows="3"></textarea>
<label class="check"><input type="checkbox" name="public"> <span>${escapeHtml(t.publicLabel)}</span></label>
<label class="check"><input type="checkbox" name="callback"> <span>${escapeHtml(t.callbackLabel)}</span></label>
<label class="block" for="phone">${escapeHtml(t.phoneLabel)}</label>
<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="20" dir="ltr" aria-describedby="phone-hint">
<p id="phone-hint" class="hint">${escapeHtml(t.phoneHint)}</p>
<button type="submit">${escapeHtml(t.submit)}</button>
</form>`;
  return frame(language, intro, body, path);
}

export function renderThanks(language: PhoneLanguage): string {
  const { thanks } = ratingTextsOf(language);
  return frame(language, thanks.title, `<h1 data-page="thanks">${escapeHtml(thanks.title)}</h1><p>${escapeHtml(thanks.text)}</p>`, null);
}

export type RefusalPage = keyof PhoneTexts['refusal'];

export function renderRefusal(language: PhoneLanguage, refusal: RefusalPage): string {
  const { title, text } = PHONE_TEXTS[language].refusal[refusal];
  return frame(language, title, `<h1 data-refusal="${refusal}">${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`, null);
}

/** The page's style: large targets for a 360 px wide phone, system fonts, contrast ≥ 4.5:1. */
export const PHONE_CSS = `*{box-sizing:border-box}
body{margin:0;font:17px/1.5 system-ui,"Noto Sans CJK SC","Noto Sans Tibetan","Noto Naskh Arabic",sans-serif;color:#1b1b1b;background:#fff}
header{background:#9f1c1c;color:#fff;padding:.5rem 1rem}.brand{margin:0;font-weight:700}
.langs{list-style:none;margin:.25rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .9rem;font-size:.95rem}
.langs a{color:#fff;display:inline-block;min-height:44px;line-height:44px}.langs span{font-weight:700;display:inline-block;min-height:44px;line-height:44px;text-decoration:underline}
main{max-width:32rem;margin:0 auto;padding:.5rem 1rem 2rem}h1{font-size:1.3rem;margin:.75rem 0}
.facts{list-style:none;padding:0;margin:0 0 1rem;color:#333}
fieldset{border:1px solid #bbb;border-radius:8px;margin:0 0 1rem;padding:.5rem .75rem}legend{font-weight:700;padding:0 .25rem}
label.level,label.tag,label.check{display:flex;align-items:center;gap:.5rem;min-height:48px}
input[type=radio],input[type=checkbox]{width:24px;height:24px;flex:none}
label.block{display:block;font-weight:700;margin-top:.5rem}
textarea,input[type=tel]{width:100%;font:inherit;padding:.5rem;border:1px solid #767676;border-radius:6px}
.hint{font-size:.9rem;color:#444;margin:.25rem 0 1rem}
button{width:100%;min-height:52px;font:inherit;font-weight:700;color:#fff;background:#9f1c1c;border:0;border-radius:8px}
.js .tags{display:none}.js .tags.shown{display:block}`;

/**
 * The page's one script: shows the reasons of the chosen level only (and leaves the others out of
 * the post), and the phone field only with a call-back request. The form works without it.
 */
export const PHONE_SCRIPT = `(function(){var f=document.getElementById('rate');if(!f)return;document.documentElement.className='js';
var g=f.querySelectorAll('.tags'),p=document.getElementById('phone'),c=f.elements.namedItem('callback');
function show(){var l=f.elements.namedItem('level').value;for(var i=0;i<g.length;i++){var on=g[i].getAttribute('data-level')===l;g[i].className=on?'tags shown':'tags';g[i].disabled=!on}
p.required=c.checked}
f.addEventListener('change',show);show()})();`;
