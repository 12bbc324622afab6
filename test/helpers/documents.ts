/**
 * Builders for the document fixtures the format tests read: PDFs with known text per page (pdf-lib), Word files
 * (a minimal OOXML package zipped with jszip), PNG images. Everything is generated here; no binary is checked in.
 */
import { deflateSync } from "node:zlib";
import JSZip from "jszip";
import { PDFDocument, PDFHexString, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";

export type PdfBlock =
  /** A paragraph wrapped to the text width (default: the full width). */
  | { text: string; size?: number }
  /** Lines exactly as given, one under the other (for hyphenation and headings). */
  | { lines: string[]; size?: number }
  /** Two columns of paragraphs, read left then right. */
  | { columns: [string[], string[]] }
  /** Table rows, each cell at its own x. */
  | { table: string[][] }
  /** A raster image (what a scanner produces), no text. */
  | { image: true };

export interface PdfSpec {
  pages: PdfBlock[][];
  /** Printed at the top of every page (e.g. a running title, "- 3 -"). */
  header?: (page: number, total: number) => string[];
  footer?: (page: number, total: number) => string[];
  title?: string;
}

const PAGE: [number, number] = [595, 842];
const LEFT = 56;
const WIDTH = 483;
const BODY = 11;

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (line !== "" && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** A 64×64 grey PNG, built byte by byte (signature, IHDR, IDAT, IEND with their CRCs). */
export function greyPng(): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const size = 64;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc(size * (size + 1), 0x80);
  for (let y = 0; y < size; y++) rows[y * (size + 1)] = 0; // filter byte of each row
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

async function drawBlocks(doc: PDFDocument, page: PDFPage, blocks: PdfBlock[], font: PDFFont): Promise<void> {
  let y = 770;
  const line = (text: string, x: number, size: number) => {
    page.drawText(text, { x, y, size, font });
    y -= size * 1.35;
  };
  for (const block of blocks) {
    if ("text" in block) {
      for (const text of wrap(block.text, font, block.size ?? BODY, WIDTH)) line(text, LEFT, block.size ?? BODY);
    } else if ("lines" in block) {
      for (const text of block.lines) line(text, LEFT, block.size ?? BODY);
    } else if ("columns" in block) {
      const top = y;
      let bottom = y;
      block.columns.forEach((paragraphs, column) => {
        y = top;
        for (const paragraph of paragraphs) {
          for (const text of wrap(paragraph, font, BODY, 225)) line(text, column === 0 ? LEFT : 314, BODY);
          y -= BODY * 0.8;
        }
        bottom = Math.min(bottom, y);
      });
      y = bottom;
    } else if ("table" in block) {
      for (const row of block.table) {
        row.forEach((cell, i) => page.drawText(cell, { x: LEFT + i * 170, y, size: BODY, font }));
        y -= BODY * 1.35;
      }
    } else {
      const image = await doc.embedPng(greyPng());
      page.drawImage(image, { x: 0, y: 0, width: PAGE[0], height: PAGE[1] });
    }
    y -= BODY * 0.8; // paragraph gap
  }
}

export async function buildPdf(spec: PdfSpec): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (spec.title) doc.setTitle(spec.title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const total = spec.pages.length;
  for (const [i, blocks] of spec.pages.entries()) {
    const page = doc.addPage(PAGE);
    const scan = blocks.some((block) => "image" in block);
    if (!scan) {
      spec.header?.(i + 1, total).forEach((text, k) => page.drawText(text, { x: LEFT, y: 812 - k * 12, size: 9, font }));
      spec.footer?.(i + 1, total).forEach((text, k) => page.drawText(text, { x: LEFT, y: 40 - k * 12, size: 9, font }));
    }
    await drawBlocks(doc, page, blocks, font);
  }
  return doc.save({ useObjectStreams: false });
}

/** A PDF with a Standard security handler whose user password is not empty: readers must ask for it. */
export async function buildEncryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.load(await buildPdf({ pages: [[{ text: "Dokumen rahasia yang dilindungi kata sandi oleh pemiliknya." }]] }));
  const id = PDFHexString.of("0123456789abcdef0123456789abcdef");
  doc.context.trailerInfo.Encrypt = doc.context.register(doc.context.obj({ Filter: "Standard", V: 1, R: 2, O: PDFHexString.of("4f".repeat(32)), U: PDFHexString.of("a5".repeat(32)), P: -4 }));
  doc.context.trailerInfo.ID = doc.context.obj([id, id]);
  return doc.save({ useObjectStreams: false });
}

/** Running header and footer as Indonesian regulations print them. */
export const REGULATION_HEADER = (page: number): string[] => ["PRESIDEN REPUBLIK INDONESIA", `- ${page} -`];
export const PAGE_FOOTER = (page: number, total: number): string[] => [`Halaman ${page} dari ${total}`];

/**
 * A regulation in the shape of a Peraturan Presiden: heading block, BAB/Bagian/Pasal headings, ayat, a Pasal
 * that continues onto the next page, a cross-reference to another Pasal inside a sentence, and the enactment
 * date. The wording is written for the tests.
 */
export function regulationSpec(): PdfSpec {
  return {
    header: REGULATION_HEADER,
    footer: PAGE_FOOTER,
    pages: [
      [
        { lines: ["PERATURAN PRESIDEN REPUBLIK INDONESIA", "NOMOR 95 TAHUN 2018", "TENTANG", "SISTEM PEMERINTAHAN BERBASIS ELEKTRONIK"] },
        { lines: ["DENGAN RAHMAT TUHAN YANG MAHA ESA"] },
        { text: "Menimbang bahwa untuk mewujudkan tata kelola pemerintahan yang bersih, efektif, transparan, dan akuntabel diperlukan sistem pemerintahan berbasis elektronik yang terpadu." },
        { lines: ["BAB I", "KETENTUAN UMUM"] },
        { lines: ["Pasal 1"] },
        { text: "Dalam Peraturan Presiden ini yang dimaksud dengan Sistem Pemerintahan Berbasis Elektronik yang selanjutnya disingkat SPBE adalah penyelenggaraan pemerintahan yang memanfaatkan teknologi informasi dan komunikasi untuk memberikan layanan kepada pengguna SPBE." },
      ],
      [
        { lines: ["BAB II", "TATA KELOLA SPBE"] },
        { lines: ["Bagian Kesatu", "Arsitektur SPBE Nasional"] },
        { lines: ["Pasal 4"] },
        { text: "(1) Arsitektur SPBE Nasional disusun oleh menteri yang menyelenggarakan urusan pemerintahan di bidang aparatur negara untuk jangka waktu sepuluh tahun." },
        { text: "(2) Arsitektur SPBE Nasional ditetapkan oleh Presiden dan dievaluasi secara berkala setiap lima tahun atau sesuai kebutuhan." },
      ],
      [
        { lines: ["Pasal 5"] },
        { text: "(1) Arsitektur SPBE Nasional sebagaimana dimaksud dalam Pasal 4 ayat (1) bertujuan untuk memberikan panduan dalam pelaksanaan integrasi proses bisnis, data dan informasi, infrastruktur SPBE, aplikasi SPBE, dan keamanan SPBE untuk menghasilkan layanan SPBE yang terpadu secara nasional." },
        { text: "(2) Arsitektur SPBE Nasional memuat referensi arsitektur dan domain arsitektur yang saling berkaitan dalam satu kesatuan" },
      ],
      [
        { text: "yang utuh dan diperbarui sesuai dengan perkembangan teknologi informasi dan komunikasi." },
        { lines: ["Pasal 6"] },
        { text: "Peta Rencana SPBE Nasional disusun untuk memberikan arah pembangunan SPBE secara bertahap dan berkesinambungan di seluruh instansi pusat dan pemerintah daerah." },
        { lines: ["Ditetapkan di Jakarta", "pada tanggal 2 Oktober 2018"] },
        { lines: ["PRESIDEN REPUBLIK INDONESIA,"] },
      ],
    ],
  };
}

interface DocxParagraph {
  heading?: 1 | 2 | 3;
  text?: string;
  table?: string[][];
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function paragraphXml(text: string, style?: string): string {
  return `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ""}<w:r><w:t xml:space="preserve">${xmlEscape(text)}</w:t></w:r></w:p>`;
}

/** A minimal Word package: document, styles (so headings are named "heading N"), relationships. */
export async function buildDocx(body: DocxParagraph[], extra: Record<string, Uint8Array | string> = {}): Promise<Uint8Array> {
  const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const xml = body
    .map((part) => {
      if (part.table) return `<w:tbl>${part.table.map((row) => `<w:tr>${row.map((cell) => `<w:tc>${paragraphXml(cell)}</w:tc>`).join("")}</w:tr>`).join("")}</w:tbl>`;
      return paragraphXml(part.text ?? "", part.heading ? `Heading${part.heading}` : undefined);
    })
    .join("");
  const styles = [1, 2, 3].map((level) => `<w:style w:type="paragraph" w:styleId="Heading${level}"><w:name w:val="heading ${level}"/></w:style>`).join("");
  const zip = new JSZip();
  zip.file("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>');
  zip.file("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  zip.file("word/_rels/document.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>');
  zip.file("word/styles.xml", `<?xml version="1.0" encoding="UTF-8"?><w:styles ${w}>${styles}</w:styles>`);
  zip.file("word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document ${w}><w:body>${xml}</w:body></w:document>`);
  for (const [name, content] of Object.entries(extra)) zip.file(name, content);
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

/** An OLE2 compound-file header, the start of every old binary .doc. */
export function legacyDocBytes(): Uint8Array {
  return Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array<number>(504).fill(0)]);
}

/**
 * A long regulation for the benchmark: `pages` pages, each with two Pasal of three ayat of about 40 words, the
 * wording varied by Pasal number so no two passages are the same.
 */
export function longRegulationSpec(pages: number): PdfSpec {
  const topics = ["layanan administrasi pemerintahan", "manajemen data", "keamanan informasi", "infrastruktur jaringan intra pemerintah", "aplikasi umum", "audit teknologi informasi"];
  const body: PdfBlock[][] = [];
  for (let page = 1; page <= pages; page++) {
    const blocks: PdfBlock[] = [];
    for (let k = 0; k < 2; k++) {
      const pasal = 2 * page + k - 1;
      const topic = topics[pasal % topics.length]!;
      blocks.push({ lines: [`Pasal ${pasal}`] });
      for (let ayat = 1; ayat <= 3; ayat++) {
        blocks.push({
          text: `(${ayat}) Penyelenggaraan ${topic} sebagaimana dimaksud dalam Pasal ${Math.max(1, pasal - 1)} dilaksanakan oleh instansi pusat dan pemerintah daerah sesuai dengan standar nomor ${pasal}.${ayat} yang ditetapkan menteri, dengan memperhatikan kebutuhan pengguna, ketersediaan anggaran tahun ${2018 + (pasal % 7)}, serta hasil evaluasi tahunan.`,
        });
      }
    }
    body.push(blocks);
  }
  return { header: REGULATION_HEADER, footer: PAGE_FOOTER, pages: body };
}
