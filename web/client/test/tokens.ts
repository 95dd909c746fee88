import { createHmac, randomUUID } from "node:crypto";

const b64 = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** An HS256 JWT as the CMS would mint it. */
export function token(secret: string, claims: { tenant: string; sub: string; role?: string; devices?: string[] }, ttlSeconds = 3600) {
  const header = b64(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64(JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds }));
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export const tenant = () => "t" + randomUUID().replaceAll("-", "").slice(0, 8);
