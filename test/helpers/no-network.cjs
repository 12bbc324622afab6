/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, loaded with --require */
// Preloaded with --require (also into every worker thread, which inherits the flags): any attempt to reach the
// network — a socket connect, a DNS lookup, fetch — throws. Each thread announces itself on stderr, so a test
// can check that the guard really ran where the work happened.
const dns = require("node:dns");
const net = require("node:net");
const { threadId } = require("node:worker_threads");

class NetworkForbidden extends Error {}
const forbid = (what) => () => {
  throw new NetworkForbidden(`network access attempted (${what})`);
};

net.Socket.prototype.connect = forbid("socket connect");
for (const name of ["lookup", "resolve", "resolve4", "resolve6", "resolveAny"]) {
  dns[name] = forbid(`dns.${name}`);
  dns.promises[name] = forbid(`dns.promises.${name}`);
}
globalThis.fetch = forbid("fetch");
process.stderr.write(`network-guard thread ${threadId}\n`);
