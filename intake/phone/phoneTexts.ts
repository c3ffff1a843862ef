import { CITIZEN_LANGUAGES, RATING_TEXTS, RIGHT_TO_LEFT, type CitizenLanguage } from '../../contract/ratingTexts';
import type { PhoneRefusal } from './phoneRatings';

/** The PAD's languages: their names, direction, level and tag texts and thanks are contract/ratingTexts.ts's. */
export const PHONE_LANGUAGES = CITIZEN_LANGUAGES;
export type PhoneLanguage = CitizenLanguage;
export { LANGUAGE_NAMES } from '../../contract/ratingTexts';
export const RTL = RIGHT_TO_LEFT;

export interface PhoneTexts {
  title: string;
  caseIntro: string;
  windowIntro: string;
  caseLine: string;
  stage: { accepted: string; closed: string };
  windowLine: string;
  staffLine: string;
  levelLegend: string;
  tagsLegend: string;
  commentLabel: string;
  publicLabel: string;
  callbackLabel: string;
  phoneLabel: string;
  phoneHint: string;
  submit: string;
  languageLabel: string;
  refusal: Record<PhoneRefusal | 'rate-limited' | 'cross-site', { title: string; text: string }>;
}

const zhCN: PhoneTexts = {
  title: '政务服务好差评',
  caseIntro: '请您对本次办件进行评价（仅可评价一次）',
  windowIntro: '请您对本窗口的服务进行评价',
  caseLine: '办件：',
  stage: { accepted: '受理', closed: '办结' },
  windowLine: '窗口：',
  staffLine: '工作人员：',
  levelLegend: '您的评价',
  tagsLegend: '原因（可多选，选填）',
  commentLabel: '意见或建议（选填）',
  publicLabel: '允许公开我的评价内容',
  callbackLabel: '我希望工作人员回访我',
  phoneLabel: '联系电话（仅在希望回访时填写）',
  phoneHint: '号码加密保存，只用于回访',
  submit: '提交评价',
  languageLabel: '语言',
  refusal: {
    forged: { title: '评价链接无效', text: '这个链接不完整或已被改动。请重新扫描评价器上的二维码，或使用短信中的完整链接。' },
    expired: { title: '评价链接已过期', text: '这个链接已超过有效期。您可以扫描窗口张贴的二维码评价窗口服务。' },
    used: { title: '这个链接已使用过', text: '每个链接只能评价一次，您的评价已经收到。' },
    'other-case': { title: '链接与办件不符', text: '这个链接属于另一件办件，未保存任何内容。请使用该办件自己的链接。' },
    'already-rated': { title: '本次办件已评价', text: '本次办件的这个环节已经有评价，每个环节只能评价一次。感谢您的参与！' },
    'unknown-window': { title: '未找到该窗口', text: '这个二维码对应的窗口不在本平台。请向大厅工作人员咨询。' },
    invalid: { title: '评价内容有误', text: '请返回检查：原因要与所选评价相符，意见不超过 150 字，希望回访时请填写正确的电话号码。' },
    'rate-limited': { title: '提交太频繁', text: '请稍后再试。' },
    'cross-site': { title: '请在评价页面内提交', text: '这次提交不是来自评价页面，未保存任何内容。' },
  },
};

const zhTW: PhoneTexts = {
  title: '政務服務好差評',
  caseIntro: '請您對本次辦件進行評價（僅可評價一次）',
  windowIntro: '請您對本窗口的服務進行評價',
  caseLine: '辦件：',
  stage: { accepted: '受理', closed: '辦結' },
  windowLine: '窗口：',
  staffLine: '工作人員：',
  levelLegend: '您的評價',
  tagsLegend: '原因（可多選，選填）',
  commentLabel: '意見或建議（選填）',
  publicLabel: '允許公開我的評價內容',
  callbackLabel: '我希望工作人員回訪我',
  phoneLabel: '聯絡電話（僅在希望回訪時填寫）',
  phoneHint: '號碼加密保存，只用於回訪',
  submit: '提交評價',
  languageLabel: '語言',
  refusal: {
    forged: { title: '評價連結無效', text: '這個連結不完整或已被改動。請重新掃描評價器上的二維碼，或使用簡訊中的完整連結。' },
    expired: { title: '評價連結已過期', text: '這個連結已超過有效期。您可以掃描窗口張貼的二維碼評價窗口服務。' },
    used: { title: '這個連結已使用過', text: '每個連結只能評價一次，您的評價已經收到。' },
    'other-case': { title: '連結與辦件不符', text: '這個連結屬於另一件辦件，未儲存任何內容。請使用該辦件自己的連結。' },
    'already-rated': { title: '本次辦件已評價', text: '本次辦件的這個環節已經有評價，每個環節只能評價一次。感謝您的參與！' },
    'unknown-window': { title: '未找到該窗口', text: '這個二維碼對應的窗口不在本平台。請向大廳工作人員諮詢。' },
    invalid: { title: '評價內容有誤', text: '請返回檢查：原因要與所選評價相符，意見不超過 150 字，希望回訪時請填寫正確的電話號碼。' },
    'rate-limited': { title: '提交太頻繁', text: '請稍後再試。' },
    'cross-site': { title: '請在評價頁面內提交', text: '這次提交不是來自評價頁面，未儲存任何內容。' },
  },
};

const en: PhoneTexts = {
  title: 'Government Service Rating',
  caseIntro: 'Please rate this case (one rating only)',
  windowIntro: "Please rate this window's service",
  caseLine: 'Case: ',
  stage: { accepted: 'accepted', closed: 'completed' },
  windowLine: 'Window: ',
  staffLine: 'Staff: ',
  levelLegend: 'Your rating',
  tagsLegend: 'Reasons (optional, choose any)',
  commentLabel: 'Comments or suggestions (optional)',
  publicLabel: 'My comments may be made public',
  callbackLabel: 'I would like a call back',
  phoneLabel: 'Phone number (only for a call back)',
  phoneHint: 'Stored encrypted, used only to call you back',
  submit: 'Submit rating',
  languageLabel: 'Language',
  refusal: {
    forged: { title: 'This rating link is not valid', text: 'The link is incomplete or was changed. Scan the QR code on the evaluator again, or use the whole link from the text message.' },
    expired: { title: 'This rating link has expired', text: "The link's time has run out. You can rate the window's service with the QR code posted at the window." },
    used: { title: 'This link was used already', text: 'Each link rates once, and your rating has been received.' },
    'other-case': { title: 'The link does not match the case', text: "This link belongs to another case; nothing was saved. Please use that case's own link." },
    'already-rated': { title: 'This case has been rated', text: 'This step of the case already has a rating, and each step is rated once. Thank you!' },
    'unknown-window': { title: 'Window not found', text: 'The window of this QR code is not on this platform. Please ask the hall staff.' },
    invalid: { title: 'Please check your rating', text: 'Go back and check: reasons must match the rating, comments up to 150 characters, and a valid phone number for a call back.' },
    'rate-limited': { title: 'Too many submissions', text: 'Please try again later.' },
    'cross-site': { title: 'Please submit from the rating page', text: 'This submission did not come from the rating page; nothing was saved.' },
  },
};

const ug: PhoneTexts = {
  title: 'ھۆكۈمەت مۇلازىمىتىنى باھالاش',
  caseIntro: 'بۇ قېتىملىق ئىشنى باھالاڭ (پەقەت بىر قېتىم)',
  windowIntro: 'بۇ كۆزنەكنىڭ مۇلازىمىتىنى باھالاڭ',
  caseLine: 'ئىش: ',
  stage: { accepted: 'قوبۇل قىلىندى', closed: 'تاماملاندى' },
  windowLine: 'كۆزنەك: ',
  staffLine: 'خادىم: ',
  levelLegend: 'باھايىڭىز',
  tagsLegend: 'سەۋەبلەر (ئىختىيارىي، بىر نەچچىنى تاللىسىڭىز بولىدۇ)',
  commentLabel: 'پىكىر ياكى تەكلىپ (ئىختىيارىي)',
  publicLabel: 'پىكرىمنى ئاشكارىلاشقا قوشۇلىمەن',
  callbackLabel: 'خادىملارنىڭ ماڭا تېلېفون قىلىشىنى ئۈمىد قىلىمەن',
  phoneLabel: 'تېلېفون نومۇرى (پەقەت قايتا تېلېفون ئۈچۈن)',
  phoneHint: 'نومۇر شىفىرلىنىپ ساقلىنىدۇ، پەقەت قايتا تېلېفون ئۈچۈن ئىشلىتىلىدۇ',
  submit: 'باھانى يوللاش',
  languageLabel: 'تىل',
  refusal: {
    forged: { title: 'باھالاش ئۇلانمىسى ئىناۋەتسىز', text: 'ئۇلانما تولۇق ئەمەس ياكى ئۆزگەرتىلگەن. باھالىغۇچتىكى QR كودىنى قايتا سايىلەڭ ياكى قىسقا ئۇچۇردىكى تولۇق ئۇلانمىنى ئىشلىتىڭ.' },
    expired: { title: 'باھالاش ئۇلانمىسىنىڭ ۋاقتى ئۆتتى', text: 'ئۇلانمىنىڭ ئىناۋەتلىك ۋاقتى ئۆتۈپ كەتتى. كۆزنەكتىكى QR كودى ئارقىلىق كۆزنەك مۇلازىمىتىنى باھالىسىڭىز بولىدۇ.' },
    used: { title: 'بۇ ئۇلانما ئىشلىتىلگەن', text: 'ھەر بىر ئۇلانما پەقەت بىر قېتىم باھالايدۇ، باھايىڭىز تاپشۇرۇۋېلىندى.' },
    'other-case': { title: 'ئۇلانما ئىشقا ماس ئەمەس', text: 'بۇ ئۇلانما باشقا بىر ئىشقا تەۋە، ھېچنېمە ساقلانمىدى. شۇ ئىشنىڭ ئۆز ئۇلانمىسىنى ئىشلىتىڭ.' },
    'already-rated': { title: 'بۇ ئىش باھالانغان', text: 'بۇ ئىشنىڭ بۇ باسقۇچى باھالانغان، ھەر بىر باسقۇچ پەقەت بىر قېتىم باھالىنىدۇ. رەھمەت!' },
    'unknown-window': { title: 'كۆزنەك تېپىلمىدى', text: 'بۇ QR كودىنىڭ كۆزنىكى بۇ سۇپىدا يوق. زال خادىملىرىدىن سوراڭ.' },
    invalid: { title: 'باھا مەزمۇنىنى تەكشۈرۈڭ', text: 'قايتىپ تەكشۈرۈڭ: سەۋەب تاللىغان باھاغا ماس بولسۇن، پىكىر 150 ھەرپتىن ئاشمىسۇن، قايتا تېلېفون ئۈچۈن توغرا نومۇر كىرگۈزۈڭ.' },
    'rate-limited': { title: 'بەك كۆپ يوللاندى', text: 'سەل تۇرۇپ قايتا سىناڭ.' },
    'cross-site': { title: 'باھالاش بېتىدىن يوللاڭ', text: 'بۇ يوللاش باھالاش بېتىدىن كەلمىدى، ھېچنېمە ساقلانمىدى.' },
  },
};

const bo: PhoneTexts = {
  title: 'སྲིད་གཞུང་ཞབས་ཞུའི་ལེགས་ཉེས་དཔྱད་བརྗོད།',
  caseIntro: 'ལས་དོན་འདིར་དཔྱད་བརྗོད་གནང་རོགས། (ཐེངས་གཅིག་ཁོ་ན།)',
  windowIntro: 'སྒེའུ་ཁུང་འདིའི་ཞབས་ཞུར་དཔྱད་བརྗོད་གནང་རོགས།',
  caseLine: 'ལས་དོན། ',
  stage: { accepted: 'ལེན་པ།', closed: 'ལེགས་གྲུབ།' },
  windowLine: 'སྒེའུ་ཁུང་། ',
  staffLine: 'ལས་བྱེད་པ། ',
  levelLegend: 'ཁྱེད་ཀྱི་དཔྱད་བརྗོད།',
  tagsLegend: 'རྒྱུ་མཚན། (རང་མོས། མང་པོ་འདེམས་ཆོག)',
  commentLabel: 'བསམ་ཚུལ་ལམ་གྲོས་འཆར། (རང་མོས།)',
  publicLabel: 'ངའི་བསམ་ཚུལ་ཁྱབ་བསྒྲགས་བྱེད་ཆོག',
  callbackLabel: 'ལས་བྱེད་པས་ང་ལ་ཁ་པར་བཏང་ན་འདོད།',
  phoneLabel: 'ཁ་པར་ཨང་གྲངས། (ཁ་པར་ཕྱིར་བཏང་བར་མ་ཟད།)',
  phoneHint: 'ཨང་གྲངས་གསང་སྡོམ་ངང་ཉར་ཞིང་། ཁ་པར་ཕྱིར་གཏོང་བར་ཁོ་ན་བེད་སྤྱོད་བྱེད།',
  submit: 'དཔྱད་བརྗོད་འབུལ།',
  languageLabel: 'སྐད་ཡིག',
  refusal: {
    forged: { title: 'དཔྱད་བརྗོད་སྦྲེལ་ཐག་ནུས་མེད།', text: 'སྦྲེལ་ཐག་ཆ་ཚང་མེད་པའམ་བཟོ་བཅོས་བྱས་ཡོད། དཔྱད་བརྗོད་ཡོ་ཆས་སྟེང་གི་ཨང་རྟགས་ཡང་བསྐྱར་ཞིབ་བཤེར་གནང་རོགས།' },
    expired: { title: 'དཔྱད་བརྗོད་སྦྲེལ་ཐག་དུས་ཚོད་འདས་ཟིན།', text: 'སྦྲེལ་ཐག་གི་ནུས་ལྡན་དུས་ཚོད་འདས་ཟིན། སྒེའུ་ཁུང་གི་ཨང་རྟགས་ཀྱིས་སྒེའུ་ཁུང་གི་ཞབས་ཞུར་དཔྱད་བརྗོད་བྱེད་ཆོག' },
    used: { title: 'སྦྲེལ་ཐག་འདི་བེད་སྤྱོད་བྱས་ཟིན།', text: 'སྦྲེལ་ཐག་རེ་རེས་ཐེངས་གཅིག་ཁོ་ན་དཔྱད་བརྗོད་བྱེད་ཆོག ཁྱེད་ཀྱི་དཔྱད་བརྗོད་འབྱོར་ཟིན།' },
    'other-case': { title: 'སྦྲེལ་ཐག་ལས་དོན་དང་མི་མཐུན།', text: 'སྦྲེལ་ཐག་འདི་ལས་དོན་གཞན་ཞིག་གི་ཡིན། ཅི་ཡང་ཉར་ཚགས་བྱས་མེད།' },
    'already-rated': { title: 'ལས་དོན་འདིར་དཔྱད་བརྗོད་བྱས་ཟིན།', text: 'ལས་དོན་འདིའི་རིམ་པ་འདིར་དཔྱད་བརྗོད་བྱས་ཟིན། རིམ་པ་རེར་ཐེངས་གཅིག་ཁོ་ན། ཐུགས་རྗེ་ཆེ།' },
    'unknown-window': { title: 'སྒེའུ་ཁུང་རྙེད་མ་བྱུང་།', text: 'ཨང་རྟགས་འདིའི་སྒེའུ་ཁུང་སྟེགས་བུ་འདིར་མེད། ཚོམ་ཆེན་གྱི་ལས་བྱེད་པར་འདྲི་རོགས།' },
    invalid: { title: 'དཔྱད་བརྗོད་ཞིབ་བཤེར་གནང་རོགས།', text: 'རྒྱུ་མཚན་དཔྱད་བརྗོད་དང་མཐུན་དགོས། བསམ་ཚུལ་ཡིག་འབྲུ་ 150 ལས་མི་བརྒལ་བ། ཁ་པར་ཨང་གྲངས་ཡང་དག་པ་འཇུག་རོགས།' },
    'rate-limited': { title: 'འབུལ་ཐེངས་མང་དྲགས།', text: 'ཏོག་ཙམ་ནས་ཡང་བསྐྱར་ཚོད་ལྟ་གནང་རོགས།' },
    'cross-site': { title: 'དཔྱད་བརྗོད་ཤོག་ངོས་ནས་འབུལ་རོགས།', text: 'འབུལ་བ་འདི་དཔྱད་བརྗོད་ཤོག་ངོས་ནས་ཡོང་མེད། ཅི་ཡང་ཉར་ཚགས་བྱས་མེད།' },
  },
};

export const PHONE_TEXTS: Record<PhoneLanguage, PhoneTexts> = { 'zh-CN': zhCN, 'zh-TW': zhTW, en, ug, bo };

/** The level and tag names in a language (the same table as the PAD's). */
export const ratingTextsOf = (language: PhoneLanguage) => RATING_TEXTS[language];

/** The page language: an explicit choice, else the browser's first language we speak, else Chinese. */
export function pickLanguage(chosen: string | undefined, acceptLanguage: string | undefined): PhoneLanguage {
  const known = (tag: string): PhoneLanguage | undefined => {
    const lower = tag.trim().toLowerCase();
    if (lower === 'zh-tw' || lower === 'zh-hk' || lower === 'zh-hant' || lower.startsWith('zh-hant')) return 'zh-TW';
    if (lower.startsWith('zh')) return 'zh-CN';
    return PHONE_LANGUAGES.find((l) => lower === l || lower.startsWith(`${l}-`));
  };
  if (chosen) {
    const picked = known(chosen);
    if (picked) return picked;
  }
  for (const part of (acceptLanguage ?? '').split(',')) {
    const picked = known(part.split(';')[0] ?? '');
    if (picked) return picked;
  }
  return 'zh-CN';
}
