// Locations: gazetteer places (countries, US states, major cities), capitalized words after
// locative phrases ("in", "from", "city of"), and street addresses built from the street-type
// words of postal conventions (USPS Publication 28 suffixes and their European counterparts),
// house numbers, unit designators (Apt, Suite, PSC/APO boxes) and the town lines that follow.

import type { RawFinding, Recognizer } from "../types.js";
import { MAX_PLACE_WORDS, PLACE_PREFIXES, PLACES } from "./gazetteer.js";
import { firstNameSet } from "./names-data.js";
import {
  adjacent,
  COMMON_WORDS,
  FUNCTION_WORDS,
  isAllCaps,
  isCapitalized,
  MONTH_AND_DAY_WORDS,
  tokenize,
} from "./tokens.js";
import { matches } from "./util.js";

const LOCATIVES: readonly (readonly string[])[] = [
  ["in"],
  ["from"],
  ["near"],
  ["city", "of"],
  ["town", "of"],
  ["village", "of"],
  ["arrived", "at"],
  ["moved", "to"],
  ["live", "in"],
  ["lives", "in"],
  ["born", "in"],
  ["based", "in"],
  ["located", "in"],
  ["travel", "to"],
  ["trip", "to"],
  ["flight", "to"],
  ["visit"],
  ["visiting"],
  ["capital"],
  ["city"],
  ["town"],
  ["flew", "to"],
  ["grew", "up", "in"],
  ["headed", "to"],
  ["returned", "to"],
];

/** The words locative phrases end with: a cheap test before matching whole phrases. */
const LOCATIVE_LAST_WORDS: ReadonlySet<string> = new Set(LOCATIVES.map((p) => p[p.length - 1]));

export const SUFFIXES =
  "Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Square|Sq|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Crescent|Cres|Close|Grove|Gardens|Gdns|Mews|Row|Walk|Hill|Park|Trail|Trl|Pike|Alley|Plaza|Bridge|Pass|Creek|Lodge|Point|Pt|Crossing|Xing|Heights|Hts|tér|utca|út|kapu|View|Ridge|Loop|Path|Green|Common|Quay|Wharf|Rise|Vale|Port|Mall|Manor|Mount|Route|Rte|Estate|Junction|Landing|Meadow|Meadows|Station|Valley|Village|Well|Wells|Knoll|Harbor|Harbour|Haven|Fort|Falls|Ferry|Ford|Forge|Glen|Shoals|Springs|Spur|Summit|Track|Trace|Turnpike|Underpass|Union|Ville|Vista";
const PREFIXES =
  "Rue|Avenue|Avenida|Av|Via|Viale|Vicolo|Calle|Carrer|Camino|Paseo|Rua|Praça|Largo|Travessa|Estrada|Piazza|Plac|Aleja|Al|ul|ulica|Boulevard|Bd|Chaussée|Chemin|Place|Allée|Impasse|Quai|Route|Strada|Corso|Ulica|Trg|Odos|Leoforos|Plateia";
// Compound European street names end in a street word: Hammarvägen, Brixtonlaan, Harjukuja.
const COMPOUND =
  "(?:vägen|gatan|gränd|stigen|torget|straße|strasse|str\\.|gasse|weg|allee|platz|ring|damm|ufer|laan|straat|steeg|plein|dreef|kade|singel|gracht|kuja|tie|katu|polku|kaari|gade|vej|stræde|allé|veien|vegen|gata|gate|utca|iela|tee|tänav|gatve|cesta|ulice|náměstí|út|körút)";
const NAME = "\\p{Lu}[\\p{L}\\p{M}'’.-]{0,30}";
const LOWER_PARTICLE =
  "(?:de|du|des|da|do|dos|das|del|della|di|la|le|les|van|von|der|den|y|e|d'|l')";
const HOUSE = "\\d{1,5}[A-Za-z]?";

/** Words that end a person's name when they follow it (street types, units, organisations). */
export const NON_NAME_FOLLOWERS: ReadonlySet<string> = new Set(
  `${SUFFIXES}|${PREFIXES}|Apt|Suite|Unit|Inc|Ltd|LLC|Corp|Co|Orchestra|Band|Group|Company|Partners|Investments|Associates|Foundation|University|College|School|Hospital|Club|Bank|Street|Streets|Squares|Corporation|Incorporated|Solutions|Resources|Technologies|Systems|Services|Consulting|Holdings|Capital|Insurance|Labs|Media|Global|International|Enterprises|Industries|Software|Health|Healthcare|Analytics|Data|Energy|Motors|Airlines|Pharmaceuticals`
    .toLowerCase()
    .split("|"),
);

const STREET = new RegExp(
  [
    // "74 Sikelianou Street", "363 52 Huntly Street", "22 Talga Court"
    `(?:${HOUSE} ){1,2}(?:${NAME} ){0,3}${NAME} (?:${SUFFIXES})\\.?(?![\\p{L}\\p{N}])`,
    // "Isaac Lodge", "Eriksson Bridge" (no number): name then suffix, at least 2 words
    `(?:${NAME} ){1,2}(?:${SUFFIXES})(?![\\p{L}\\p{N}])`,
    // "Rue de Piétrain 371", "Avenida Otoniel Dutra 1277", "ul. Więckowskiego Stefana 28"
    `(?:${HOUSE} )?(?:${PREFIXES})\\.?(?: (?:${LOWER_PARTICLE} ?|${NAME})){1,4}(?: ${HOUSE})?`,
    // "Hammarvägen 15", "Harjukuja 54", "Brixtonlaan 380"
    `(?:${HOUSE} )?\\p{Lu}[\\p{L}\\p{M}-]{0,30}${COMPOUND}(?![\\p{L}\\p{N}])(?: ${HOUSE})?`,
    // House number, capitalized street name (any script), number: "20789 Allika 46",
    // "10252 Μεγάλη Άμμος 184", "86036 Rua do Arenque 1634", "6076 Piroska u. 97"
    `${HOUSE} \\p{Lu}[\\p{L}\\p{M}'’-]{0,30}(?: (?:${LOWER_PARTICLE}|\\p{L}[\\p{L}\\p{M}'’-]{0,30}\\.?)){0,3} ${HOUSE}(?![\\p{L}\\p{N}]|[.,]\\d)`,
    // "Apt. 931", "Suite 727", "PSC 0272, Box 1651", "APO AA 94530"
    `(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Box|PO Box|P\\.O\\. Box|PSC|Unit|Bldg|Building)\\.? ?#?\\d{1,6}[A-Za-z]?`,
    `(?:APO|FPO|DPO) (?:AA|AE|AP) \\d{5}`,
  ]
    .map((p) => `(?:${p})`)
    .join("|"),
  "gu",
);

// What may follow an address: unit designators ("Apt. 864") after a space, and on the same line
// after a comma or on the next lines, town names (Title or upper case, several words), state or
// country codes and postcodes.
const UNIT =
  "(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Box|Bldg|Building)\\.? ?#?\\d{1,6}[A-Za-z]?";
const PLACE_WORD = `(?:\\p{Lu}[\\p{L}\\p{M}'’∆-]{0,30}\\.?|${LOWER_PARTICLE})`;
const POSTCODE = "\\d{4,5}(?:-\\d{4})?";
const TAIL_UNIT = new RegExp(`^[ \\t]{1,8}${UNIT}(?![\\p{L}\\p{N}])`, "u");
const TAIL_LINE = new RegExp(
  `^(?:[ \\t]{0,8}(?:,[ \\t]{0,8}(?:\\r?\\n[ \\t>]{0,8}){0,2}|(?:\\r?\\n[ \\t>]{0,8}){1,2}(?:,[ \\t]{0,8})?))(?:${UNIT}|${PLACE_WORD}(?: ${PLACE_WORD}){0,3}(?: \\(\\p{L}{1,20}\\))?(?:,? ${POSTCODE})?|${POSTCODE})(?![\\p{L}\\p{N}])`,
  "u",
);

function extendTail(text: string, end: number): number {
  let e = end;
  for (let k = 0; k < 8; k++) {
    const window = text.slice(e, e + 120);
    const m = TAIL_UNIT.exec(window) ?? TAIL_LINE.exec(window);
    if (m === null) break;
    const words = m[0].trim().replace(/^,\s*/, "").split(/\s+/);
    if (words.some((w) => FUNCTION_WORDS.has(w.toLowerCase().replace(/\.$/, "")))) break;
    e += m[0].length;
  }
  return e;
}

function gazetteerFindings(text: string): RawFinding[] {
  const tokens = tokenize(text);
  const names = firstNameSet();
  const out: RawFinding[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (!isCapitalized(t.word) && !isAllCaps(t.word)) {
      i++;
      continue;
    }
    // Longest gazetteer match first.
    let matched = -1;
    let phrase = t.lower;
    for (let j = i; j < tokens.length && j - i < MAX_PLACE_WORDS; j++) {
      if (j > i) {
        if (!adjacent(text, tokens[j - 1], tokens[j])) break;
        phrase += ` ${tokens[j].lower}`;
      }
      if (PLACES.has(phrase)) matched = j;
      if (!PLACE_PREFIXES.has(phrase)) break;
    }
    if (matched >= 0) {
      out.push({
        type: "LOCATION",
        start: t.start,
        end: tokens[matched].end,
        score: 0.75,
        recognizer: "location",
        context: ["in", "from", "city", "country", "town", "live", "address"],
      });
      i = matched + 1;
      continue;
    }
    const introduced =
      i > 0 &&
      LOCATIVE_LAST_WORDS.has(tokens[i - 1].lower) &&
      LOCATIVES.some(
        (p) => i >= p.length && p.every((w, k) => tokens[i - p.length + k].lower === w),
      );
    const plain = (w: string) =>
      !COMMON_WORDS.has(w) && !MONTH_AND_DAY_WORDS.has(w) && !FUNCTION_WORDS.has(w);
    const shaped = isCapitalized(t.word) || isAllCaps(t.word);
    if (introduced && shaped && plain(t.lower) && !names.has(t.lower)) {
      let j = i;
      while (
        j + 1 < tokens.length &&
        j - i < 2 &&
        adjacent(text, tokens[j], tokens[j + 1]) &&
        (isCapitalized(tokens[j + 1].word) || isAllCaps(tokens[j + 1].word)) &&
        plain(tokens[j + 1].lower)
      ) {
        j++;
      }
      out.push({
        type: "LOCATION",
        start: t.start,
        end: tokens[j].end,
        score: 0.5,
        recognizer: "location",
      });
      i = j + 1;
      continue;
    }
    i++;
  }
  return out;
}

export const locationRecognizer: Recognizer = {
  name: "location",
  entities: ["LOCATION"],
  detect(text: string): RawFinding[] {
    const out = gazetteerFindings(text);
    for (const { start, end } of matches(STREET, text, "")) {
      let e = end;
      while (e > start && /[.,\s]/.test(text[e - 1])) e--;
      e = extendTail(text, e);
      out.push({
        type: "LOCATION",
        start,
        end: e,
        score: 0.8,
        recognizer: "address",
        context: ["address", "live", "at", "street", "deliver", "sent", "ship"],
      });
    }
    return out;
  },
};
