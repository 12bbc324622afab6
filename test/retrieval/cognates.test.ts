import { describe, expect, it } from "vitest";
import { indonesianCognates } from "../../src/retrieval/cognates.js";

describe("Indonesian spellings of English loanwords", () => {
  it.each([
    ["administration", "administrasi"],
    ["capacity", "kapasitas"],
    ["technology", "teknologi"],
    ["democracy", "demokrasi"],
    ["national", "nasional"],
    ["infrastructure", "infrastruktur"],
    ["photography", "fotografi"],
    ["collective", "kolektif"],
    ["physics", "fisika"],
  ])("%s → %s", (english, indonesian) => {
    expect(indonesianCognates(english)).toEqual([indonesian]);
  });

  it("leaves short words, words spelled the same, and non-words alone", () => {
    expect(indonesianCognates("city")).toEqual([]);
    expect(indonesianCognates("digital")).toEqual([]);
    expect(indonesianCognates("e-gov")).toEqual([]);
  });
});
