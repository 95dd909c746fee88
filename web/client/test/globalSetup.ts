import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

/** The real Api host (built by the test command), on free loopback ports, for the whole run. */
const secret = "vitest-only-secret-0123456789abcdef-0123456789";
let host: ChildProcess | undefined;
let data = "";

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

export default async function setup(project: TestProject) {
  const dll = resolve(__dirname, "../../../Api/bin/Debug/net10.0/CreatiWall.Api.dll");
  if (!existsSync(dll)) throw new Error(`build the host first (dotnet build): ${dll} is missing`);
  const [http, tcp] = [await freePort(), await freePort()];
  data = mkdtempSync(join(tmpdir(), "cw-vitest-"));
  host = spawn("dotnet", [dll, "--urls", `http://127.0.0.1:${http}`], {
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: "Production",
      JWT_SECRET: secret,
      Mqtt__TcpPort: String(tcp),
      Storage__ConnectionString: `Data Source=${join(data, "broker.db")}`,
    },
    stdio: "ignore",
  });
  const baseUrl = `http://127.0.0.1:${http}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error("the host did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
  project.provide("baseUrl", baseUrl);
  project.provide("secret", secret);
  return () => {
    host?.kill("SIGKILL");
    host?.unref();
    rmSync(data, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    secret: string;
  }
}
