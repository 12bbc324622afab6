import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The real model and real indexes are loaded in tests; the first load converts and warms up ONNX.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
