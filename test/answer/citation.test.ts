import { describe, expect, it } from "vitest";
import { citationLabel, deepLink, textFragment } from "../../src/answer/citation.js";

describe("citation labels", () => {
  it("names the Pasal, page and OCR in the reader's language", () => {
    const citation = { title: "Peraturan Presiden Nomor 95 Tahun 2018 tentang SPBE", source: null, date: null, page: 4, section: "Pasal 5", ocr: false };
    expect(citationLabel(citation, "id")).toBe("Peraturan Presiden Nomor 95 Tahun 2018 tentang SPBE — Pasal 5, hlm. 4");
    expect(citationLabel(citation, "en")).toBe("Peraturan Presiden Nomor 95 Tahun 2018 tentang SPBE — Article 5, p. 4");
    expect(citationLabel({ ...citation, section: null, ocr: true }, "id")).toBe("Peraturan Presiden Nomor 95 Tahun 2018 tentang SPBE — hlm. 4, hasil OCR");
    expect(citationLabel({ ...citation, section: "BAB II", ocr: true }, "en")).toBe("Peraturan Presiden Nomor 95 Tahun 2018 tentang SPBE — Chapter II, p. 4, OCR text");
    expect(citationLabel({ title: "Berita", source: "Kompas.com", date: "2019-09-24" }, "id")).toBe("Berita — Kompas.com, 24 September 2019");
  });
});

describe("links to the quote", () => {
  it("encodes a text fragment's syntax characters and names a long quote by its ends", () => {
    expect(textFragment("Layanan e-KTP, SIM & paspor.")).toBe(":~:text=Layanan%20e%2DKTP%2C%20SIM%20%26%20paspor.");
    const long = "Arsitektur SPBE Nasional bertujuan untuk memberikan panduan dalam pelaksanaan integrasi proses bisnis, data dan informasi, infrastruktur SPBE, aplikasi SPBE, dan keamanan SPBE.";
    expect(textFragment(long)).toBe(":~:text=Arsitektur%20SPBE%20Nasional%20bertujuan%20untuk,aplikasi%20SPBE%2C%20dan%20keamanan%20SPBE.");
  });

  it("opens a PDF at its page, a web page at the quote, and keeps an existing fragment", () => {
    expect(deepLink({ url: "https://jdih.example/perpres-95.pdf", file: "regulasi/perpres-95.pdf" }, "Kalimat.", 4)).toBe("https://jdih.example/perpres-95.pdf#page=4");
    expect(deepLink({ url: "https://kota.example/a", file: "a.html" }, "Warga melapor.", null)).toBe("https://kota.example/a#:~:text=Warga%20melapor.");
    expect(deepLink({ url: "https://kota.example/a#isi", file: "a.html" }, "Warga melapor.", null)).toBe("https://kota.example/a#isi:~:text=Warga%20melapor.");
    expect(deepLink({ url: null, file: "a.html" }, "Warga melapor.", null)).toBeNull();
  });
});
