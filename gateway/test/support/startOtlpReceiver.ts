import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A span as an OTLP collector received it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** The instrumentation scope (the kit names its tracers after the service). */
  scope: string;
  /** The process's `service.name` resource attribute. */
  service: string;
}

type Field = { number: number; wire: number; value: Buffer | bigint };

/** The protobuf wire format, just enough of it to read an ExportTraceServiceRequest (no schema compiler needed). */
function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[at++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
    }
  };
  while (at < buffer.length) {
    const key = Number(varint());
    const wire = key & 7;
    const number = key >>> 3;
    if (wire === 0) out.push({ number, wire, value: varint() });
    else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      out.push({ number, wire, value: buffer.subarray(at, at + size) });
      at += size;
    } else if (wire === 2) {
      const length = Number(varint());
      out.push({ number, wire, value: buffer.subarray(at, at + length) });
      at += length;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const bytesOf = (list: Field[], number: number) => list.filter((f) => f.number === number && f.wire === 2).map((f) => f.value as Buffer);
const text = (list: Field[], number: number) => bytesOf(list, number)[0]?.toString('utf8') ?? '';
const hex = (list: Field[], number: number) => bytesOf(list, number)[0]?.toString('hex') ?? '';

/** ExportTraceServiceRequest { resource_spans = 1 } → ResourceSpans { resource = 1, scope_spans = 2 } → ScopeSpans { scope = 1, spans = 2 }. */
export function decodeTraceRequest(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of bytesOf(fields(body), 1).map(fields)) {
    const resource = bytesOf(resourceSpans, 1).map(fields)[0] ?? [];
    let service = '';
    for (const attribute of bytesOf(resource, 1).map(fields)) {
      if (text(attribute, 1) === 'service.name') service = text(fields(bytesOf(attribute, 2)[0] ?? Buffer.alloc(0)), 1);
    }
    for (const scopeSpans of bytesOf(resourceSpans, 2).map(fields)) {
      const scope = text(fields(bytesOf(scopeSpans, 1)[0] ?? Buffer.alloc(0)), 1);
      for (const span of bytesOf(scopeSpans, 2).map(fields)) {
        const kind = span.find((f) => f.number === 6 && f.wire === 0)?.value;
        spans.push({ traceId: hex(span, 1), spanId: hex(span, 2), parentSpanId: hex(span, 4), name: text(span, 5), kind: Number(kind ?? 0), scope, service });
      }
    }
  }
  return spans;
}

/**
 * A small OTLP/HTTP traces receiver for tests: accepts protobuf POSTs on
 * /v1/traces (gzip or not) like a collector, and keeps what it decoded.
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const contentTypes = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
      contentTypes.add(String(req.headers['content-type']));
      const raw = Buffer.concat(chunks);
      spans.push(...decodeTraceRequest(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw));
      // An empty ExportTraceServiceResponse: everything accepted.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
