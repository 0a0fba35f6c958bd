// The accountant interface shared by the RDP and PLD accountants (after dp_accounting's
// privacy_accountant.py): compose events, then ask for epsilon at a delta or delta at an epsilon.

import { MlsecError } from "../../core/index.js";
import { type DpEvent, validateEvent } from "./events.js";

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

/** What every accountant checks before composing: a well-formed event it supports, a count ≥ 0. */
export function checkComposable(
  accountant: PrivacyAccountant,
  event: DpEvent,
  count: number,
): void {
  validateEvent(event);
  const support = accountant.supports(event);
  if (!support.ok) {
    throw new MlsecError("E_INVALID_ARGUMENT", support.reason, {
      details: { event: support.event },
    });
  }
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new MlsecError("E_INVALID_ARGUMENT", `count must be an integer >= 0, got ${count}`);
  }
}
