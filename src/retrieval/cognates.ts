/**
 * Likely Indonesian spellings of an English loanword ("administration" → "administrasi",
 * "capacity" → "kapasitas", "technology" → "teknologi"). Indonesian borrowed much of its modern
 * vocabulary from English and Dutch with regular spelling changes; these rules catch words that no
 * glossary lists. Candidates that are not Indonesian words simply match nothing in the index.
 * Hand-written: no npm library maps English spellings to Indonesian ones.
 */
/** Endings, written as they look after respelling. */
const SUFFIXES: Array<[RegExp, string]> = [
  [/i[sz]ation$/, "isasi"],
  [/ation$/, "asi"],
  [/tional$/, "sional"],
  [/[ts]ion$/, "si"],
  [/ity$/, "itas"],
  [/ism$/, "isme"],
  [/ist$/, "is"],
  [/ical$/, "is"],
  [/iks$/, "ika"],
  [/ive$/, "if"],
  [/sy$/, "si"],
  [/logy$/, "logi"],
  [/grafy$/, "grafi"],
  [/ure$/, "ur"],
  [/y$/, "i"],
];

function respell(word: string): string {
  return word
    .replace(/ph/g, "f")
    .replace(/th/g, "t")
    .replace(/ch/g, "k")
    .replace(/qu/g, "kw")
    .replace(/ou/g, "u")
    .replace(/x/g, "ks")
    .replace(/c(?=[eiy])/g, "s")
    .replace(/c/g, "k")
    .replace(/y(?=[^aeiou]|$)(?!$)/g, "i")
    .replace(/([bdfgklmnprst])\1/g, "$1");
}

export function indonesianCognates(englishWord: string): string[] {
  const word = englishWord.toLowerCase();
  if (word.length < 5 || !/^[a-z]+$/.test(word)) return [];
  let form = respell(word);
  const rule = SUFFIXES.find(([pattern]) => pattern.test(form));
  if (rule) form = form.replace(rule[0], rule[1]);
  return form === word ? [] : [form];
}
