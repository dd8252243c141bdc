// s3rver in its own process, so its CPU does not share the bench's event loop. Prints one JSON line
// {"port":N} on stdout once it listens; stops on SIGTERM or when its standard input closes (the bench
// is gone). Usage: node s3-server.mjs DIR BUCKET...
import { createServer } from "node:net";
import S3rver from "s3rver";

const [dir, ...buckets] = process.argv.slice(2);
const port = await new Promise((resolve, reject) => {
  const srv = createServer();
  srv.once("error", reject);
  srv.listen(0, "127.0.0.1", () => {
    const p = srv.address().port;
    srv.close(() => resolve(p));
  });
});
const server = new S3rver({ port, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
const stop = () => {
  // close() waits for keep-alive sockets: drop them, and give up after 2 s.
  const closing = server.close();
  server.httpServer?.closeAllConnections?.();
  Promise.race([closing, new Promise((r) => setTimeout(r, 2000))]).finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop).resume();
