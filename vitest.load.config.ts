import { defineConfig } from "vitest/config";

/**
 * Full-size load test (`npm run test:load`): 100 users × 20 questions × 5 rounds = 10,000 messages through the
 * fake Bot API to the real bot process. Override with LOAD_USERS, LOAD_QUESTIONS, LOAD_ROUNDS, LOAD_GROUP_SIZE,
 * LOAD_RSS_GROWTH_MB. `npm test` runs the same file at CI size (10 × 5 × 1).
 */
export default defineConfig({
  test: {
    include: ["test/load/**/*.test.ts"],
    env: {
      LOAD_USERS: process.env.LOAD_USERS ?? "100",
      LOAD_QUESTIONS: process.env.LOAD_QUESTIONS ?? "20",
      LOAD_ROUNDS: process.env.LOAD_ROUNDS ?? "5",
    },
    testTimeout: 60 * 60 * 1000,
    hookTimeout: 300_000,
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
  },
});
