/**
 * A real Redis for the tests: Debian's `redis-server` (installed by .ci/run
 * when missing), started on a free loopback port with no persistence, and
 * stopped in teardown. `restart()` stops it and starts it again on the same
 * port, for the tests of a Redis that goes away mid-run (empty again, or
 * with its data when started `persistent`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server (SIGKILL when `hard`), then starts it again on the same port. */
  restart(options?: { hard?: boolean; downFor?: number }): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

async function launch(port: number, dataDir: string | undefined): Promise<ChildProcess> {
  // no persistence, unless a test asks for an append-only file that survives a restart
  const persistence = dataDir
    ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", dataDir]
    : ["--appendonly", "no"];
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      ...persistence,
      "--daemonize",
      "no",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // printed at the default log level once the port is open
      if (output.includes("Ready to accept connections")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (error) =>
      reject(
        new Error(
          `Could not start redis-server (${error.message}); install it: apt-get install -y redis-server`,
        ),
      ),
    );
    child.once("exit", (code) =>
      reject(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`)),
    );
  });
  await ready;
  return child;
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill(signal);
  await exited;
}

/** `persistent`: keep the data in an append-only file in a temporary folder, so a restart keeps it. */
export async function startRedis({ persistent = false } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dataDir = persistent ? await mkdtemp(join(tmpdir(), "runcue-redis-")) : undefined;
  let child = await launch(port, dataDir);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async restart({ hard = false, downFor = 0 } = {}) {
      await terminate(child, hard ? "SIGKILL" : "SIGTERM");
      if (downFor > 0) await new Promise((resolve) => setTimeout(resolve, downFor));
      child = await launch(port, dataDir);
    },
    async stop() {
      await terminate(child, "SIGTERM");
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
