/* Article texts the reliability and load suites add to a knowledge folder copy. */

const TOWNS = ["Lembah Hijau", "Tanjung Biru", "Bukit Emas", "Pantai Indah", "Sungai Merah", "Padang Luas", "Gunung Sari", "Danau Tenang", "Kali Jernih", "Karang Putih", "Teluk Damai", "Rawa Asri"];
const APPS = ["SiPANDAI", "LAPOR-CEPAT", "SIMPEL", "E-KADES", "SIPINTER", "GO-IZIN", "SIAGA-WARGA", "PASTI", "SI-ANTRI", "SIDAK", "SIPADU", "E-RETRIBUSI"];

/** A small, well-formed article (front matter + three paragraphs) about town `n`'s e-government app. */
export function townArticle(n: number, variant = 0): { file: string; text: string; app: string; town: string; fact: string } {
  const town = `${TOWNS[n % TOWNS.length]} ${Math.floor(n / TOWNS.length) + 1}`;
  const app = `${APPS[n % APPS.length]}${n >= APPS.length ? `-${n}` : ""}`;
  const days = 2 + ((n + variant) % 5);
  const fact = `memangkas waktu pengurusan izin usaha menjadi ${days} hari kerja`;
  const text = [
    "---",
    `title: Kabupaten ${town} Luncurkan Aplikasi ${app}`,
    "source: Warta Uji",
    `date: 2024-0${1 + (n % 9)}-1${n % 10}`,
    "---",
    `Pemerintah Kabupaten ${town} meluncurkan aplikasi ${app} untuk layanan perizinan daring pada Selasa pagi.`,
    "",
    `Bupati ${town} mengatakan aplikasi ${app} ${fact}.`,
    "",
    `Aplikasi tersebut dikembangkan oleh Dinas Komunikasi dan Informatika bersama perguruan tinggi setempat selama ${3 + variant} bulan.`,
    variant > 0 ? `\nRevisi ${variant}: aplikasi ${app} kini juga melayani pengaduan warga secara daring setiap hari.` : "",
  ].join("\n");
  return { file: `uji-${n}-${app.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.md`, text, app, town, fact };
}

/**
 * A long article of `bytes` characters built from distinct sentences (so the index really grows with it):
 * used to fill a small disk and for the 10 MB upload.
 */
export function longArticle(bytes: number, title = "Laporan Panjang Transformasi Digital Daerah"): string {
  const words = ["layanan", "digital", "warga", "daerah", "aplikasi", "data", "perizinan", "kependudukan", "pajak", "kesehatan", "pendidikan", "desa", "kecamatan", "dinas", "anggaran", "jaringan", "server", "keamanan", "pelatihan", "pegawai"];
  const lines = ["---", `title: ${title}`, "source: Warta Uji", "date: 2024-05-01", "---"];
  let size = lines.join("\n").length;
  let i = 0;
  while (size < bytes) {
    const sentence = `Pada tahap ${i + 1}, pemerintah menata ${words[i % words.length]} ${words[(i * 7 + 3) % words.length]} dan ${words[(i * 13 + 5) % words.length]} nomor ${i * 37 + 11} agar pelayanan ${words[(i * 3 + 1) % words.length]} makin cepat.`;
    lines.push(i % 4 === 3 ? `${sentence}\n` : sentence);
    size += sentence.length + 1;
    i++;
  }
  return lines.join("\n").slice(0, bytes);
}
