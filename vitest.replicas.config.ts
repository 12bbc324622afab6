import { defineConfig } from "vitest/config";

/**
 * Replica suite at full size (`npm run test:replicas`): two bot processes behind a round-robin proxy, 100 users ×
 * 20 questions. Override with REPLICAS_USERS, REPLICAS_QUESTIONS. `npm test` runs the same file at CI size (10 × 3).
 */
export default defineConfig({
  test: {
    include: ["test/replicas/**/*.test.ts"],
    env: {
      REPLICAS_USERS: process.env.REPLICAS_USERS ?? "100",
      REPLICAS_QUESTIONS: process.env.REPLICAS_QUESTIONS ?? "20",
    },
    testTimeout: 60 * 60 * 1000,
    hookTimeout: 600_000,
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
  },
});
