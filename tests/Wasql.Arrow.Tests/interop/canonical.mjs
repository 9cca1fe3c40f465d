// Canonical JSON view of an apache-arrow Table, matched by Canonical.cs on the .NET side:
// fixed-width values as little-endian hex of their stored bytes, strings as text, binary as hex,
// lists as arrays, structs as objects, maps as [key, value] pairs, NULL as null.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../../package.json', import.meta.url));
export const arrow = require('apache-arrow');
const { Type } = arrow;

const hex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const num = (v) => (typeof v === 'bigint' ? Number(v) : v);

function canon(data, i) {
  if (data.typeId === Type.Null || !data.getValid(i)) return null;
  switch (data.typeId) {
    case Type.Bool: {
      const k = data.offset + i;
      return (data.values[k >> 3] & (1 << (k & 7))) !== 0;
    }
    case Type.Utf8: case Type.LargeUtf8: case Type.Binary: case Type.LargeBinary: {
      const start = num(data.valueOffsets[i]), end = num(data.valueOffsets[i + 1]);
      const bytes = data.values.subarray(start, end);
      return data.typeId === Type.Utf8 || data.typeId === Type.LargeUtf8 ? Buffer.from(bytes).toString('utf8') : hex(bytes);
    }
    case Type.List: case Type.LargeList: {
      const start = num(data.valueOffsets[i]), end = num(data.valueOffsets[i + 1]);
      const out = [];
      for (let k = start; k < end; k++) out.push(canon(data.children[0], k));
      return out;
    }
    case Type.Map: {
      const start = num(data.valueOffsets[i]), end = num(data.valueOffsets[i + 1]);
      const entries = data.children[0];
      const out = [];
      for (let k = start; k < end; k++) out.push([canon(entries.children[0], k), canon(entries.children[1], k)]);
      return out;
    }
    case Type.FixedSizeList: {
      const n = data.type.listSize, out = [];
      for (let k = 0; k < n; k++) out.push(canon(data.children[0], i * n + k));
      return out;
    }
    case Type.Struct: {
      const out = {};
      data.type.children.forEach((f, k) => { out[f.name] = canon(data.children[k], i); });
      return out;
    }
    case Type.Dictionary: {
      const index = num(data.values[i]);
      return canonVector(data.dictionary, index);
    }
    default: {
      const { values, stride } = data;
      const width = values.BYTES_PER_ELEMENT * stride;
      return hex(new Uint8Array(values.buffer, values.byteOffset + i * width, width));
    }
  }
}

function canonVector(vector, index) {
  for (const chunk of vector.data) {
    if (index < chunk.length) return canon(chunk, index);
    index -= chunk.length;
  }
  throw new Error('index outside vector');
}

export function canonicalTable(table) {
  const fields = table.schema.fields;
  const columns = {};
  fields.forEach((f, c) => {
    const values = [];
    for (const batch of table.batches) {
      const data = batch.data.children[c];
      for (let i = 0; i < data.length; i++) values.push(canon(data, i));
    }
    columns[f.name] = values;
  });
  return {
    fields: fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable, metadata: Object.fromEntries(f.metadata) })),
    metadata: Object.fromEntries(table.schema.metadata),
    numRows: table.numRows,
    batches: table.batches.length,
    columns,
  };
}
