/**
 * The JSON side files Transformers.js reads next to onnx/*.onnx.
 */

/** sentence-transformers/all-MiniLM-L6-v2 truncates at 256 tokens (sentence_bert_config.json max_seq_length). */
export const MAX_SEQ_LENGTH = 256;

/**
 * config.json: the package's BertModel config plus a default dtype, so a
 * pipeline() call without { dtype } loads the fp32 graph instead of guessing.
 */
export function configJson(sourceConfig: Record<string, unknown>): string {
  const config = {
    ...sourceConfig,
    _name_or_path: "sentence-transformers/all-MiniLM-L6-v2",
    "transformers.js_config": { dtype: "fp32" },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * tokenizer_config.json as sentence-transformers ships it, except
 * model_max_length. Transformers.js truncates at model_max_length and ignores
 * the truncation/padding blocks inside tokenizer.json (which say 128, fixed
 * padding), so this value is what decides the sequence length. 256 matches
 * what sentence-transformers feeds the model.
 */
export function tokenizerConfigJson(): string {
  const config = {
    tokenizer_class: "BertTokenizer",
    do_lower_case: true,
    do_basic_tokenize: true,
    tokenize_chinese_chars: true,
    strip_accents: null,
    never_split: null,
    model_max_length: MAX_SEQ_LENGTH,
    padding_side: "right",
    clean_up_tokenization_spaces: true,
    unk_token: "[UNK]",
    sep_token: "[SEP]",
    pad_token: "[PAD]",
    cls_token: "[CLS]",
    mask_token: "[MASK]",
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
