import { describe, expect, it } from "vitest";
import { detectLanguage } from "../../src/retrieval/language.js";

describe("question language", () => {
  it("reads plain questions in either language", () => {
    expect(detectLanguage("Apa tujuan Arsitektur SPBE Nasional?")).toBe("id");
    expect(detectLanguage("Berapa biaya aplikasi e-government Banyuwangi?")).toBe("id");
    expect(detectLanguage("What is the purpose of the national SPBE architecture?")).toBe("en");
    expect(detectLanguage("How much did Banyuwangi spend on its e-government application?")).toBe("en");
  });

  it("goes by the language that frames the question, not the language of a title or name it quotes", () => {
    expect(detectLanguage("Siapakah yang meluncurkan program Smart City Challenge of the Year?")).toBe("id");
    expect(detectLanguage("Kapankah Digital Transformation Office and the Data Center dibentuk?")).toBe("id");
    expect(detectLanguage("Dimanakah kantor Open Government Partnership for the Region?")).toBe("id");
    expect(detectLanguage("Berapakah anggaran The Smart Village of the Future?")).toBe("id");
    expect(detectLanguage("What is Mal Pelayanan Publik di Kabupaten Banyuwangi?")).toBe("en");
    expect(detectLanguage("Who leads Dinas Komunikasi dan Informatika?")).toBe("en");
  });
});
