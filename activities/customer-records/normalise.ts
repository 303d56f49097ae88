// Comparing what the new retailer typed with what we hold: the same name is written with
// full-width or half-width letters, with or without spaces, in hiragana or katakana, and an
// address as 3丁目6番16号 or ３－６－１６. Normalise both sides the same way, then compare.

const SPACES = /[\s\u3000]+/gu;
// Hyphen look-alikes between digits (ー is also the long vowel, so only between digits).
const DIGIT_DASH = /(?<=\d)[‐‑‒–—―−ー－-](?=\d)/gu;

function base(s: string): string {
  return s.normalize('NFKC').replace(SPACES, '').toUpperCase();
}

/** Hiragana → katakana, so ふりがな and フリガナ compare equal. */
function toKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

export function normaliseName(s: string): string {
  return base(s);
}

export function normaliseKana(s: string): string {
  return toKatakana(base(s)).replace(/[・]/gu, '');
}

export function normaliseAddress(s: string): string {
  return base(s)
    .replace(DIGIT_DASH, '-')
    .replace(/(\d+)丁目/gu, '$1-')
    .replace(/(\d+)番地?/gu, '$1-')
    .replace(/(\d+)号/gu, '$1')
    .replace(/-+$/u, '')
    .replace(/-{2,}/gu, '-');
}
