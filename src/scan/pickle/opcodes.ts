// Pickle opcode table, protocols 0-5: CPython Lib/pickletools.py `opcodes` and Lib/pickle.py.

/** How an opcode's argument is laid out in the byte stream (pickletools' ArgumentDescriptor). */
export type ArgKind =
  | "none"
  | "uint1"
  | "uint2"
  | "int4"
  | "uint4"
  | "uint8"
  | "float8"
  | "long1" // uint1 length, then little-endian two's complement bytes
  | "long4" // int4 length, then bytes
  | "bytes1" // uint1 length, then bytes (SHORT_BINSTRING, SHORT_BINBYTES)
  | "bytes4" // int4 length (string4) or uint4 length (bytes4), then bytes
  | "bytes8" // uint8 length, then bytes
  | "unicode1"
  | "unicode4"
  | "unicode8"
  | "line" // text up to "\n" (decimalnl_short/long, floatnl, stringnl, unicodestringnl)
  | "line2"; // two lines: module "\n" name "\n" (GLOBAL, INST)

export interface OpcodeInfo {
  readonly name: string;
  readonly arg: ArgKind;
  /** The lowest protocol that emits this opcode (a loader accepts it in any stream). */
  readonly proto: number;
}

const TABLE: readonly (readonly [string, string, ArgKind, number])[] = [
  ["I", "INT", "line", 0],
  ["J", "BININT", "int4", 1],
  ["K", "BININT1", "uint1", 1],
  ["M", "BININT2", "uint2", 1],
  ["L", "LONG", "line", 0],
  ["\x8a", "LONG1", "long1", 2],
  ["\x8b", "LONG4", "long4", 2],
  ["S", "STRING", "line", 0],
  ["T", "BINSTRING", "bytes4", 1],
  ["U", "SHORT_BINSTRING", "bytes1", 1],
  ["B", "BINBYTES", "bytes4", 3],
  ["C", "SHORT_BINBYTES", "bytes1", 3],
  ["\x8e", "BINBYTES8", "bytes8", 4],
  ["\x96", "BYTEARRAY8", "bytes8", 5],
  ["\x97", "NEXT_BUFFER", "none", 5],
  ["\x98", "READONLY_BUFFER", "none", 5],
  ["N", "NONE", "none", 0],
  ["\x88", "NEWTRUE", "none", 2],
  ["\x89", "NEWFALSE", "none", 2],
  ["V", "UNICODE", "line", 0],
  ["\x8c", "SHORT_BINUNICODE", "unicode1", 4],
  ["X", "BINUNICODE", "unicode4", 1],
  ["\x8d", "BINUNICODE8", "unicode8", 4],
  ["F", "FLOAT", "line", 0],
  ["G", "BINFLOAT", "float8", 1],
  ["]", "EMPTY_LIST", "none", 1],
  ["a", "APPEND", "none", 0],
  ["e", "APPENDS", "none", 1],
  ["l", "LIST", "none", 0],
  [")", "EMPTY_TUPLE", "none", 1],
  ["t", "TUPLE", "none", 0],
  ["\x85", "TUPLE1", "none", 2],
  ["\x86", "TUPLE2", "none", 2],
  ["\x87", "TUPLE3", "none", 2],
  ["}", "EMPTY_DICT", "none", 1],
  ["d", "DICT", "none", 0],
  ["s", "SETITEM", "none", 0],
  ["u", "SETITEMS", "none", 1],
  ["\x8f", "EMPTY_SET", "none", 4],
  ["\x90", "ADDITEMS", "none", 4],
  ["\x91", "FROZENSET", "none", 4],
  ["0", "POP", "none", 0],
  ["2", "DUP", "none", 0],
  ["(", "MARK", "none", 0],
  ["1", "POP_MARK", "none", 1],
  ["g", "GET", "line", 0],
  ["h", "BINGET", "uint1", 1],
  ["j", "LONG_BINGET", "uint4", 1],
  ["p", "PUT", "line", 0],
  ["q", "BINPUT", "uint1", 1],
  ["r", "LONG_BINPUT", "uint4", 1],
  ["\x94", "MEMOIZE", "none", 4],
  ["\x82", "EXT1", "uint1", 2],
  ["\x83", "EXT2", "uint2", 2],
  ["\x84", "EXT4", "int4", 2],
  ["c", "GLOBAL", "line2", 0],
  ["\x93", "STACK_GLOBAL", "none", 4],
  ["R", "REDUCE", "none", 0],
  ["b", "BUILD", "none", 0],
  ["i", "INST", "line2", 0],
  ["o", "OBJ", "none", 1],
  ["\x81", "NEWOBJ", "none", 2],
  ["\x92", "NEWOBJ_EX", "none", 4],
  ["\x80", "PROTO", "uint1", 2],
  [".", "STOP", "none", 0],
  ["\x95", "FRAME", "uint8", 4],
  ["P", "PERSID", "line", 0],
  ["Q", "BINPERSID", "none", 1],
];

/** Opcode info indexed by byte value; undefined for bytes that are not opcodes. */
export const OPCODES: readonly (OpcodeInfo | undefined)[] = (() => {
  const table: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);
  for (const [code, name, arg, proto] of TABLE) {
    table[code.charCodeAt(0)] = { name, arg, proto };
  }
  return table;
})();

/** The highest protocol CPython knows (pickle.HIGHEST_PROTOCOL); PROTO above it fails to load. */
export const HIGHEST_PROTOCOL = 5;
