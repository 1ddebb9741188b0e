// The remote side of quire's interop test: Fedify (https://fedify.dev), an ActivityPub
// implementation that shares no code with quire, driven by tests/it/interop.rs.
//
// Usage: node tests/interop/fedify.mjs http://127.0.0.1:QUIRE_PORT
//
// It starts an HTTP server on 127.0.0.1 (port chosen by the OS) and prints one JSON line on
// stdout: {"ready": "http://127.0.0.1:PORT"}. Then it reads commands, one JSON object a line,
// on stdin and answers each with one JSON line on stdout ({"ok": true, ...} or
// {"ok": false, "error": "..."}). Logs go to stderr. It exits when stdin closes.
//
// Commands:
// - {"cmd": "discover", "article": URL}: WebFinger + actor + Article lookups, parsed and
//   checked with Fedify's own vocabulary classes (@fedify/vocab).
// - {"cmd": "expand", "urls": [URL]}: fetches each document as ActivityStreams and expands
//   it with jsonld.js (the JSON-LD processor Fedify uses) in safe mode, which fails on any
//   term our @context does not define (a property every JSON-LD consumer would drop).
// - {"cmd": "follow", "spec": SPEC, "actor": URL, "inbox": URL?}: bob (an actor this process
//   serves) sends a signed Follow of `actor` (a URL or an acct: handle) to `inbox` (default:
//   the actor's inbox), signed first with SPEC ("rfc9421" or
//   "draft-cavage-http-signatures-12"; Fedify retries with the other one on a 4xx, "double
//   knocking"). Answers the Follow's id, bob's id, and the POSTs made to quire ("knocks").
// - {"cmd": "received"}: the activities bob's inbox accepted (Fedify verified their
//   signatures before its listeners saw them).
//
// HTTP routes:
// - /verify (any method): verifies the request's HTTP signature with Fedify's verifyRequestDetailed
//   (draft-cavage or RFC 9421, whichever the request carries; the key is fetched from the
//   keyId, i.e. from quire). 202 when it verifies, 401 with the reason otherwise.
// - everything else: Fedify's federation (bob's actor, key, inbox; WebFinger).

import http from "node:http";
import readline from "node:readline";
import { configure, getStreamSink } from "@logtape/logtape";
import jsonld from "jsonld";
import {
  createFederation,
  generateCryptoKeyPair,
  getDocumentLoader,
  MemoryKvStore,
  verifyRequestDetailed,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Announce,
  Article,
  Create,
  CryptographicKey,
  Endpoints,
  Follow,
  Group,
  lookupObject,
  Person,
} from "@fedify/vocab";

const quireBase = process.argv[2];
if (!quireBase) {
  console.error("usage: node fedify.mjs http://127.0.0.1:QUIRE_PORT");
  process.exit(2);
}
const quire = new URL(quireBase);

// Fedify's diagnostics (why a signature or a document was refused) on stderr; the Rust
// test shows stderr when it fails.
await configure({
  sinks: {
    stderr: getStreamSink(
      new WritableStream({
        write(chunk) {
          process.stderr.write(chunk);
        },
      }),
    ),
  },
  loggers: [
    { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    {
      category: "fedify",
      lowestLevel: process.env.FEDIFY_LOG ?? "warning",
      sinks: ["stderr"],
    },
  ],
});

// WebFinger is https-only (RFC 7033 §4), and Fedify looks up `acct:` handles over https,
// but quire listens on plain http on 127.0.0.1. This shim stands in for the TLS-terminating
// proxy a real deployment has: an https request to quire's own host:port goes to
// http://127.0.0.1:PORT with the same path. No other request is touched, and nothing Fedify
// reads is changed.
//
// The shim also records every POST Fedify makes to quire ("knocks": the signature scheme
// and quire's status), so the test can tell a first-knock success from a retry.
const realFetch = globalThis.fetch;
const knocks = [];
globalThis.fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input);
  if (url.protocol === "https:" && url.host === quire.host) {
    url.protocol = "http:";
    input = input instanceof Request ? new Request(url, input) : url;
  }
  const response = await realFetch(input, init);
  const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : {}));
  if (url.host === quire.host && method === "POST") {
    knocks.push({
      url: url.href,
      scheme: headers.has("Signature-Input") ? "rfc9421" : "draft-cavage-http-signatures-12",
      status: response.status,
    });
  }
  return response;
};

// Fedify refuses private and loopback addresses unless told otherwise; this test runs
// entirely on 127.0.0.1.
const documentLoader = getDocumentLoader({ allowPrivateAddress: true });
const contextLoader = documentLoader;
const lookupOptions = { documentLoader, contextLoader, allowPrivateAddress: true };

// ---------------------------------------------------------------------------------------
// Bob: a Fedify actor served by this process. Two federations share his key and dispatchers
// and differ only in which signature scheme they knock with first.

const bobKeys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const received = [];

function makeFederation(firstKnock) {
  const federation = createFederation({
    kv: new MemoryKvStore(),
    allowPrivateAddress: true,
    firstKnock,
  });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== "bob") return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: "Bob (Fedify)",
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => (identifier === "bob" ? [bobKeys] : []));
  const record = (kind) => async (ctx, activity) => {
    const object = await activity.getObject(lookupOptions).catch(() => null);
    received.push({
      type: kind,
      id: activity.id?.href ?? null,
      actor: activity.actorId?.href ?? null,
      objectType: object?.constructor?.name ?? null,
      objectId: object?.id?.href ?? activity.objectId?.href ?? null,
      objectName: object?.name?.toString() ?? null,
      recipient: ctx.recipient,
    });
  };
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Accept, record("Accept"))
    .on(Create, record("Create"))
    .on(Announce, record("Announce"))
    .on(Activity, record("Activity"));
  return federation;
}

const federations = {
  rfc9421: makeFederation("rfc9421"),
  "draft-cavage-http-signatures-12": makeFederation("draft-cavage-http-signatures-12"),
};
const federation = federations.rfc9421;

// ---------------------------------------------------------------------------------------
// Checks. Each throws with a precise message when Fedify disagrees with quire.

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function eq(actual, expected, what) {
  check(
    actual === expected,
    `${what}: expected ${JSON.stringify(expected)}, Fedify read ${JSON.stringify(actual)}`,
  );
}

/** Looks up an actor by its acct: handle and checks what Fedify parsed. */
async function checkActor(handle, cls, expectedId) {
  const actor = await lookupObject(handle, lookupOptions);
  check(actor != null, `lookupObject(${handle}) found nothing (WebFinger or actor fetch failed)`);
  check(
    actor instanceof cls,
    `${handle}: expected a ${cls.name}, Fedify parsed a ${actor.constructor.name}`,
  );
  eq(actor.id?.href, expectedId, `${handle} id`);
  eq(actor.inboxId?.href, `${expectedId}/inbox`, `${handle} inbox`);
  eq(actor.endpoints?.sharedInbox?.href, new URL("/inbox", quire).href, `${handle} sharedInbox`);
  eq(actor.outboxId?.href, `${expectedId}/outbox`, `${handle} outbox`);
  eq(actor.followersId?.href, `${expectedId}/followers`, `${handle} followers`);
  check(actor.name != null && actor.name.toString() !== "", `${handle}: no name`);
  const key = await actor.getPublicKey(lookupOptions);
  check(key instanceof CryptographicKey, `${handle}: publicKey is not a CryptographicKey`);
  eq(key.id?.href, `${expectedId}#main-key`, `${handle} publicKey id`);
  eq(key.ownerId?.href, expectedId, `${handle} publicKey owner`);
  // Fedify imports the PEM into a WebCrypto key while parsing; null means it could not.
  check(key.publicKey != null, `${handle}: Fedify could not import publicKeyPem`);
  eq(key.publicKey.algorithm.name, "RSASSA-PKCS1-v1_5", `${handle} key algorithm`);
  return {
    id: actor.id.href,
    type: actor.constructor.name,
    preferredUsername: actor.preferredUsername?.toString() ?? null,
    name: actor.name.toString(),
    summary: actor.summary?.toString() ?? null,
    inbox: actor.inboxId.href,
    sharedInbox: actor.endpoints.sharedInbox.href,
    keyId: key.id.href,
    keyBits: key.publicKey.algorithm.modulusLength,
  };
}

async function names(iterable) {
  const out = [];
  for await (const item of iterable) out.push(item.name?.toString() ?? null);
  return out;
}

async function discover({ article }) {
  const host = quire.host;
  const person = await checkActor(`acct:alice@${host}`, Person, new URL("/@alice", quire).href);
  const group = await checkActor(`acct:blog@${host}`, Group, new URL("/@blog", quire).href);
  const post = await lookupObject(article, lookupOptions);
  check(post != null, `lookupObject(${article}) found nothing`);
  check(post instanceof Article, `${article}: Fedify parsed a ${post.constructor.name}, not an Article`);
  eq(post.id?.href, article, "Article id");
  const attributedTo = post.attributionIds.map((u) => u.href);
  check(
    attributedTo.includes(person.id),
    `Article attributedTo ${JSON.stringify(attributedTo)} lacks ${person.id}`,
  );
  return {
    person,
    group,
    article: {
      id: post.id.href,
      name: post.name?.toString() ?? null,
      summary: post.summary?.toString() ?? null,
      content: post.content?.toString() ?? null,
      url: post.url?.href ?? null,
      attributedTo,
      to: post.toIds.map((u) => u.href),
      cc: post.ccIds.map((u) => u.href),
      published: post.published?.toString() ?? null,
      tags: await names(post.getTags(lookupOptions)),
    },
  };
}

async function expand({ urls }) {
  for (const url of urls) {
    const response = await fetch(url, { headers: { Accept: "application/activity+json" } });
    check(response.ok, `GET ${url}: ${response.status}`);
    const document = await response.json();
    try {
      await jsonld.expand(document, { documentLoader, safe: true });
    } catch (error) {
      throw new Error(
        `${url}: JSON-LD expansion (safe mode) failed: ${error.message} ${JSON.stringify(error.details ?? {})}`,
      );
    }
  }
  return { expanded: urls.length };
}

async function follow({ spec, actor, inbox }) {
  const fed = federations[spec];
  check(fed != null, `unknown spec ${spec}`);
  const ctx = fed.createContext(new URL(origin), undefined);
  const target = await lookupObject(actor, lookupOptions);
  check(target != null, `lookupObject(${actor}) found nothing`);
  const recipient = inbox ? { id: target.id, inboxId: new URL(inbox) } : target;
  const activity = new Follow({
    id: new URL(`/follows/${crypto.randomUUID()}`, origin),
    actor: ctx.getActorUri("bob"),
    object: target.id,
  });
  // Throws (SendActivityError) when the inbox answers an error status to both knocks.
  knocks.length = 0;
  await ctx.sendActivity({ identifier: "bob" }, recipient, activity, { immediate: true });
  return { id: activity.id.href, actor: ctx.getActorUri("bob").href, knocks };
}

// ---------------------------------------------------------------------------------------
// HTTP server.

async function toRequest(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  const url = new URL(req.url, `http://${req.headers.host}`);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });
}

async function send(res, response) {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

async function verifyEndpoint(request) {
  const result = await verifyRequestDetailed(request, { documentLoader, contextLoader });
  if (result.verified) {
    return Response.json({ verified: true, keyId: result.key.id?.href }, { status: 202 });
  }
  return Response.json({ verified: false, reason: result.reason }, { status: 401 });
}

const server = http.createServer(async (req, res) => {
  try {
    const request = await toRequest(req);
    const url = new URL(request.url);
    if (url.pathname === "/verify") {
      await send(res, await verifyEndpoint(request));
    } else {
      await send(res, await federation.fetch(request, { contextData: undefined }));
    }
  } catch (error) {
    console.error("request failed:", error);
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(error?.stack ?? error));
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const commands = { discover, expand, follow, received: async () => ({ received }) };

function reply(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

reply({ ready: origin });
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === "") continue;
  let message;
  try {
    message = JSON.parse(line);
    const command = commands[message.cmd];
    check(command != null, `unknown command ${message.cmd}`);
    reply({ ok: true, ...(await command(message)) });
  } catch (error) {
    reply({ ok: false, error: String(error?.stack ?? error) });
  }
}
server.close();
server.closeAllConnections();
process.exit(0);
