import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * Generation leases: how replicas sharing one DATA_DIR keep a refresh from deleting a generation that another
 * process still serves or is loading.
 *
 * A process holds a lease on every generation it serves or is loading: an empty file
 * `DATA_DIR/leases/<generation>@<host>+<pid>+<random>` whose modification time it renews every 10 s. Pruning keeps
 * every generation with a lease younger than the lease time (60 s). A killed process stops renewing, so its
 * leases lapse on their own; on the same host a lease whose process is gone counts as lapsed at once (a process
 * id means nothing on another machine sharing the volume, so there only the time counts).
 *
 * A loader takes the lease before it reads CURRENT's generation and confirms the folder afterwards, so a pruner
 * that listed the leases a moment earlier is the only race left: the load then fails, the old snapshot keeps
 * serving, and the next poll loads the generation that is current by then.
 */
const LEASES_DIR = "leases";
const LEASE_RENEW_MS = 10_000;

/** Longer than several missed renewals, so a busy event loop never loses a lease. */
export function leaseTtlMs(): number {
  // Tests of a killed replica shorten the wait for its lease to lapse. Never set in production.
  const raw = Number(process.env.TANYA_TEST_LEASE_TTL_MS);
  return Number.isFinite(raw) && raw >= 1_000 ? raw : 60_000;
}

export class GenerationLeases {
  /** Generation → how many holds (a load and the serving snapshot may hold the same one); the file goes at zero. */
  private readonly held = new Map<string, number>();
  private readonly holder = `${os.hostname()}+${process.pid}+${randomBytes(3).toString("hex")}`;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly dataDir: string) {
    this.timer = setInterval(() => void this.renew(), Math.min(LEASE_RENEW_MS, leaseTtlMs() / 4));
    this.timer.unref();
  }

  private file(generation: string): string {
    return path.join(this.dataDir, LEASES_DIR, `${generation}@${this.holder}`);
  }

  /**
   * Best effort: a process that cannot write to DATA_DIR (e.g. `npm run ask` on a read-only copy) still loads the
   * index; it just cannot protect it from a pruner, and it never prunes anything itself.
   */
  async hold(generation: string): Promise<void> {
    this.held.set(generation, (this.held.get(generation) ?? 0) + 1);
    await fs
      .mkdir(path.join(this.dataDir, LEASES_DIR), { recursive: true })
      .then(() => fs.writeFile(this.file(generation), ""))
      .catch(() => {});
  }

  async release(generation: string): Promise<void> {
    const holds = (this.held.get(generation) ?? 0) - 1;
    if (holds > 0) {
      this.held.set(generation, holds);
      return;
    }
    this.held.delete(generation);
    await fs.rm(this.file(generation), { force: true });
  }

  /** Renews every held lease; one deleted by hand (or by a too-eager pruner) is written again. */
  private async renew(): Promise<void> {
    const now = new Date();
    for (const generation of this.held.keys()) {
      await fs.utimes(this.file(generation), now, now).catch(() => fs.writeFile(this.file(generation), "").catch(() => {}));
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const generation of [...this.held.keys()]) {
      this.held.delete(generation);
      await fs.rm(this.file(generation), { force: true });
    }
  }
}

/** Whether the process holding a lease is known to be gone: only decidable on the same host. */
function holderIsGone(holder: string): boolean {
  const [host, pid] = holder.split("+");
  if (host !== os.hostname() || !/^\d+$/.test(pid ?? "")) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Generations some process holds a live lease on; lapsed lease files are deleted on the way. */
export async function leasedGenerations(dataDir: string): Promise<Set<string>> {
  const folder = path.join(dataDir, LEASES_DIR);
  const entries = await fs.readdir(folder).catch(() => [] as string[]);
  const leased = new Set<string>();
  const oldest = Date.now() - leaseTtlMs();
  for (const entry of entries) {
    const at = entry.indexOf("@");
    const stat = await fs.stat(path.join(folder, entry)).catch(() => undefined);
    if (at <= 0 || !stat) continue;
    if (stat.mtimeMs >= oldest && !holderIsGone(entry.slice(at + 1))) leased.add(entry.slice(0, at));
    else await fs.rm(path.join(folder, entry), { force: true });
  }
  return leased;
}
