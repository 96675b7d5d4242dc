// The BullMQ peer of clsim_live_bench's rule-events load: the same work as
// POST /v1/events -> rule match -> payment, on the same redis-server, the way a
// Node shop would build it. A producer adds N "customer event" jobs with `window`
// adds in flight (as the bench keeps `window` HTTP requests in flight); a worker
// matches the rule (type purchase, amount > 50 earns 10) and records the payment
// in Redis (HINCRBY on the user, INCRBY on the campaign's paid total) before the
// job completes. The jobId is the event id, so a repeated event is not added twice.
//
// Durability: BullMQ's ack is Redis memory (with the server's persistence setting);
// clsim commits each event, match and payment to SQLite with fsync. No ledger call,
// no budget check, no dead letters here: that is the fair minimum, stated in README.
//
// Usage: node bullmq_peer.mjs --socket PATH --events N [--window W] [--concurrency C]
// Prints one JSON line: {"events", "seconds", "per_s", "paid"}.
import { Queue, Worker } from "bullmq";

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const socket = arg("socket", "");
const events = Number(arg("events", "2000"));
const windowSize = Number(arg("window", "4"));
const concurrency = Number(arg("concurrency", "4"));
const connection = socket ? { path: socket, maxRetriesPerRequest: null } : { host: "127.0.0.1", port: 6379, maxRetriesPerRequest: null };
const name = `customer-events-${process.pid}`;

const queue = new Queue(name, { connection });
let done = 0;
let finish;
const allDone = new Promise((resolve) => (finish = resolve));

const worker = new Worker(
  name,
  async (job) => {
    const ev = job.data;
    // The rule: purchase with amount > 50 earns 10.
    if (ev.type === "purchase" && Number(ev.data?.amount) > 50) {
      const client = await worker.client;
      await client.multi().hincrby(`${name}:paid-by-user`, ev.user_id, 10).incrby(`${name}:paid`, 10).exec();
      return { reward: 10 };
    }
    return { reward: 0 };
  },
  { connection, concurrency, removeOnComplete: { count: 1000 } },
);
worker.on("completed", () => {
  if (++done === events) finish();
});
worker.on("failed", (job, err) => {
  console.error(`job ${job?.id} failed: ${err?.message}`);
  if (++done === events) finish();
});
await worker.waitUntilReady();

const start = process.hrtime.bigint();
let next = 0;
async function producer() {
  while (next < events) {
    const i = next++;
    const ev = { event_id: `e-${i}`, type: "purchase", user_id: `user-${i % 1000}`, data: { amount: 75, currency: "EUR" } };
    await queue.add("customer-event", ev, { jobId: ev.event_id, removeOnComplete: { count: 1000 } });
  }
}
await Promise.all(Array.from({ length: windowSize }, producer));
// Bounded: a stuck worker ends the peer with an error rather than hanging the bench.
const timeout = setTimeout(() => {
  console.error(`timed out with ${done}/${events} done`);
  process.exit(1);
}, 300_000);
await allDone;
clearTimeout(timeout);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const client = await queue.client;
const paid = Number(await client.get(`${name}:paid`));
console.log(JSON.stringify({ events, seconds, per_s: events / seconds, paid }));
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
process.exit(0);
