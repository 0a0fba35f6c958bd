// One contract suite that every accountant runs (after dp_accounting's privacy_accountant_test).
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../../src/core/index.js";
import {
  type DpEvent,
  dpSgdEvent,
  PldAccountant,
  type PrivacyAccountant,
  RdpAccountant,
} from "../../../src/privacy/accounting/index.js";

const ACCOUNTANTS: Record<string, () => PrivacyAccountant> = {
  rdp: () => new RdpAccountant(),
  "rdp classic": () => new RdpAccountant({ conversion: "classic" }),
  pld: () => new PldAccountant({ interval: 1e-3 }),
};

const sgd = (steps: number) => dpSgdEvent(0.01, 1.0, steps);

for (const [name, make] of Object.entries(ACCOUNTANTS)) {
  describe(`accountant contract: ${name}`, () => {
    it("reports epsilon 0 before anything is composed", () => {
      expect(make().getEpsilon(1e-5).epsilon).toBe(0);
      expect(make().compose(sgd(100), 0).getEpsilon(1e-5).epsilon).toBe(0);
    });

    it("names the unsupported sub-event and refuses to compose it", () => {
      const bad: DpEvent = {
        type: "composed",
        events: [
          { type: "gaussian", noiseMultiplier: 1 },
          {
            type: "poisson-sampled",
            samplingRate: 0.1,
            event: { type: "laplace", noiseMultiplier: 1 },
          },
        ],
      };
      const r = make().supports(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.event.type).toBe("poisson-sampled");
      expect(() => make().compose(bad)).toThrow(MlsecError);
    });

    it("rejects malformed events and deltas with E_INVALID_ARGUMENT", () => {
      const codeOf = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          return (e as MlsecError).code;
        }
        return "none";
      };
      expect(codeOf(() => make().compose(dpSgdEvent(1.5, 1, 10)))).toBe("E_INVALID_ARGUMENT");
      expect(codeOf(() => make().compose(dpSgdEvent(0.1, -1, 10)))).toBe("E_INVALID_ARGUMENT");
      expect(codeOf(() => make().compose(dpSgdEvent(0.1, 1, 2.5)))).toBe("E_INVALID_ARGUMENT");
      expect(codeOf(() => make().getEpsilon(0))).toBe("E_INVALID_ARGUMENT");
      expect(codeOf(() => make().getEpsilon(1))).toBe("E_INVALID_ARGUMENT");
      expect(codeOf(() => make().getDelta(-1))).toBe("E_INVALID_ARGUMENT");
    });

    it("epsilon grows with steps and falls with delta", () => {
      const e100 = make().compose(sgd(100)).getEpsilon(1e-5).epsilon;
      const e400 = make().compose(sgd(400)).getEpsilon(1e-5).epsilon;
      const e400loose = make().compose(sgd(400)).getEpsilon(1e-3).epsilon;
      expect(e400).toBeGreaterThan(e100);
      expect(e400loose).toBeLessThan(e400);
    });

    it("composing in parts equals composing at once", () => {
      const once = make().compose(sgd(300)).getEpsilon(1e-5).epsilon;
      const parts = make().compose(sgd(100)).compose(sgd(200)).getEpsilon(1e-5).epsilon;
      const counted = make().compose(sgd(100), 3).getEpsilon(1e-5).epsilon;
      expect(parts).toBeCloseTo(once, 3);
      expect(counted).toBeCloseTo(once, 3);
    });

    it("getDelta is consistent with getEpsilon", () => {
      const a = make().compose(sgd(200));
      const { epsilon } = a.getEpsilon(1e-5);
      expect(a.getDelta(epsilon)).toBeLessThanOrEqual(1e-5 * 1.001);
      expect(a.getDelta(epsilon * 0.9)).toBeGreaterThan(1e-5);
    });

    it("an event with no noise has infinite epsilon", () => {
      expect(
        make().compose({ type: "gaussian", noiseMultiplier: 0 }).getEpsilon(1e-5).epsilon,
      ).toBe(Infinity);
    });
  });
}
