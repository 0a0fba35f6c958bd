import { describe, expect, it } from "vitest";
import type { MlsecError } from "../../../src/core/index.js";
import { BudgetLedger } from "../../../src/privacy/index.js";
import { openStore } from "../../../src/store/index.js";

async function withLedger(f: (ledger: BudgetLedger) => Promise<void>) {
  const store = await openStore({ kind: "sqlite", path: ":memory:" });
  try {
    await f(await BudgetLedger.open(store));
  } finally {
    await store.close();
  }
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as MlsecError).code;
  }
  return "none";
};

describe("privacy budget ledger", () => {
  it("spends up to the budget, then refuses and records nothing", async () => {
    await withLedger(async (ledger) => {
      for (let i = 0; i < 10; i++)
        await ledger.spend("d", 0.1, "count(*)", i === 0 ? 1 : undefined);
      expect(await ledger.status("d")).toEqual({
        dataset: "d",
        budget: 1,
        spent: 1,
        remaining: 0,
        queries: 10,
      });
      expect(await codeOf(ledger.spend("d", 0.01, "count(*)", undefined))).toBe(
        "E_PRIVACY_BUDGET_EXCEEDED",
      );
      expect((await ledger.status("d"))?.queries).toBe(10);
    });
  });

  it("keeps datasets apart and needs a budget on first use", async () => {
    await withLedger(async (ledger) => {
      expect(await codeOf(ledger.spend("new", 0.1, "q", undefined))).toBe("E_INVALID_ARGUMENT");
      await ledger.spend("a", 0.5, "q", 0.5);
      const b = await ledger.spend("b", 0.2, "q", 2);
      expect(b.remaining).toBe(1.8);
      expect(await codeOf(ledger.spend("a", 0.1, "q", undefined))).toBe(
        "E_PRIVACY_BUDGET_EXCEEDED",
      );
      expect(await codeOf(ledger.spend("b", 0.1, "q", 3))).toBe("E_INVALID_ARGUMENT");
      expect(await ledger.status("missing")).toBeUndefined();
    });
  });
});
