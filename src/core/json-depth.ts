// Nesting depth of untrusted JSON text, measured before JSON.parse so that hostile input cannot
// exhaust the stack of a recursive consumer.

/**
 * The deepest nesting of `[` and `{` outside strings, in one pass without recursion. Stops
 * early (returning a value above `stopAbove`) as soon as that bound is crossed.
 */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
