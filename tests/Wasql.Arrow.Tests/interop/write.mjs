// Writes Arrow IPC files and streams with apache-arrow for InteropTests (JS writes, Wasql reads):
// every type JS supports, NULLs, two batches, a dictionary column and a sliced batch. For each output
// <dir>/<name>.arrow (file) and <dir>/<name>.arrows (stream) it writes <dir>/<name>.json, the canonical view.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arrow, canonicalTable } from './canonical.mjs';

const A = arrow;
const dir = process.argv[2];
const f = (name, type, nullable = true, metadata) => new A.Field(name, type, nullable, metadata ? new Map(Object.entries(metadata)) : undefined);
const point = new A.Struct([f('x', new A.Int32()), f('label', new A.Utf8())]);
const dictType = new A.Dictionary(new A.Utf8(), new A.Int32(), 7);
const dictValues = A.vectorFromArray(['red', 'green'], new A.Utf8());
const i32x4 = (a, b, c, d) => new Int32Array([a, b, c, d]);

const columns = [
  [f('null', new A.Null()), [null, null, null, null]],
  [f('bool', new A.Bool()), [true, false, null, true]],
  [f('i8', new A.Int8()), [-128, 127, null, 0]],
  [f('i16', new A.Int16()), [-32768, 32767, null, -1]],
  [f('i32', new A.Int32()), [-2147483648, 2147483647, null, 42]],
  [f('i64', new A.Int64()), [-9223372036854775808n, 9223372036854775807n, null, -7n]],
  [f('u8', new A.Uint8()), [0, 255, null, 7]],
  [f('u16', new A.Uint16()), [0, 65535, null, 7]],
  [f('u32', new A.Uint32()), [0, 4294967295, null, 7]],
  [f('u64', new A.Uint64()), [0n, 18446744073709551615n, null, 7n]],
  [f('f16', new A.Float16()), [1.5, -2, null, 65504]],
  [f('f32', new A.Float32()), [1.5, -0.25, null, 3.4028234663852886e38]],
  [f('f64', new A.Float64()), [Math.PI, -1e300, null, 0]],
  [f('utf8', new A.Utf8()), ['rising', '', null, 'wave ∑ 日本 🎉']],
  [f('large_utf8', new A.LargeUtf8()), ['a', null, 'bcd', '']],
  [f('binary', new A.Binary()), [new Uint8Array([1, 2, 3]), new Uint8Array(0), null, new Uint8Array([0, 255])]],
  [f('large_binary', new A.LargeBinary()), [null, new Uint8Array([9]), new Uint8Array([8, 7]), new Uint8Array(0)]],
  [f('fsb', new A.FixedSizeBinary(3)), [new Uint8Array([1, 2, 3]), null, new Uint8Array([4, 5, 6]), new Uint8Array(3)]],
  [f('date32', new A.DateDay()), [new Date(0), new Date(Date.UTC(2022, 0, 8)), null, new Date(Date.UTC(1969, 0, 1))]],
  [f('date64', new A.DateMillisecond()), [new Date(0), new Date(1641600000000), null, new Date(-86400000)]],
  [f('time32s', new A.TimeSecond()), [0, 86399, null, 3600]],
  [f('time32ms', new A.TimeMillisecond()), [0, 86399999, null, 1]],
  [f('time64us', new A.TimeMicrosecond()), [0n, 86399999999n, null, 1n]],
  [f('time64ns', new A.TimeNanosecond()), [0n, 86399999999999n, null, 1n]],
  [f('ts_us', new A.TimestampMicrosecond()), [0, 1700000000000, null, 1]],
  [f('ts_ms_utc', new A.TimestampMillisecond('UTC')), [0, 1700000000000, null, 1]],
  [f('ts_s_zone', new A.TimestampSecond('Europe/Paris')), [0, 1700000000000, null, 1000]],
  [f('dur_s', new A.DurationSecond()), [0n, -5n, null, 9223372036854775807n]],
  [f('dur_ns', new A.DurationNanosecond()), [1n, 2n, null, 3n]],
  [f('interval_mdn', new A.IntervalMonthDayNano()), [i32x4(1, 2, 3, 0), i32x4(-1, 0, -1, 0x7fffffff), null, i32x4(0, 0, 0, 0)]],
  [f('interval_dt', new A.IntervalDayTime()), [new Int32Array([1, 500]), new Int32Array([-2, 0]), null, new Int32Array([0, 1])]],
  [f('decimal', new A.Decimal(2, 20, 128)), [new Uint32Array([111, 0, 0, 0]), new Uint32Array([0xfffffeb3, 0xffffffff, 0xffffffff, 0xffffffff]), null, new Uint32Array([0xeb1f0ad2, 0xab54a98c, 0, 0])]],
  [f('list_i32', new A.List(f('item', new A.Int32()))), [[0, 1, 2], null, [3, null, 5], []]],
  [f('large_list_utf8', new A.LargeList(f('item', new A.Utf8()))), [['a', null], [], null, ['b']]],
  [f('fsl_f64', new A.FixedSizeList(2, f('item', new A.Float64()))), [[1, 2], null, [null, 4], [5, 6]]],
  [f('struct', point), [{ x: 1, label: 'a' }, null, { x: null, label: 'c' }, { x: 4, label: null }]],
  [f('list_struct', new A.List(f('item', point))), [[{ x: 1, label: 'x' }, null], null, [], [{ x: 2, label: 'y' }, { x: 3, label: 'z' }]]],
  [f('map', new A.Map_(f('entries', new A.Struct([f('key', new A.Utf8(), false), f('value', new A.Int32())]), false))),
    [new Map([['a', 1], ['b', null]]), null, new Map(), new Map([['c', 3]])]],
  [f('dict', dictType), [0, 1, null, 0]],
  [f('json', new A.Utf8(), true, { 'ARROW:extension:name': 'arrowudf.json' }), ['{"a":1}', '[]', null, 'null']],
];

// Dictionary columns share one dictionary across batches (the file format allows no replacement).
function column(type, values) {
  if (type.typeId !== A.Type.Dictionary) return A.vectorFromArray(values, type).data[0];
  const indices = A.vectorFromArray(values.map((v) => v ?? 0), new A.Int32()).data[0].values;
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => { if (v !== null) nullBitmap[i >> 3] |= 1 << (i & 7); });
  const nullCount = values.filter((v) => v === null).length;
  return A.makeData({ type, length: values.length, nullCount, nullBitmap, data: indices, dictionary: dictValues });
}

function batchOf(rows) {
  const schema = new A.Schema(columns.map(([field]) => field), new Map([['origin', 'apache-arrow-js']]));
  const children = columns.map(([field, values]) => column(field.type, rows.map((r) => values[r])));
  const struct = A.makeData({ type: new A.Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new A.RecordBatch(schema, struct);
}

function emit(name, table) {
  writeFileSync(join(dir, `${name}.arrow`), A.tableToIPC(table, 'file'));
  writeFileSync(join(dir, `${name}.arrows`), A.tableToIPC(table, 'stream'));
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(canonicalTable(table)));
}

const b1 = batchOf([0, 1, 2, 3]);
const b2 = batchOf([3, 2, 1, 0, 1]);
emit('all_types', new A.Table([b1, b2]));
emit('sliced', new A.Table([b2.slice(1, 4)]));
emit('empty', new A.Table([batchOf([])]));
