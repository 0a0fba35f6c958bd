// What the symbolic pickle machine reports: plain data, embedded in scan reports.

/** Bounds for one pickle; a hostile stream hits one of them instead of exhausting memory. */
export interface PickleLimits {
  /** Bytes the pickle may span from its start. */
  readonly maxBytes: number;
  readonly maxOps: number;
  /** Items on the stack plus items and marks saved on the metastack. */
  readonly maxStackDepth: number;
  readonly maxMemo: number;
  readonly maxTimeMs: number;
  /** Longest text line (protocol 0 arguments, GLOBAL names). */
  readonly maxLineBytes: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxBytes: 4 * 1024 ** 3,
  maxOps: 50_000_000,
  maxStackDepth: 1_000_000,
  maxMemo: 10_000_000,
  maxTimeMs: 30_000,
  maxLineBytes: 64 * 1024,
};

/** A callable the pickle imports (GLOBAL, STACK_GLOBAL, INST, EXT1/2/4). */
export interface PickleImport {
  readonly module: string;
  readonly name: string;
  /** False when the name was computed at load time or comes from the copyreg extension registry. */
  readonly resolved: boolean;
  readonly opcode: string;
  readonly offset: number;
  readonly opIndex: number;
  readonly note?: string;
}

/** A call the pickle makes (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX). */
export interface PickleCall {
  /** The callable, e.g. `os.system` or `builtins.getattr(...)` when it was computed. */
  readonly callee: string;
  /** Index into `imports` when the callee is an imported name itself. */
  readonly importIndex?: number;
  readonly args: string;
  readonly opcode: string;
  readonly offset: number;
  readonly opIndex: number;
}

/** BUILD / APPEND / SETITEM(S) applied to an imported object itself (a module, class, function). */
export interface PickleMutation {
  readonly target: string;
  readonly importIndex: number;
  readonly what: string;
  readonly opcode: string;
  readonly offset: number;
  readonly opIndex: number;
}

export type PickleStatus =
  | { readonly kind: "complete" }
  | {
      readonly kind: "truncated" | "malformed" | "limit";
      readonly message: string;
      readonly offset: number;
      readonly opIndex: number;
    };

export interface PickleTrace {
  readonly start: number;
  /** Offset just past STOP, or where reading stopped. */
  readonly end: number;
  /** The PROTO opcode's value (0 when absent: protocols 0 and 1). */
  readonly protocol: number;
  readonly opCount: number;
  readonly persistentIds: number;
  readonly imports: readonly PickleImport[];
  readonly calls: readonly PickleCall[];
  readonly mutations: readonly PickleMutation[];
  readonly status: PickleStatus;
}

/** `f("a",)` -> `f("a")`; a non-tuple argument (computed) is shown as `f(*args)`. */
export function callText(callee: string, args: string): string {
  if (!args.startsWith("(")) return `${callee}(*${args})`;
  return `${callee}${args.endsWith(",)") ? `${args.slice(0, -2)})` : args}`;
}
