import { verify as argon2Verify } from "@node-rs/argon2";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { AuthError } from "./errors.js";
import {
  createPasswordHasher,
  DEFAULT_ARGON2_PARAMS,
  hashConcurrencyFor,
  MAX_DJANGO_ITERATIONS,
  verifyDjangoPbkdf2,
} from "./password.js";

// argon2's verify, observed: it still does the real work unless a test says otherwise.
vi.mock("@node-rs/argon2", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@node-rs/argon2")>();
  return { ...actual, verify: vi.fn(actual.verify) };
});
const verifySpy = vi.mocked(argon2Verify);

// Computed with Python's hashlib.pbkdf2_hmac("sha256", password, salt, iterations),
// base64-encoded: the algorithm Django documents for PBKDF2PasswordHasher.
const DJANGO_1000 = "pbkdf2_sha256$1000$Xc7qLq1YSzTB$PTw0dofUp1LcnCfn21boHIQroOEtLOfjfLUNOgNujco=";
const DJANGO_870000 = "pbkdf2_sha256$870000$abcDEF123456$WqN4rVf+Y5lCKqdSfut0PAu1rvCdQppWDknPikVR2EA=";

describe("argon2id passwords", () => {
  const hasher = createPasswordHasher();

  it("hashes with argon2id at the configured parameters and verifies", async () => {
    const stored = await hasher.hash("hunter2 hunter2");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify("hunter2 hunter2", stored)).toEqual({ valid: true, needsRehash: false });
    expect(await hasher.verify("hunter3", stored)).toEqual({ valid: false, needsRehash: false });
  });

  it("asks for a rehash when parameters were raised", async () => {
    const stored = await hasher.hash("pw");
    const stronger = createPasswordHasher({ memoryCost: 32768, timeCost: 3, parallelism: 1 });
    expect(await stronger.verify("pw", stored)).toEqual({ valid: true, needsRehash: true });
    expect(stronger.needsRehash("$2b$10$bcrypt")).toBe(true);
  });

  it("refuses weak parameters and out-of-range passwords", async () => {
    expect(() => createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 })).toThrow(TypeError);
    await expect(hasher.hash("")).rejects.toThrow(TypeError);
    await expect(hasher.hash("x".repeat(1025))).rejects.toThrow(TypeError);
    const stored = await hasher.hash("x".repeat(1024));
    expect((await hasher.verify("x".repeat(1025), stored)).valid).toBe(false);
  });

  it("treats corrupt or unknown stored hashes as a failed login", async () => {
    expect((await hasher.verify("pw", "$argon2id$v=19$m=19456,t=2,p=1$garbage")).valid).toBe(false);
    expect((await hasher.verify("pw", "plaintext")).valid).toBe(false);
    expect((await hasher.verify("pw", "")).valid).toBe(false);
  });

  describe("verifyDummy", () => {
    beforeEach(() => {
      verifySpy.mockClear();
    });

    it("spends one real argon2id verification of the password against an argon2id hash", async () => {
      await hasher.verifyDummy("anything");
      expect(verifySpy).toHaveBeenCalledTimes(1);
      const [stored, password] = verifySpy.mock.calls[0] ?? [];
      expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[\w+/]+\$[\w+/]+$/);
      expect(password).toBe("anything");
      // argon2 itself answered (a wrong password), not a stand-in.
      await expect(verifySpy.mock.results[0]?.value).resolves.toBe(false);
    });

    it('an unusable stored hash ("!…", an account without a password) fails after one real verification', async () => {
      expect(await hasher.verify("anything", "!unusable-marker")).toEqual({ valid: false, needsRehash: false });
      expect(verifySpy).toHaveBeenCalledTimes(1);
      expect(verifySpy.mock.calls[0]?.[0]).toMatch(/^\$argon2id\$/);
    });

    it("verifies at most MAX_PASSWORD_LENGTH characters of an over-long password", async () => {
      await hasher.verifyDummy("x".repeat(5000));
      expect(verifySpy).toHaveBeenCalledTimes(1);
      expect(verifySpy.mock.calls[0]?.[1]).toBe("x".repeat(1024));
    });

    it("waits for a hashing slot like a real verification", async () => {
      const single = createPasswordHasher(DEFAULT_ARGON2_PARAMS, { concurrency: 1 });
      await single.verifyDummy("warm up"); // computes the dummy hash once
      const stored = await single.hash("pw");
      verifySpy.mockClear();
      let release: (valid: boolean) => void = () => {};
      verifySpy.mockImplementationOnce(() => new Promise((resolve) => (release = resolve)));
      const real = single.verify("pw", stored); // takes the only slot and holds it until released
      await vi.waitFor(() => expect(verifySpy).toHaveBeenCalledTimes(1));

      const dummy = single.verifyDummy("guess");
      await new Promise((resolve) => setImmediate(resolve)); // every pending microtask has run
      expect(verifySpy).toHaveBeenCalledTimes(1);

      release(true);
      await real;
      await dummy;
      expect(verifySpy).toHaveBeenCalledTimes(2);
    });
  });
});

describe("Django pbkdf2_sha256 hashes", () => {
  const hasher = createPasswordHasher();

  it("verifies hashes computed with Django's documented algorithm and asks for a rehash", async () => {
    expect(await hasher.verify("correct horse battery staple", DJANGO_1000)).toEqual({
      valid: true,
      needsRehash: true,
    });
    expect(await hasher.verify("pässwörd", DJANGO_870000)).toEqual({ valid: true, needsRehash: true });
    expect(await hasher.verify("wrong", DJANGO_1000)).toEqual({ valid: false, needsRehash: false });
  });

  it("refuses malformed Django hashes", async () => {
    for (const bad of [
      "pbkdf2_sha256$1000$salt",
      "pbkdf2_sha256$abc$salt$AAAA",
      "pbkdf2_sha256$0$salt$AAAA",
      "pbkdf2_sha256$99999999999$salt$AAAA",
      // A crafted row must not buy minutes of CPU: iterations are bounded, the key is Django's 32 bytes.
      `pbkdf2_sha256$1200001$salt$${"A".repeat(43)}=`,
      "pbkdf2_sha256$1000$salt$AAAA",
      `pbkdf2_sha256$1000$salt$${"A".repeat(86)}==`,
      "pbkdf2_sha256$1000$$AAAA",
      "pbkdf2_sha256$1000$salt$",
      "pbkdf2_sha1$1000$salt$AAAA",
    ]) {
      expect(await verifyDjangoPbkdf2("pw", bad)).toBe(false);
    }
  });
});

describe("hashing capacity", () => {
  it("leaves two threads of libuv's pool to WebCrypto, fs and DNS, and never less than one slot", () => {
    expect([1, 2, 3, 4, 8, 16].map(hashConcurrencyFor)).toEqual([1, 1, 1, 2, 6, 14]);
  });

  it("refuses at once with HASH_QUEUE_FULL (retry after 1 s) when the queue is full", async () => {
    const hasher = createPasswordHasher(undefined, { concurrency: 1, maxQueue: 1 });
    const stored = await hasher.hash("pw");
    const running = hasher.verify("pw", stored);
    const waiting = hasher.verify("pw", stored);
    const refused = await hasher.verify("pw", stored).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthError);
    expect(refused).toMatchObject({ code: "HASH_QUEUE_FULL", retryAfter: 1 });
    expect((await running).valid).toBe(true);
    expect((await waiting).valid).toBe(true);
  });

  it("never starts a hash for a caller that has gone away", async () => {
    const hasher = createPasswordHasher(undefined, { concurrency: 1 });
    const stored = await hasher.hash("pw");
    const running = hasher.verify("pw", stored);
    const controller = new AbortController();
    const abandoned = hasher.verify("pw", stored, { signal: controller.signal });
    expect(hasher.queued).toBe(1);
    controller.abort(new Error("client closed the connection"));
    await expect(abandoned).rejects.toThrow("client closed the connection");
    expect(hasher.queued).toBe(0);
    await running;
  });

  it("tells an observer how long each hash waited for its slot, and nothing for one that never got one", async () => {
    const waits: number[] = [];
    const hasher = createPasswordHasher(undefined, { concurrency: 1, onSlotWait: (ms) => waits.push(ms) });
    const stored = await hasher.hash("pw");
    expect(waits).toHaveLength(1);
    waits.length = 0;
    const running = hasher.verify("pw", stored);
    const waiting = hasher.verify("pw", stored);
    const controller = new AbortController();
    const abandoned = hasher.verify("pw", stored, { signal: controller.signal });
    controller.abort(new Error("gone"));
    await expect(abandoned).rejects.toThrow("gone");
    await Promise.all([running, waiting]);
    expect(waits).toHaveLength(2);
    const [first = Number.NaN, second = Number.NaN] = waits;
    expect(first).toBeGreaterThanOrEqual(0);
    // The second waited for the whole first verification (argon2id, milliseconds).
    expect(second).toBeGreaterThan(first);
    expect(second).toBeGreaterThan(1);
  });

  it("accepts only Django-sized iteration counts for the legacy timing padding", () => {
    const hasher = createPasswordHasher();
    expect(() => hasher.setLegacyIterations(MAX_DJANGO_ITERATIONS + 1)).toThrow(TypeError);
    expect(() => hasher.setLegacyIterations(0)).toThrow(TypeError);
    hasher.setLegacyIterations(1000);
    hasher.setLegacyIterations(undefined);
  });

  it("still verifies both kinds of hash while legacy padding is on", async () => {
    const hasher = createPasswordHasher();
    hasher.setLegacyIterations(1000);
    const stored = await hasher.hash("hunter2 hunter2");
    expect((await hasher.verify("hunter2 hunter2", stored)).valid).toBe(true);
    expect((await hasher.verify("correct horse battery staple", DJANGO_1000)).valid).toBe(true);
    expect((await hasher.verify("wrong", DJANGO_1000)).valid).toBe(false);
    await expect(hasher.verifyDummy("anything")).resolves.toBeUndefined();
  });
});
