// Inputs an attacker controls: bearer tokens, checkpoint files, and the failure limiter's clock.
import { createPublicKey } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/artifacts/index.js";
import { MlsecError } from "../../src/core/index.js";
import { FailureLimiter } from "../../src/registry/http/rate-limit.js";
import { localBlobStore, Registry, verifyCheckpoint } from "../../src/registry/index.js";
import { openStore, parseStoreUrl, type Store } from "../../src/store/index.js";

describe("untrusted registry inputs", () => {
  let store: Store;
  let reg: Registry;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mlsec-registry-fuzz-"));
    store = await openStore(parseStoreUrl(":memory:"));
    reg = await Registry.open(store, { blobs: localBlobStore(join(dir, "blobs")) });
    await reg.init("alice");
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("any presented token string authenticates nobody unless it is the issued one", async () => {
    const { token } = await reg.createToken("alice");
    expect(await reg.authenticate(token)).toBe("alice");
    const tokenLike = fc
      .tuple(fc.stringMatching(/^[0-9a-f]{16}$/), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/))
      .map(([id, secret]) => `mlsec_${id}_${secret}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), tokenLike), async (t) => {
        fc.pre(t !== token);
        expect(await reg.authenticate(t)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it("a checkpoint parser meets garbage with MlsecError only", () => {
    const key = createPublicKey(generateSigningKey("ed25519").publicPem);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json().map(String),
          fc
            .record({
              type: fc.constant("mlsec.registry.audit-checkpoint/v1"),
              entries: fc.integer(),
              head: fc.stringMatching(/^[0-9a-f]{64}$/),
              at: fc.string(),
              signature: fc.base64String(),
            })
            .map((o) => JSON.stringify(o)),
        ),
        (text) => {
          expect(() => verifyCheckpoint(text, [key])).toThrow(MlsecError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the failure limiter blocks after maxFailures within a window and forgets after it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 40 }), (max, n) => {
        let clock = 0;
        const limiter = new FailureLimiter({ maxFailures: max, windowMs: 1000, now: () => clock });
        let allowed = 0;
        for (let i = 0; i < n; i++) {
          if (limiter.blockedFor("a") === 0) {
            allowed += 1;
            limiter.recordFailure("a");
          }
        }
        expect(allowed).toBe(Math.min(n, max));
        expect(limiter.blockedFor("b")).toBe(0);
        clock = 1000;
        expect(limiter.blockedFor("a")).toBe(0);
      }),
    );
    const clock = 0;
    const small = new FailureLimiter({
      maxFailures: 1,
      windowMs: 10,
      maxClients: 3,
      now: () => clock,
    });
    for (const c of ["a", "b", "c", "d"]) small.recordFailure(c);
    // Full of live windows: the oldest address was forgotten, the newest is tracked.
    expect(small.blockedFor("a")).toBe(0);
    expect(small.blockedFor("d")).toBeGreaterThan(0);
  });
});
