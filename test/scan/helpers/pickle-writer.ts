// Writes pickles opcode by opcode (CPython Lib/pickletools.py opcode table) for scanner tests.
// Payloads are harmless `echo` strings and are never executed.

const enc = new TextEncoder();

export class PickleWriter {
  private readonly parts: number[] = [];

  raw(...bytes: number[]): this {
    this.parts.push(...bytes);
    return this;
  }
  text(s: string): this {
    for (const b of enc.encode(s)) this.parts.push(b);
    return this;
  }
  op(code: string): this {
    return this.raw(code.charCodeAt(0));
  }
  proto(n: number): this {
    return this.raw(0x80, n);
  }
  u32(n: number): this {
    return this.raw(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }
  /** Protocol 0 GLOBAL: `c module\n name\n`. */
  global(module: string, name: string): this {
    return this.op("c").text(`${module}\n${name}\n`);
  }
  inst(module: string, name: string): this {
    return this.op("i").text(`${module}\n${name}\n`);
  }
  /** SHORT_BINUNICODE (protocol 4). */
  str(s: string): this {
    const b = enc.encode(s);
    return this.raw(0x8c, b.length, ...b);
  }
  /** BINUNICODE (protocol 1+). */
  binunicode(s: string): this {
    const b = enc.encode(s);
    return this.op("X")
      .u32(b.length)
      .raw(...b);
  }
  /** Protocol 0 STRING: a quoted literal, escapes written as given. */
  stringLiteral(literal: string): this {
    return this.op("S").text(`${literal}\n`);
  }
  int(n: number): this {
    return this.raw(0x4b, n); // BININT1
  }
  mark(): this {
    return this.op("(");
  }
  tuple(): this {
    return this.op("t");
  }
  tuple1(): this {
    return this.raw(0x85);
  }
  tuple2(): this {
    return this.raw(0x86);
  }
  emptyTuple(): this {
    return this.op(")");
  }
  emptyDict(): this {
    return this.op("}");
  }
  stackGlobal(): this {
    return this.raw(0x93);
  }
  memoize(): this {
    return this.raw(0x94);
  }
  binput(i: number): this {
    return this.raw(0x71, i);
  }
  binget(i: number): this {
    return this.raw(0x68, i);
  }
  reduce(): this {
    return this.op("R");
  }
  build(): this {
    return this.op("b");
  }
  newobj(): this {
    return this.raw(0x81);
  }
  obj(): this {
    return this.op("o");
  }
  stop(): this {
    return this.op(".");
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** `os.system("echo <tag>")` through GLOBAL + REDUCE, at the given protocol (0 has no PROTO). */
export function osSystemPickle(protocol = 2, tag = "pwned"): Uint8Array {
  const w = new PickleWriter();
  if (protocol >= 2) w.proto(protocol);
  w.global("os", "system");
  if (protocol === 0) w.mark().stringLiteral(`'echo ${tag}'`).tuple();
  else w.binunicode(`echo ${tag}`).tuple1();
  return w.reduce().stop().bytes();
}

/** A benign `collections.OrderedDict()` pickle, protocol 2. */
export function orderedDictPickle(): Uint8Array {
  return new PickleWriter()
    .proto(2)
    .global("collections", "OrderedDict")
    .emptyTuple()
    .reduce()
    .stop()
    .bytes();
}
