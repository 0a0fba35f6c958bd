// The accountant interface shared by the RDP and PLD accountants (after dp_accounting's
// privacy_accountant.py): compose events, then ask for epsilon at a delta or delta at an epsilon.

import type { DpEvent } from "./events.js";

export type AccountantKind = "rdp" | "pld";

export type SupportResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly event: DpEvent };

export interface EpsilonResult {
  readonly epsilon: number;
  readonly delta: number;
  readonly accountant: AccountantKind;
  /** RDP only: the order at which the conversion was tightest. */
  readonly optimalOrder?: number;
}

export interface PrivacyAccountant {
  readonly kind: AccountantKind;
  /** Whether this accountant can handle `event`; if not, names the offending sub-event. */
  supports(event: DpEvent): SupportResult;
  /** Adds `count` runs of `event` to the ledger (throws E_INVALID_ARGUMENT if unsupported). */
  compose(event: DpEvent, count?: number): this;
  /** Smallest epsilon the accountant can certify at `delta` for everything composed so far. */
  getEpsilon(delta: number): EpsilonResult;
  /** Smallest delta the accountant can certify at `epsilon`. */
  getDelta(epsilon: number): number;
}
