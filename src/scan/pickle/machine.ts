// Symbolic pickle machine (protocols 0-5), after CPython Lib/pickle.py `_Unpickler` and
// Lib/pickletools.py: it runs every opcode on symbolic values, never importing or calling.
import { HIGHEST_PROTOCOL, OPCODES } from "./opcodes.js";
import {
  decodeLatin1,
  decodeRawUnicodeEscape,
  decodeStringLiteral,
  decodeUtf8,
} from "./strings.js";
import {
  callText,
  DEFAULT_PICKLE_LIMITS,
  type PickleCall,
  type PickleImport,
  type PickleLimits,
  type PickleMutation,
  type PickleStatus,
  type PickleTrace,
} from "./trace.js";

/** Symbolic values: enough to name what is imported and called, nothing more. */
type Sym =
  | { readonly t: "str"; readonly v: string | undefined } // undefined: too long to keep
  // A string still as its bytes: most strings (dict keys) are never used as names, so they are
  // decoded only if they are.
  | { readonly t: "raw"; readonly p: number; readonly n: number; readonly latin1: boolean }
  | { readonly t: "scalar"; readonly d: string }
  | { readonly t: "tuple"; readonly items: readonly Sym[]; readonly n: number }
  | { readonly t: "coll"; readonly d: string }
  | { readonly t: "global"; readonly i: number }
  | { readonly t: "call"; readonly i: number }
  | { readonly t: "pid" };

/** Strings longer than this are kept only as their length (names are short). */
const MAX_KEPT_STRING = 1024;
const MAX_TUPLE_ITEMS_KEPT = 8;
const MAX_DESCRIPTION = 240;
/** Memo indices below this live in an array (filled in order by MEMOIZE and BINPUT). */
const MAX_DENSE_MEMO = 1 << 22;

// Shared values for the common scalars: no allocation per opcode.
const NONE: Sym = { t: "scalar", d: "None" };
const TRUE: Sym = { t: "scalar", d: "True" };
const FALSE: Sym = { t: "scalar", d: "False" };
const FLOAT: Sym = { t: "scalar", d: "<float>" };
const INT: Sym = { t: "scalar", d: "<int>" };
const BYTES: Sym = { t: "scalar", d: "<bytes>" };
const BYTEARRAY: Sym = { t: "scalar", d: "<bytearray>" };
const BUFFER: Sym = { t: "scalar", d: "<out-of-band buffer>" };
const LIST: Sym = { t: "coll", d: "[...]" };
const DICT: Sym = { t: "coll", d: "{...}" };
const SET: Sym = { t: "coll", d: "set(...)" };
const FROZENSET: Sym = { t: "coll", d: "frozenset(...)" };
const PID: Sym = { t: "pid" };
const EMPTY_TUPLE: Sym = { t: "tuple", items: [], n: 0 };
/** Small ints as shared values too (BININT1 and friends are everywhere in real pickles). */
const SMALL_INTS: readonly Sym[] = Array.from({ length: 256 }, (_, i) => ({
  t: "scalar",
  d: String(i),
}));

/** Limits merged with the defaults, once per limits object (a scan traces thousands of pickles). */
const mergedLimits = new WeakMap<Partial<PickleLimits>, PickleLimits>();

function withDefaults(limits: Partial<PickleLimits>): PickleLimits {
  let merged = mergedLimits.get(limits);
  if (merged === undefined) {
    merged = { ...DEFAULT_PICKLE_LIMITS, ...limits };
    mergedLimits.set(limits, merged);
  }
  return merged;
}

const isAsciiSpace = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/**
 * A protocol 0 integer line (PUT, GET): Python's int() of the bytes, i.e. an optional sign and
 * decimal digits within ASCII whitespace; undefined when it is not one.
 */
function parseIntLine(line: Uint8Array): number | undefined {
  let i = 0;
  let j = line.length;
  while (i < j && isAsciiSpace(line[i])) i++;
  while (j > i && isAsciiSpace(line[j - 1])) j--;
  const negative = line[i] === 0x2d;
  if (negative || line[i] === 0x2b) i++;
  if (i === j) return undefined;
  let value = 0;
  for (; i < j; i++) {
    const d = line[i] - 0x30;
    if (d < 0 || d > 9) return undefined;
    value = value * 10 + d;
  }
  return negative ? -value : value;
}

class Stop extends Error {
  constructor(
    readonly kind: "truncated" | "malformed" | "limit",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads one pickle starting at `start` (through its STOP opcode) and returns what it imports,
 * calls and mutates. Never throws for bad input: the trace's `status` says how it ended, and
 * everything seen before a failure is kept (a real unpickler has already run it by then).
 */
export function tracePickle(
  bytes: Uint8Array,
  start = 0,
  limits: Partial<PickleLimits> = DEFAULT_PICKLE_LIMITS,
): PickleTrace {
  const lim = withDefaults(limits);
  const end = Math.min(bytes.length, start + lim.maxBytes);
  const imports: PickleImport[] = [];
  const calls: PickleCall[] = [];
  const mutations: PickleMutation[] = [];
  // Memo: a dense array for the usual small indices, a Map for sparse huge ones.
  const memoDense: (Sym | undefined)[] = [];
  let memoSparse: Map<number, Sym> | undefined;
  let memoCount = 0;
  let stack: Sym[] = [];
  const metastack: Sym[][] = [];
  let metaItems = 0;
  let pos = start;
  let opIndex = -1;
  let opOffset = start;
  let opName = "";
  let protocol = 0;
  let persistentIds = 0;
  let stopped = false;
  const began = Date.now();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const need = (n: number): number => {
    if (n > end - pos) {
      throw new Stop(
        end < bytes.length ? "limit" : "truncated",
        `${opName} needs ${n} bytes at offset ${pos}, ${end - pos} left`,
      );
    }
    const p = pos;
    pos += n;
    return p;
  };
  const readLine = (): Uint8Array => {
    const limit = Math.min(end, pos + lim.maxLineBytes + 1);
    // A newline past the limit fails below anyway, so the search needs no bounded view.
    const i = bytes.indexOf(0x0a, pos);
    if (i >= 0 && i < limit) {
      const line = bytes.subarray(pos, i);
      pos = i + 1;
      return line;
    }
    if (limit === end) {
      const kind = end < bytes.length ? "limit" : "truncated";
      throw new Stop(kind, `${opName}: no newline before end of data`);
    }
    throw new Stop("limit", `${opName}: line longer than ${lim.maxLineBytes} bytes`);
  };
  const push = (v: Sym): void => {
    if (stack.length + metaItems + metastack.length >= lim.maxStackDepth) {
      throw new Stop("limit", `stack deeper than ${lim.maxStackDepth}`);
    }
    stack.push(v);
  };
  const pop = (): Sym => {
    const v = stack.pop();
    if (v === undefined) throw new Stop("malformed", `${opName}: stack underflow`);
    return v;
  };
  const top = (): Sym => {
    const v = stack[stack.length - 1];
    if (v === undefined) throw new Stop("malformed", `${opName}: stack underflow`);
    return v;
  };
  const popMark = (): Sym[] => {
    const items = stack;
    const prev = metastack.pop();
    if (prev === undefined) throw new Stop("malformed", `${opName}: no MARK on the stack`);
    metaItems -= prev.length;
    stack = prev;
    return items;
  };
  const str = (p: number, n: number, latin1: boolean): Sym =>
    n > MAX_KEPT_STRING ? { t: "str", v: undefined } : { t: "raw", p, n, latin1 };
  const text = (v: Sym & { t: "raw" }): string => {
    const raw = bytes.subarray(v.p, v.p + v.n);
    return v.latin1 ? decodeLatin1(raw) : decodeUtf8(raw);
  };
  const tuple = (items: Sym[]): Sym => ({
    t: "tuple",
    items: items.length <= MAX_TUPLE_ITEMS_KEPT ? items : items.slice(0, MAX_TUPLE_ITEMS_KEPT),
    n: items.length,
  });
  const memoPut = (index: number, v: Sym): void => {
    if (index < 0) throw new Stop("malformed", `${opName}: negative memo index`);
    const dense = index < MAX_DENSE_MEMO;
    const had = dense ? memoDense[index] !== undefined : memoSparse?.has(index) === true;
    if (!had) {
      if (memoCount >= lim.maxMemo)
        throw new Stop("limit", `memo larger than ${lim.maxMemo} entries`);
      memoCount += 1;
    }
    if (dense) {
      while (memoDense.length < index) memoDense.push(undefined);
      memoDense[index] = v;
    } else {
      memoSparse ??= new Map();
      memoSparse.set(index, v);
    }
  };
  const memoGet = (index: number): Sym => {
    const v = index < MAX_DENSE_MEMO ? memoDense[index] : memoSparse?.get(index);
    if (v === undefined) throw new Stop("malformed", `${opName}: memo key ${index} not found`);
    return v;
  };
  const lineInt = (line: Uint8Array): number => {
    const value = parseIntLine(line);
    if (value === undefined) {
      const text = decodeLatin1(line.subarray(0, 40));
      throw new Stop("malformed", `${opName}: bad integer "${text}"`);
    }
    return value;
  };
  const addImport = (module: string, name: string, resolved: boolean, note?: string): Sym => {
    imports.push({ module, name, resolved, opcode: opName, offset: opOffset, opIndex, note });
    return { t: "global", i: imports.length - 1 };
  };
  const addCall = (callee: Sym, args: Sym): Sym => {
    calls.push({
      callee: describe(callee),
      importIndex: callee.t === "global" ? callee.i : undefined,
      args: describe(args),
      opcode: opName,
      offset: opOffset,
      opIndex,
    });
    return { t: "call", i: calls.length - 1 };
  };
  const mutate = (target: Sym, what: string): void => {
    if (target.t === "global") {
      mutations.push({
        target: describe(target),
        importIndex: target.i,
        what,
        opcode: opName,
        offset: opOffset,
        opIndex,
      });
    }
  };
  const describe = (v: Sym, depth = 0): string => {
    const d = describeInner(v, depth);
    return d.length > MAX_DESCRIPTION ? `${d.slice(0, MAX_DESCRIPTION - 3)}...` : d;
  };
  const describeInner = (v: Sym, depth: number): string => {
    if (depth > 4) return "...";
    switch (v.t) {
      case "str":
        return v.v === undefined ? "<long str>" : JSON.stringify(v.v.slice(0, 80));
      case "raw":
        return JSON.stringify(text(v).slice(0, 80));
      case "scalar":
        return v.d;
      case "coll":
        return v.d;
      case "pid":
        return "<persistent id>";
      case "tuple": {
        const parts = v.items.map((x) => describe(x, depth + 1));
        if (v.n > v.items.length) parts.push(`... ${v.n - v.items.length} more`);
        return `(${parts.join(", ")}${v.n === 1 ? "," : ""})`;
      }
      case "global": {
        const g = imports[v.i];
        return g.resolved ? `${g.module}.${g.name}` : `<${g.note ?? "unresolved import"}>`;
      }
      case "call": {
        const c = calls[v.i];
        return callText(c.callee, c.args);
      }
    }
  };
  const asName = (v: Sym): string | undefined =>
    v.t === "str" ? v.v : v.t === "raw" ? text(v) : undefined;

  let status: PickleStatus = { kind: "complete" };
  try {
    while (!stopped) {
      if (pos >= end) {
        throw new Stop(
          end < bytes.length ? "limit" : "truncated",
          `no STOP opcode before ${end < bytes.length ? "the byte limit" : "end of data"}`,
        );
      }
      opIndex += 1;
      if (opIndex >= lim.maxOps) throw new Stop("limit", `more than ${lim.maxOps} opcodes`);
      if ((opIndex & 0xfff) === 0 && Date.now() - began > lim.maxTimeMs) {
        throw new Stop("limit", `parsing took longer than ${lim.maxTimeMs} ms`);
      }
      opOffset = pos;
      const code = bytes[pos];
      const info = OPCODES[code];
      if (info === undefined) {
        opName = `0x${code.toString(16).padStart(2, "0")}`;
        throw new Stop("malformed", `invalid opcode 0x${code.toString(16)} at offset ${pos}`);
      }
      opName = info.name;
      pos += 1;
      switch (code) {
        // --- scalars -------------------------------------------------------------------
        case 0x49: // INT
        case 0x4c: {
          // LONG
          const text = decodeLatin1(readLine()).trim();
          if (!/^[+-]?\d+L?$/.test(text)) {
            throw new Stop("malformed", `${opName}: bad integer "${text.slice(0, 40)}"`);
          }
          push({ t: "scalar", d: text.replace(/L$/, "") });
          break;
        }
        case 0x4a: // BININT
          push({ t: "scalar", d: String(view.getInt32(need(4), true)) });
          break;
        case 0x4b: // BININT1
          push(SMALL_INTS[bytes[need(1)]]);
          break;
        case 0x4d: // BININT2
          push({ t: "scalar", d: String(view.getUint16(need(2), true)) });
          break;
        case 0x8a: // LONG1
          need(bytes[need(1)]);
          push(INT);
          break;
        case 0x8b: {
          // LONG4
          const n = view.getInt32(need(4), true);
          if (n < 0) throw new Stop("malformed", "LONG4: negative byte count");
          need(n);
          push(INT);
          break;
        }
        case 0x46: {
          // FLOAT
          const text = decodeLatin1(readLine()).trim();
          if (!Number.isFinite(Number(text)) && !/^[+-]?(inf|nan)$/i.test(text)) {
            throw new Stop("malformed", `FLOAT: bad number "${text.slice(0, 40)}"`);
          }
          push({ t: "scalar", d: text });
          break;
        }
        case 0x47: // BINFLOAT
          need(8);
          push(FLOAT);
          break;
        case 0x4e: // NONE
          push(NONE);
          break;
        case 0x88: // NEWTRUE
        case 0x89: // NEWFALSE
          push(code === 0x88 ? TRUE : FALSE);
          break;
        // --- strings and bytes -----------------------------------------------------------
        case 0x53: {
          // STRING
          const decoded = decodeStringLiteral(decodeLatin1(readLine()).trimEnd());
          if (decoded === undefined) throw new Stop("malformed", "STRING: not a quoted literal");
          push({ t: "str", v: decoded.length > MAX_KEPT_STRING ? undefined : decoded });
          break;
        }
        case 0x56: {
          // UNICODE
          const decoded = decodeRawUnicodeEscape(decodeLatin1(readLine()));
          push({ t: "str", v: decoded.length > MAX_KEPT_STRING ? undefined : decoded });
          break;
        }
        case 0x55: // SHORT_BINSTRING
        case 0x8c: {
          // SHORT_BINUNICODE
          const n = bytes[need(1)];
          const p = need(n);
          push(str(p, n, code === 0x55));
          break;
        }
        case 0x54: // BINSTRING
        case 0x58: {
          // BINUNICODE
          const n = view.getUint32(need(4), true);
          if (info.name === "BINSTRING" && n > 0x7fffffff) {
            throw new Stop("malformed", "BINSTRING: negative length");
          }
          const p = need(n);
          push(str(p, n, code === 0x54));
          break;
        }
        case 0x8d: {
          // BINUNICODE8
          const n = Number(view.getBigUint64(need(8), true));
          const p = need(n);
          push(str(p, n, false));
          break;
        }
        case 0x43: // SHORT_BINBYTES
          need(bytes[need(1)]);
          push(BYTES);
          break;
        case 0x42: // BINBYTES
          need(view.getUint32(need(4), true));
          push(BYTES);
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          need(Number(view.getBigUint64(need(8), true)));
          push(code === 0x8e ? BYTES : BYTEARRAY);
          break;
        case 0x97: // NEXT_BUFFER
          push(BUFFER);
          break;
        case 0x98: // READONLY_BUFFER
          top();
          break;
        // --- containers ------------------------------------------------------------------
        case 0x5d: // EMPTY_LIST
          push(LIST);
          break;
        case 0x7d: // EMPTY_DICT
          push(DICT);
          break;
        case 0x8f: // EMPTY_SET
          push(SET);
          break;
        case 0x29: // EMPTY_TUPLE
          push(EMPTY_TUPLE);
          break;
        case 0x6c: // LIST
          popMark();
          push(LIST);
          break;
        case 0x64: // DICT
          if (popMark().length % 2 !== 0) throw new Stop("malformed", "DICT: odd item count");
          push(DICT);
          break;
        case 0x91: // FROZENSET
          popMark();
          push(FROZENSET);
          break;
        case 0x74: // TUPLE
          push(tuple(popMark()));
          break;
        case 0x85: // TUPLE1
          push(tuple([pop()]));
          break;
        case 0x86: {
          // TUPLE2
          const b = pop();
          push(tuple([pop(), b]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = pop();
          const b = pop();
          push(tuple([pop(), b, c]));
          break;
        }
        case 0x61: // APPEND
          pop();
          mutate(top(), "append");
          break;
        case 0x65: // APPENDS
          popMark();
          mutate(top(), "extend");
          break;
        case 0x73: // SETITEM
          pop();
          pop();
          mutate(top(), "__setitem__");
          break;
        case 0x75: // SETITEMS
          if (popMark().length % 2 !== 0) throw new Stop("malformed", "SETITEMS: odd item count");
          mutate(top(), "__setitem__");
          break;
        case 0x90: // ADDITEMS
          popMark();
          mutate(top(), "add");
          break;
        // --- stack and memo --------------------------------------------------------------
        case 0x30: // POP
          if (stack.length > 0) stack.pop();
          else popMark();
          break;
        case 0x32: // DUP
          push(top());
          break;
        case 0x28: // MARK
          if (stack.length + metaItems + metastack.length >= lim.maxStackDepth) {
            throw new Stop("limit", `stack deeper than ${lim.maxStackDepth}`);
          }
          metastack.push(stack);
          metaItems += stack.length;
          stack = [];
          break;
        case 0x31: // POP_MARK
          popMark();
          break;
        case 0x67: // GET
          push(memoGet(lineInt(readLine())));
          break;
        case 0x68: // BINGET
          push(memoGet(bytes[need(1)]));
          break;
        case 0x6a: // LONG_BINGET
          push(memoGet(view.getUint32(need(4), true)));
          break;
        case 0x70: // PUT
          memoPut(lineInt(readLine()), top());
          break;
        case 0x71: // BINPUT
          memoPut(bytes[need(1)], top());
          break;
        case 0x72: // LONG_BINPUT
          memoPut(view.getUint32(need(4), true), top());
          break;
        case 0x94: // MEMOIZE
          memoPut(memoCount, top());
          break;
        // --- imports and calls: what a scanner is for ------------------------------------
        case 0x63: // GLOBAL
        case 0x69: {
          // INST
          const module = decodeUtf8(readLine());
          const name = decodeUtf8(readLine());
          const g = addImport(module, name, true);
          if (info.name === "GLOBAL") push(g);
          else push(addCall(g, tuple(popMark())));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const nameSym = pop();
          const moduleSym = pop();
          for (const s of [moduleSym, nameSym]) {
            if (s.t !== "str" && s.t !== "raw" && s.t !== "call") {
              throw new Stop("malformed", "STACK_GLOBAL requires str operands");
            }
          }
          const module = asName(moduleSym);
          const name = asName(nameSym);
          if (module !== undefined && name !== undefined) push(addImport(module, name, true));
          else {
            const note = `computed name ${describe(moduleSym)}.${describe(nameSym)}`;
            push(addImport(module ?? "?", name ?? "?", false, note));
          }
          break;
        }
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: {
          // EXT4
          const p = need(info.name === "EXT1" ? 1 : info.name === "EXT2" ? 2 : 4);
          const codeValue =
            info.name === "EXT1"
              ? bytes[p]
              : info.name === "EXT2"
                ? view.getUint16(p, true)
                : view.getInt32(p, true);
          if (codeValue <= 0) throw new Stop("malformed", `${opName}: extension code must be > 0`);
          push(addImport("?", "?", false, `copyreg extension code ${codeValue}`));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = pop();
          push(addCall(pop(), args));
          break;
        }
        case 0x6f: {
          // OBJ
          const items = popMark();
          const cls = items.shift();
          if (cls === undefined) throw new Stop("malformed", "OBJ: no class after MARK");
          push(addCall(cls, tuple(items)));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = pop();
          push(addCall(pop(), args));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          pop(); // kwargs
          const args = pop();
          push(addCall(pop(), args));
          break;
        }
        case 0x62: {
          // BUILD
          pop();
          mutate(top(), "__setstate__/setattr");
          break;
        }
        case 0x50: // PERSID
          readLine();
          persistentIds += 1;
          push(PID);
          break;
        case 0x51: // BINPERSID
          pop();
          persistentIds += 1;
          push(PID);
          break;
        // --- framing -----------------------------------------------------------------------
        case 0x80: {
          // PROTO
          protocol = bytes[need(1)];
          if (protocol > HIGHEST_PROTOCOL) {
            throw new Stop("malformed", `unsupported pickle protocol ${protocol}`);
          }
          break;
        }
        case 0x95: // FRAME
          need(8);
          break;
        case 0x2e: // STOP
          pop();
          stopped = true;
          break;
        default:
          throw new Stop("malformed", `opcode ${info.name} is not handled`);
      }
    }
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    status = { kind: error.kind, message: error.message, offset: opOffset, opIndex };
  }
  return {
    start,
    end: pos,
    protocol,
    opCount: opIndex + 1,
    persistentIds,
    imports,
    calls,
    mutations,
    status,
  };
}
