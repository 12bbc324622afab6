import { defineConfig } from "vitest/config";

/** End-to-end suite: the real bot process against the fake Bot API (real model and index, so slow). */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
  },
});
