/**
 * `POST /topics/{topic}/records`: one record per JSON body, or several as concatenated JSON (streaming mode),
 * each answered by a delivery report. Record-level failures (a read-only mirror, bad base64) come back inside an
 * HTTP 200 report with a non-200 `error_code`, as kafka-rest's StreamingResponse does.
 */
import { KafkaError, RestError, badRequest, unknownTopic } from './errors.js';
import type { Reply, RequestContext } from './routes.js';
import type { Topic } from './state.js';
import type { DataPlaneBrokers } from './types.js';
import { append, readOnlyMessage, writable } from './topics.js';

type Report = Record<string, unknown>;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Handles a produce request: one report, or concatenated reports in streaming mode. With `brokers` (a data plane's,
 * DataPlane.brokers) the records go to them, one after the other; the rules of the control plane (a mirror that is
 * not STOPPED takes no writes) are checked here first, as for the memory.
 */
export async function produceRecords(ctx: RequestContext, brokers?: DataPlaneBrokers): Promise<Reply> {
  if (!ctx.contentType.toLowerCase().includes('application/json')) throw new RestError(415, 415, 'HTTP 415 Unsupported Media Type');
  const name = ctx.params.topic_name;
  const topic = ctx.cluster.topics.get(name);
  let partitions: number;
  if (brokers) {
    const held = (await brokers.topics()).find((t) => t.name === name);
    if (!held) throw unknownTopic();
    partitions = held.partitions;
  } else {
    if (!topic) throw unknownTopic();
    partitions = topic.partitions.length;
  }
  if (!ctx.rawBody.trim()) throw new RestError(422, 422, 'Payload error. Request body is empty. Data is required.');
  let values: unknown[];
  try {
    values = splitConcatenatedJson(ctx.rawBody);
  } catch (err) {
    throw badRequest(`Error processing JSON: ${(err as Error).message}`, 400);
  }
  const target: Target = { name, partitions, memory: topic, brokers };
  if (values.length === 1) return { status: 200, body: await produceOne(ctx, target, values[0], true) };
  const reports: Report[] = [];
  for (const v of values) reports.push(await produceOne(ctx, target, v, false));
  return { status: 200, text: reports.map((r) => JSON.stringify(r)).join('\n') };
}

/** Where a request's records go: the topic in memory, or the brokers' (the memory's topic then only for its rules). */
interface Target {
  name: string;
  partitions: number;
  memory: Topic | undefined;
  brokers: DataPlaneBrokers | undefined;
}

class RecordError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function produceOne(ctx: RequestContext, target: Target, input: unknown, single: boolean): Promise<Report> {
  try {
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw new RecordError(400, 'Bad Request: a record must be a JSON object.');
    const record = input as Record<string, unknown>;
    const partition = record.partition_id;
    if (partition != null && (typeof partition !== 'number' || !Number.isInteger(partition)))
      throw new RecordError(400, 'Bad Request: partition_id must be an integer.');
    if (typeof partition === 'number' && (partition < 0 || partition >= target.partitions)) {
      if (single) throw unknownTopic();
      throw new RecordError(40403, 'This server does not host this topic-partition.');
    }
    const key = data(record.key, 'key');
    const value = data(record.value, 'value');
    const headers = headerList(record.headers);
    let timestamp: number | undefined;
    if (record.timestamp != null) {
      timestamp = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : NaN;
      if (Number.isNaN(timestamp)) throw new RecordError(400, `Bad Request: timestamp ${JSON.stringify(record.timestamp)} is not an ISO-8601 date-time.`);
    }
    if (target.memory && !writable(target.memory)) throw new RecordError(40002, readOnlyMessage(target.name));
    let placed: { partition: number; offset: number; timestamp: number };
    if (target.brokers) {
      const sent = await target.brokers.produce(target.name, {
        partition: typeof partition === 'number' ? partition : undefined,
        key: key?.bytes ?? null,
        value: value?.bytes ?? null,
        headers,
        timestamp: timestamp ?? Date.now(),
      });
      // As kafka-rest reports a failed send: retriable (a timeout, a broker out of reach) or not.
      if ('error' in sent) throw new RecordError(sent.retriable ? 50003 : 50002, `${sent.retriable ? 'Retriable Kafka error' : 'Kafka error'}: ${sent.error}`);
      placed = sent;
    } else {
      const topic = target.memory!;
      const [at] = append(
        ctx.world,
        ctx.cluster,
        topic,
        [
          {
            key: key?.stored,
            value: value?.stored ?? '',
            timestamp,
            headers: headers?.map((h) => ({ name: h.name, value: h.value && h.value.toString('utf8') })),
          },
        ],
        typeof partition === 'number' ? partition : undefined,
      );
      placed = { ...at, timestamp: topic.partitions[at.partition][at.offset].timestamp };
    }
    return {
      error_code: 200,
      cluster_id: ctx.cluster.id,
      topic_name: target.name,
      partition_id: placed.partition,
      offset: placed.offset,
      timestamp: new Date(placed.timestamp).toISOString(),
      key: key ? { type: key.type, size: key.size } : null,
      value: value ? { type: value.type, size: value.size } : null,
    };
  } catch (err) {
    if (err instanceof RecordError) return { error_code: err.code, message: err.message };
    if (err instanceof KafkaError) return { error_code: 40002, message: err.message };
    throw err;
  }
}

function data(field: unknown, name: string): { stored: string; bytes: Buffer; type: string; size: number } | undefined {
  if (field == null) return undefined;
  if (typeof field !== 'object' || Array.isArray(field)) throw new RecordError(400, `Bad Request: ${name} must be an object {type, data}.`);
  const { type: rawType, data: payload } = field as { type?: unknown; data?: unknown };
  const type = rawType == null ? 'JSON' : String(rawType).toUpperCase();
  if (payload === undefined || payload === null) return undefined;
  switch (type) {
    case 'STRING': {
      if (typeof payload !== 'string') throw new RecordError(400, `Bad Request: ${name}.data must be a string for type STRING.`);
      const bytes = Buffer.from(payload);
      return { stored: payload, bytes, type, size: bytes.length };
    }
    case 'JSON': {
      const stored = JSON.stringify(payload);
      const bytes = Buffer.from(stored);
      return { stored, bytes, type, size: bytes.length };
    }
    case 'BINARY': {
      if (typeof payload !== 'string' || !BASE64.test(payload))
        throw new RecordError(400, `Bad Request: data=${JSON.stringify(payload)} is not a base64 string.`);
      const bytes = Buffer.from(payload, 'base64');
      return { stored: bytes.toString('utf8'), bytes, type, size: bytes.length };
    }
    default:
      throw new RecordError(400, `Bad Request: ${name} type ${type} is not supported here: use BINARY, JSON or STRING (no Schema Registry).`);
  }
}

function headerList(headers: unknown): Array<{ name: string; value: Buffer | null }> | undefined {
  if (headers == null) return undefined;
  if (!Array.isArray(headers)) throw new RecordError(400, 'Bad Request: headers must be an array of {name, value}.');
  return headers.map((h: { name?: unknown; value?: unknown }) => {
    if (!h || typeof h.name !== 'string') throw new RecordError(400, 'Bad Request: every header needs a name.');
    if (h.value == null) return { name: h.name, value: null };
    if (typeof h.value !== 'string' || !BASE64.test(h.value)) {
      throw new RestError(400, 400, `Cannot deserialize value of type \`byte[]\` from String ${JSON.stringify(h.value)}: header values must be base64.`);
    }
    return { name: h.name, value: Buffer.from(h.value, 'base64') };
  });
}

/** Splits concatenated JSON values (`{...}{...}` or newline-separated) as the streaming produce mode sends them. */
export function splitConcatenatedJson(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (ch === '{' || ch === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth < 0) throw new Error(`unexpected '${ch}' at position ${i}`);
      if (depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
    } else if (depth === 0 && !/\s/.test(ch)) {
      throw new Error(`unexpected '${ch}' at position ${i}: each record must be a JSON object`);
    }
  }
  if (depth !== 0 || inString) throw new Error('unexpected end of input');
  return values;
}
