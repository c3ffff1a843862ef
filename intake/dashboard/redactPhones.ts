/**
 * Masks what could be a phone number (or any other long number: ID card, bank card) in text a
 * citizen wrote: a run of 7 or more digits, allowing the spaces and dashes people type between
 * groups, full-width digits included. Short numbers ("等了2个小时", "3号窗口") stay readable.
 */
const LONG_NUMBER = /[0-9０-９](?:[\s\-－]*[0-9０-９]){6,}/g;

export function redactPhones(text: string): string {
  return text.replace(LONG_NUMBER, (digits) => '*'.repeat(Math.min(digits.replace(/[\s\-－]/g, '').length, 11)));
}
