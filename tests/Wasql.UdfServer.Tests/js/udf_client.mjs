// An independent client of wasql udf-server: @grpc/grpc-js with the Flight service definition (flight.proto) and
// apache-arrow for the IPC messages, driving the remote UDF protocol the way RisingWave's client does. Prints one JSON
// object with what it saw; FlightClientJsTests compares it. Usage: node udf_client.mjs HOST:PORT
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import * as arrow from 'apache-arrow';

const here = dirname(fileURLToPath(import.meta.url));
const definition = protoLoader.loadSync(join(here, 'flight.proto'), { keepCase: true, longs: String, enums: String, defaults: true });
const Flight = grpc.loadPackageDefinition(definition).arrow.flight.protocol.FlightService;
const client = new Flight(process.argv[2], grpc.credentials.createInsecure());
const path = (name) => ({ type: 'PATH', path: [name] });

const unary = (method, request) => new Promise((resolve, reject) => client[method](request, (e, r) => (e ? reject(e) : resolve(r))));
const collect = (call) => new Promise((resolve, reject) => {
  const items = [];
  call.on('data', (d) => items.push(d));
  call.on('error', reject);
  call.on('end', () => resolve(items));
});

// An IPC stream split into Flight messages: data_header = the flatbuffer Message, data_body = its body.
function toFlightData(table, name) {
  const bytes = arrow.tableToIPC(table, 'stream');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  let at = 0;
  while (at + 8 <= bytes.length) {
    let length = view.getInt32(at, true);
    at += 4;
    if (length === -1) { length = view.getInt32(at, true); at += 4; }
    if (length === 0) break;
    const header = bytes.subarray(at, at + length);
    at += length;
    const bodyLength = Number(arrow.Message.decode(header).bodyLength);
    out.push({ flight_descriptor: path(name), data_header: Buffer.from(header), data_body: Buffer.from(bytes.subarray(at, at + bodyLength)) });
    at += bodyLength;
  }
  return out;
}

// Flight messages back into an IPC stream apache-arrow reads.
function fromFlightData(messages) {
  const parts = [];
  for (const m of messages) {
    const header = m.data_header;
    if (header.length === 0) continue;
    const padded = (header.length + 7) & ~7;
    const prefix = Buffer.alloc(8);
    prefix.writeInt32LE(-1, 0);
    prefix.writeInt32LE(padded, 4);
    parts.push(prefix, header, Buffer.alloc(padded - header.length), m.data_body);
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
  return arrow.tableFromIPC(Buffer.concat(parts));
}

async function exchange(name, table) {
  const call = client.DoExchange();
  const done = collect(call);
  for (const m of toFlightData(table, name)) call.write(m);
  call.end();
  return fromFlightData(await done);
}

const rows = (table) => table.toArray().map((r) => Object.fromEntries(Object.entries(r.toJSON()).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v])));
const out = {};
const version = await collect(client.DoAction({ type: 'protocol_version', body: Buffer.alloc(0) }));
out.protocolVersion = [...version[0].body];
const info = await unary('GetFlightInfo', path('gcd'));
const infoSchema = arrow.tableFromIPC(Buffer.concat([info.schema, Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])])).schema;
out.gcdInfo = { totalRecords: Number(info.total_records), fields: infoSchema.fields.map((f) => `${f.name}:${f.type}`) };
out.functions = (await collect(client.ListFlights({ expression: Buffer.alloc(0) }))).map((f) => f.flight_descriptor.path[0]).sort();
const pairs = arrow.tableFromArrays({ a: Int32Array.from([15, 5, 0, 12]), b: Int32Array.from([25, 0, 1, 18]) });
const withNull = new arrow.Table({ a: arrow.vectorFromArray([7, null], new arrow.Int32()), b: arrow.vectorFromArray([21, 3], new arrow.Int32()) });
out.gcd = rows(await exchange('gcd', pairs)).concat(rows(await exchange('gcd', withNull)));
out.concat = rows(await exchange('concat', new arrow.Table({ a: arrow.vectorFromArray(['wa', null], new arrow.Utf8()), b: arrow.vectorFromArray(['sql', 'x'], new arrow.Utf8()) })));
out.series = rows(await exchange('series', new arrow.Table({ n: arrow.vectorFromArray([2, 1], new arrow.Int32()) })));
try {
  await exchange('div', arrow.tableFromArrays({ a: Int32Array.from([1]), b: Int32Array.from([0]) }));
  out.divError = null;
} catch (e) {
  out.divError = { code: grpc.status[e.code], details: e.details };
}
try {
  await unary('GetFlightInfo', path('nope'));
} catch (e) {
  out.unknown = { code: grpc.status[e.code], details: e.details };
}
client.close();
process.stdout.write(JSON.stringify(out));
