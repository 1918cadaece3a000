import { describe, expect, it } from "vitest";
import { AuthError } from "./errors.js";
import { normalizeUsername, usernameLookupForm, usernameRuleBroken, usernameSkeleton } from "./username.js";

function refusal(raw: string): string | undefined {
  try {
    normalizeUsername(raw);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
}

describe("normalizeUsername", () => {
  it("stores NFKC, trimmed: fullwidth, ligatures and surrounding spaces become the plain spelling", () => {
    expect(normalizeUsername("zoe")).toBe("zoe");
    expect(normalizeUsername("zoe ")).toBe("zoe");
    expect(normalizeUsername("\u00a0 zoe\u3000")).toBe("zoe");
    expect(normalizeUsername("ｚｏｅ")).toBe("zoe");
    expect(normalizeUsername("ﬁona")).toBe("fiona");
    // Precomposed and decomposed é are one username.
    expect(normalizeUsername("re\u0301my")).toBe("r\u00e9my");
    // Case is kept as typed; lookups ignore it.
    expect(normalizeUsername("Zoe Smith")).toBe("Zoe Smith");
  });

  it("is idempotent", () => {
    for (const raw of ["zoe ", "ｚｏｅ", "re\u0301my", "Zoe Smith", "Ω"]) {
      expect(normalizeUsername(normalizeUsername(raw))).toBe(normalizeUsername(raw));
    }
  });

  it("refuses control, format (zero-width, bidi), private-use, unassigned and lone surrogate characters with USERNAME_INVALID", () => {
    for (const raw of [
      "zoe\u200b", // zero-width space
      "zo\u200de", // zero-width joiner
      "\ufeffzoe", // BOM (not trimmed away: it is refused)
      "zoe\u202egnp", // right-to-left override
      "zoe\u0000",
      "zoe\u0007",
      "zo\u007fe",
      "zoe\u0085x",
      "zoe\ue000", // private use
      "zoe\u{10ffff}", // noncharacter, unassigned
      "zoe\ud800", // lone surrogate
    ]) {
      expect(refusal(raw), JSON.stringify(raw)).toBe("USERNAME_INVALID");
      expect(usernameRuleBroken(raw)).toBe("invisible");
    }
  });

  it("refuses line and paragraph separators, tabs and runs of spaces inside, with USERNAME_INVALID", () => {
    expect(usernameRuleBroken("zoe\u2028x")).toBe("separator");
    expect(usernameRuleBroken("zoe\u2029x")).toBe("separator");
    expect(usernameRuleBroken("zoe\tx")).toBe("invisible"); // a control character first
    expect(usernameRuleBroken("zoe  smith")).toBe("whitespace_run");
    expect(usernameRuleBroken("zoe\u00a0 smith")).toBe("whitespace_run"); // NFKC: two spaces
    expect(refusal("zoe\u2028x")).toBe("USERNAME_INVALID");
    expect(refusal("zoe  smith")).toBe("USERNAME_INVALID");
    expect(refusal("zoe smith")).toBeUndefined();
  });

  it("takes 1 to 150 characters after normalization", () => {
    expect(usernameRuleBroken("")).toBe("empty");
    expect(usernameRuleBroken("   ")).toBe("empty");
    expect(refusal(" \u3000 ")).toBe("USERNAME_INVALID");
    expect(normalizeUsername("z".repeat(150))).toHaveLength(150);
    expect(usernameRuleBroken("z".repeat(151))).toBe("too_long");
    // Counted in characters, not UTF-16 units: 150 astral letters fit.
    expect(refusal("𝒵".repeat(150))).toBeUndefined();
    // NFKC may lengthen: one U+FDFA becomes 18 characters.
    expect(usernameRuleBroken("\ufdfa".repeat(9))).toBe("too_long");
  });
});

describe("usernameLookupForm", () => {
  it("is NFKC and trimmed, without refusing anything (a lookup finds nothing instead)", () => {
    expect(usernameLookupForm(" ｚｏｅ ")).toBe("zoe");
    expect(usernameLookupForm("zoe\u200b")).toBe("zoe\u200b");
  });
});

describe("usernameSkeleton", () => {
  const zoe = usernameSkeleton("zoe");

  it("is shared by usernames that look alike: Cyrillic, Greek, digits, case", () => {
    expect(usernameSkeleton("z\u043e\u0435")).toBe(zoe); // Cyrillic о and е
    expect(usernameSkeleton("ZOE")).toBe(zoe);
    expect(usernameSkeleton("Z\u039f\u0415")).toBe(zoe); // Greek Ο, Cyrillic Е
    expect(usernameSkeleton("z0e")).toBe(zoe);
    expect(usernameSkeleton("\u0430dmin")).toBe(usernameSkeleton("admin")); // Cyrillic а
    expect(usernameSkeleton("rnary")).toBe(usernameSkeleton("mary"));
    expect(usernameSkeleton("bi11")).toBe(usernameSkeleton("bill"));
    expect(usernameSkeleton("biII")).toBe(usernameSkeleton("bill"));
  });

  it("differs for usernames that do not look alike", () => {
    expect(usernameSkeleton("zoey")).not.toBe(zoe);
    expect(usernameSkeleton("zo\u00eb")).not.toBe(zoe); // ë is a different letter
    expect(usernameSkeleton("alice")).not.toBe(usernameSkeleton("bob"));
  });

  it("does not depend on how the letters were composed", () => {
    expect(usernameSkeleton("r\u00e9my")).toBe(usernameSkeleton("re\u0301my"));
  });
});
