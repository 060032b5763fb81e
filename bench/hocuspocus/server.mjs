// Hocuspocus (the Node.js Yjs backend) with its SQLite extension: a baseline of spwt bench.
//
// One Yjs document per room, named by the path's last part (/ws/R0 -> "R0", as the bench
// clients name it in every message too). Every client is let in: the bench client sends
// an empty token, as the Auth step of the Hocuspocus protocol asks before Sync.
// Hocuspocus acknowledges an update (SyncStatus) as soon as it is applied in memory and
// stores the document debounced, 2 s after the last change and at most 10 s after the
// first (its defaults, kept here), so a crash loses up to 10 s of acknowledged work.
//
//     node server.mjs --port 8767 --database /tmp/hocuspocus.sqlite
import { Server } from "@hocuspocus/server";
import { SQLite } from "@hocuspocus/extension-sqlite";

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

const server = new Server({
  port: Number(option("port", "8767")),
  address: option("host", "127.0.0.1"),
  quiet: true,
  extensions: [new SQLite({ database: option("database", "hocuspocus.sqlite") })],
});

// SIGTERM: store what is pending, as a deployment's orderly stop would, then leave.
process.on("SIGTERM", async () => {
  await server.destroy();
  process.exit(0);
});

await server.listen();
