import { describe, expect, it } from "vitest";
import { answerTypeOf, answerTypesIn, holdsAnswerType, holdsNewAnswer } from "../../src/retrieval/answer-type.js";

describe("answer type from the question", () => {
  it.each([
    ["Kapan Pemkab Banyuwangi meluncurkan e-village?", "time"],
    ["Sejak kapan SPBE diterapkan?", "time"],
    ["Tahun berapa Perpres itu terbit?", "time"],
    ["When was the regulation signed?", "time"],
    ["What year did Jogja adopt e-government?", "time"],
    ["Berapa biaya aplikasi e-government Banyuwangi?", "number"],
    ["Berapakah jumlah peserta pelatihan?", "number"],
    ["How many officials went to Korea?", "number"],
    ["How much did Banyuwangi spend?", "number"],
    ["Siapa yang meresmikan aplikasi itu?", "person"],
    ["Who signed the agreement?", "person"],
    ["Di mana pelatihan e-government diadakan?", "place"],
    ["Dimanakah Douwes Dekker meninggal?", "place"],
    ["Ke mana pejabat Bandung Barat studi banding?", "place"],
    ["Negara mana yang mengadopsi e-government Jogja?", "place"],
    ["Where did the officials study?", "place"],
    ["Which country adopted the program?", "place"],
    ["Apa itu SPBE?", "definition"],
    ["Apa yang dimaksud dengan e-budgeting?", "definition"],
    ["What is SPBE?", "definition"],
    ["Mengapa Banyuwangi menjadi rujukan?", "reason"],
    ["Kenapa daerah lain meniru Banyuwangi?", "reason"],
    ["Why did Thailand copy the waste program?", "reason"],
  ])("%s → %s", (question, type) => {
    expect(answerTypeOf(question)).toBe(type);
  });

  it.each(["Aplikasi apa saja yang dimiliki Banyuwangi?", "Which law regulates public services?", "What is the role of the ministry in the training program for civil servants?"])("no type: %s", (question) => {
    expect(answerTypeOf(question)).toBeUndefined();
  });
});

describe("answer type in a sentence", () => {
  it("dates and times: years, months, weekdays, clock times", () => {
    expect(holdsAnswerType("time", "Aplikasi itu diluncurkan pada 12 Maret 2018.")).toBe(true);
    expect(holdsAnswerType("time", "Acara dimulai pukul 09.00 WIB hari Senin.")).toBe(true);
    expect(holdsAnswerType("time", "Aplikasi itu diluncurkan oleh bupati.")).toBe(false);
  });

  it("numbers with units and number words, including Rp8 miliar and puluhan", () => {
    expect(holdsAnswerType("number", "Tidak lebih dari Rp8 miliar.")).toBe(true);
    expect(holdsAnswerType("number", "Tidak lebih dari Rp 8 miliar.")).toBe(true);
    expect(holdsAnswerType("number", "Sebanyak lima pejabat ikut pelatihan.")).toBe(true);
    expect(holdsAnswerType("number", "Puluhan daerah meniru sistem itu.")).toBe(true);
    expect(holdsAnswerType("number", "Anggarannya mencapai 45 persen dari total.")).toBe(true);
    // "salah satu" is "one of", not a count.
    expect(holdsAnswerType("number", "Banyuwangi menjadi salah satu rujukan daerah lain.")).toBe(false);
  });

  it("person names and titles", () => {
    expect(holdsAnswerType("person", "Aplikasi itu diresmikan Bupati Abdullah Azwar Anas.")).toBe(true);
    expect(holdsAnswerType("person", "Menurut Menteri PANRB, pelatihan berlanjut.")).toBe(true);
    expect(holdsAnswerType("person", "Aplikasi itu diresmikan kemarin di kantor bupati.")).toBe(false);
    // The agent of a passive answers "siapa yang …" too: a team or an office rather than a name.
    expect(holdsAnswerType("person", "Evaluasi dilakukan oleh tim evaluator eksternal.")).toBe(true);
    expect(holdsAnswerType("person", "oleh karena itu evaluasi ditunda sampai tahun depan.")).toBe(false);
  });

  it("places after a preposition or place noun", () => {
    expect(holdsAnswerType("place", "Pelatihan diadakan di Seoul selama dua minggu.")).toBe(true);
    expect(holdsAnswerType("place", "Para pejabat berangkat ke Kabupaten Banyuwangi.")).toBe(true);
    expect(holdsAnswerType("place", "Pelatihan diadakan selama dua minggu.")).toBe(false);
  });

  it("definitional patterns and causal connectives", () => {
    expect(holdsAnswerType("definition", "SPBE adalah penyelenggaraan pemerintahan yang memanfaatkan TIK.")).toBe(true);
    expect(holdsAnswerType("definition", "Aplikasi itu berfungsi sebagai kanal pengaduan warga.")).toBe(true);
    expect(holdsAnswerType("definition", "Aplikasi itu dipakai warga setiap hari.")).toBe(false);
    expect(holdsAnswerType("reason", "Banyuwangi dipilih karena anggarannya paling murah.")).toBe(true);
    expect(holdsAnswerType("reason", "Sistem dibuat agar warga mudah mengadu.")).toBe(true);
    expect(holdsAnswerType("reason", "Sistem itu dibuat tahun lalu.")).toBe(false);
  });

  it("lists every type a sentence can hold", () => {
    expect([...answerTypesIn("Pada 2017 Bupati Anas meresmikan aplikasi di Banyuwangi karena warga meminta.").keys()].sort()).toEqual(["number", "person", "place", "reason", "time"]);
  });

  it("an answer that only repeats the question's own words does not count", () => {
    const question = new Set(["kapan", "festival", "2005", "dibuka", "siapa", "pendiri", "gojek"]);
    expect(holdsNewAnswer("time", answerTypesIn("Festival 2005 dibuka meriah."), question)).toBe(false);
    expect(holdsNewAnswer("time", answerTypesIn("Festival 2005 dibuka pada 3 September."), question)).toBe(true);
    expect(holdsNewAnswer("place", answerTypesIn("Kantor pusat Gojek ada di Jakarta."), question)).toBe(true);
    expect(holdsNewAnswer("place", answerTypesIn("Pendiri itu bekerja untuk Gojek."), question)).toBe(false);
  });
});
