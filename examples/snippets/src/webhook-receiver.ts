import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

// The same whsec_… value as the server's WEBHOOK_SECRET, kept out of the code.
const webhook = new Webhook(readFileSync("/run/secrets/tollgate-webhook", "utf8").trim());
const seen = new Set<string>();

createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    try {
      // Throws when the signature, the body or the timestamp (stale: a replay) is wrong.
      const event = webhook.verify(body, req.headers as Record<string, string>) as { type: string };
      const id = String(req.headers["webhook-id"]);
      if (!seen.has(id)) {
        seen.add(id); // the same id on every retry: handle each event once
        console.info(`received ${event.type}`);
      }
      res.writeHead(204).end();
    } catch {
      res.writeHead(400).end();
    }
  });
}).listen(4000, "127.0.0.1");
