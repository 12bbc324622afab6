/**
 * A made-up article (not in the seed knowledge base) for tests that add one and then ask about it: the first
 * paragraph alone, then the paragraph that holds the answer to QUESTION.
 */
export const GERAI_LAYAN_HEAD = `---
title: Kabupaten Contoh Buka Mal Pelayanan Publik Digital
source: Warta Contoh
date: 2025-02-11
---
Pemerintah Kabupaten Contoh membuka Mal Pelayanan Publik Digital bernama GERAI LAYAN pada Selasa (11/2/2025). Lewat GERAI LAYAN warga dapat mengurus akta kelahiran, izin usaha, dan kartu keluarga dari ponsel tanpa datang ke kantor dinas.
`;
export const GERAI_LAYAN_LATER_PARAGRAPH = "\nBupati Contoh mengatakan GERAI LAYAN melayani 214 jenis perizinan dan setiap permohonan diproses paling lama lima hari kerja.\n";
export const GERAI_LAYAN_ARTICLE = GERAI_LAYAN_HEAD + GERAI_LAYAN_LATER_PARAGRAPH;
export const GERAI_LAYAN_QUESTION = "Berapa jenis perizinan yang dilayani GERAI LAYAN?";
/** What a correct answer to GERAI_LAYAN_QUESTION quotes. */
export const GERAI_LAYAN_ANSWER = "214 jenis perizinan";
