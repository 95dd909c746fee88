import { readFileSync } from "node:fs";
import { expect, inject, it } from "vitest";

const baseUrl = inject("baseUrl");

// The REST types are generated from openapi/openapi.json, which `dotnet build` writes from the Api assembly (started in
// Development, without a server): it must be the document the host serves, here in Production.
it("generates the REST types from the document the host serves", async () => {
  const built: unknown = JSON.parse(readFileSync(new URL("../openapi/openapi.json", import.meta.url), "utf8"));
  const served = (await (await fetch(`${baseUrl}/openapi/v1.json`)).json()) as { servers?: unknown };
  delete served.servers; // the address of the request
  expect(built).toEqual(served);
});
