import { describe, expect, it } from 'vitest';
import { isBadLevel, RATING_TAGS } from '../../contract/ratingCodes';
import { ALL_RESOURCES } from './allResources';

const BAD_TAGS = RATING_TAGS.filter((tag) => isBadLevel(tag.level));
const HAN = /\p{Script=Han}/u;

describe('words a citizen reads', () => {
  it('every 差评 reason has plain words in every language, not the code table wording', () => {
    for (const [language, resources] of Object.entries(ALL_RESOURCES)) {
      for (const tag of BAD_TAGS) {
        const plain = resources.tagPlain[tag.code];
        expect(plain, `${language} ${tag.code}`).toBeTruthy();
        expect(plain, `${language} ${tag.code}`).not.toBe(resources.tag[tag.code]);
        if (!language.startsWith('zh')) expect(plain, `${language} ${tag.code}`).not.toMatch(HAN);
      }
      expect(Object.keys(resources.tagPlain).sort(), language).toEqual(BAD_TAGS.map((tag) => tag.code).sort());
    }
  });

  it('the Tibetan confirm title quotes the level without Chinese corner brackets', () => {
    expect(ALL_RESOURCES.bo.elderly.confirmTitle).not.toMatch(/[「」]/);
    expect(ALL_RESOURCES.bo.elderly.confirmTitle).toContain('{{level}}');
  });

  it('nothing addressed to staff is among the idle screen words', () => {
    for (const resources of Object.values(ALL_RESOURCES)) {
      const idleWords = Object.values(resources.idle);
      for (const staffOnly of [resources.admin.logout, resources.admin.staffNone, resources.admin.staffLoginHint]) expect(idleWords).not.toContain(staffOnly);
    }
  });
});
