import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';

// GitHub's docs ("Webhook events and payloads"): "Payloads are capped at 25 MB. If an event
// generates a larger payload, GitHub will not deliver a payload for that webhook event." So a
// larger body is not GitHub's, and is refused before it is held: @octokit/webhooks reads the whole
// body into memory before it checks the signature, and a 1 GB unsigned request took the App from
// 91 MB to 2.1 GB. Counted in binary megabytes, the larger reading, so no real delivery is refused.
export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;

type NodeMiddleware = Awaited<ReturnType<Probot['getNodeMiddleware']>>;

const TOO_LARGE = JSON.stringify({ error: `Payload too large: GitHub caps webhook payloads at ${MAX_WEBHOOK_BODY_BYTES / (1024 * 1024)} MB` });

function refuse(req: IncomingMessage, res: ServerResponse): true {
  if (!res.headersSent) {
    // Connection: close and then destroy: the rest of the body is neither read nor kept.
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close', 'content-length': Buffer.byteLength(TOO_LARGE) });
    res.end(TOO_LARGE, () => req.destroy());
  } else {
    req.destroy();
  }
  return true;
}

/**
 * The body of a webhook request, counted as it streams: undefined (and the request refused with
 * 413) as soon as it passes `limit`, or when its Content-Length says it will.
 */
async function readCapped(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    refuse(req, res);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        chunks.length = 0;
        refuse(req, res);
        return undefined;
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    // The client went away mid-body: nothing to answer.
    return undefined;
  }
  return Buffer.concat(chunks);
}

/**
 * Caps the bodies probot's webhook middleware accepts. The middleware takes an already read body
 * from `request.rawBody` (as under Express), so the body is read here, counted, and handed over;
 * the signature is then checked on exactly those bytes. Only POSTs to the webhook path are read.
 */
export function capWebhookBodies(app: Probot, limit = MAX_WEBHOOK_BODY_BYTES): void {
  const original = app.getNodeMiddleware.bind(app);
  app.getNodeMiddleware = async (options) => {
    const middleware: NodeMiddleware = await original(options);
    const path = options?.path ?? app.webhookPath;
    return (async (req: IncomingMessage, res: ServerResponse, next?: () => void) => {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
      if (req.method !== 'POST' || pathname !== path.replace(/\/+$/, '')) return middleware(req, res, next);
      const body = await readCapped(req, res, limit);
      if (body === undefined) return true;
      Object.assign(req, { rawBody: body, body: {} });
      return middleware(req, res, next);
    }) as NodeMiddleware;
  };
}
