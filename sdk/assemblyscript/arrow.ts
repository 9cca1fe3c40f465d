// arrow.ts: Arrow IPC for Wasql plugins written in AssemblyScript (part of the SDK in wasql_plugin.ts).
//
// Reading: readIpc() decodes an Arrow IPC stream (or file) of flat columns, the format of
// wasql_result_get_column, into Column views over the bytes. Every flatbuffer offset, vtable, vector, field
// node, buffer range and offsets buffer is checked before a Column is handed out, so element access cannot
// read outside the data; a malformed input gives null and arrowError() says why.
//
// Writing: Int64Builder, Float64Builder, Utf8Builder and BinaryBuilder build one column and toIpc() encodes it
// as an Arrow IPC stream (Schema message, one RecordBatch message, end-of-stream marker; metadata version V5,
// flatbuffers written front to back with vtables, all buffers 8-byte aligned), the input of
// wasql_result_set_column.
//
// Flatbuffers layout reminders (format spec): a table starts with an i32 soffset to its vtable (vtable = table -
// soffset); a vtable is [u16 vtable bytes, u16 table bytes, u16 field offsets...] (0 = absent); offsets to
// tables, vectors and strings are u32 relative to where they are stored; vectors and strings start with a u32
// count; strings end with a NUL.

// ---------------------------------------------------------------------------------------------------------------
// Types

/** The column types the reader understands (the writer produces Int64, Float64, Utf8 and Binary). */
export enum ColumnType {
  Null,
  Bool,
  Int8, Int16, Int32, Int64,
  UInt8, UInt16, UInt32, UInt64,
  Float32, Float64,
  Utf8, LargeUtf8,
  Binary, LargeBinary,
}

/** The name of a column type, e.g. "int64". */
export function columnTypeName(t: ColumnType): string {
  switch (t) {
    case ColumnType.Null: return "null";
    case ColumnType.Bool: return "bool";
    case ColumnType.Int8: return "int8";
    case ColumnType.Int16: return "int16";
    case ColumnType.Int32: return "int32";
    case ColumnType.Int64: return "int64";
    case ColumnType.UInt8: return "uint8";
    case ColumnType.UInt16: return "uint16";
    case ColumnType.UInt32: return "uint32";
    case ColumnType.UInt64: return "uint64";
    case ColumnType.Float32: return "float32";
    case ColumnType.Float64: return "float64";
    case ColumnType.Utf8: return "utf8";
    case ColumnType.LargeUtf8: return "large_utf8";
    case ColumnType.Binary: return "binary";
    case ColumnType.LargeBinary: return "large_binary";
  }
  return "?";
}

// Arrow's Type union tags (Schema.fbs) and MessageHeader tags (Message.fbs).
const TAG_NULL: u8 = 1, TAG_INT: u8 = 2, TAG_FLOAT: u8 = 3, TAG_BINARY: u8 = 4, TAG_UTF8: u8 = 5, TAG_BOOL: u8 = 6,
  TAG_LARGE_BINARY: u8 = 19, TAG_LARGE_UTF8: u8 = 20;
const MSG_SCHEMA: u8 = 1, MSG_DICTIONARY: u8 = 2, MSG_RECORD_BATCH: u8 = 3;
const METADATA_V4: i16 = 3, METADATA_V5: i16 = 4;
const CONTINUATION: u32 = 0xFFFFFFFF;

function isVarWidth(t: ColumnType): bool {
  return t == ColumnType.Utf8 || t == ColumnType.LargeUtf8 || t == ColumnType.Binary || t == ColumnType.LargeBinary;
}
function isLargeVar(t: ColumnType): bool { return t == ColumnType.LargeUtf8 || t == ColumnType.LargeBinary; }

/** Bytes per value of a fixed-width type (0 for Bool, which is a bitmap, and for the others). */
function valueWidth(t: ColumnType): i32 {
  switch (t) {
    case ColumnType.Int8: case ColumnType.UInt8: return 1;
    case ColumnType.Int16: case ColumnType.UInt16: return 2;
    case ColumnType.Int32: case ColumnType.UInt32: case ColumnType.Float32: return 4;
    case ColumnType.Int64: case ColumnType.UInt64: case ColumnType.Float64: return 8;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors: the first problem found by the last readIpc() call.

let errorText: string = "";

/** Why the last readIpc() returned null ("" after a successful read). */
export function arrowError(): string { return errorText; }

function fail(message: string, at: i64): void {
  if (errorText.length == 0) errorText = "malformed Arrow IPC: " + message + " (byte " + at.toString() + ")";
}

// ---------------------------------------------------------------------------------------------------------------
// A bounds-checked flatbuffer reader. Positions are relative to `base`; `origin` is base's position in the
// IPC data (for error messages). After a failure reads return zeros/absent, and `fail` keeps the first error.

class Fb {
  constructor(public base: usize, public len: i32, public origin: i64) {}

  inRange(pos: i64, size: i64): bool { return pos >= 0 && size >= 0 && pos <= <i64>this.len - size; }

  u32At(pos: i64): u32 {
    if (!this.inRange(pos, 4)) { fail("offset outside the flatbuffer", this.origin + pos); return 0; }
    return load<u32>(this.base + <usize>pos);
  }

  /** Validates the table at pos; returns pos, or -1 when it is not a table. */
  table(pos: i64, what: string): i32 {
    if (!this.inRange(pos, 4)) { fail(what + ": table offset is outside the flatbuffer", this.origin + pos); return -1; }
    let vt = pos - <i64>load<i32>(this.base + <usize>pos);
    if (!this.inRange(vt, 4)) { fail(what + ": vtable is outside the flatbuffer", this.origin + pos); return -1; }
    let vtLen = <i32>load<u16>(this.base + <usize>vt);
    let tableLen = <i32>load<u16>(this.base + <usize>vt, 2);
    if (vtLen < 4 || (vtLen & 1) != 0 || !this.inRange(vt, vtLen)) {
      fail(what + ": invalid vtable size " + vtLen.toString(), this.origin + vt);
      return -1;
    }
    if (tableLen < 4 || !this.inRange(pos, tableLen)) {
      fail(what + ": table size " + tableLen.toString() + " runs past the flatbuffer", this.origin + pos);
      return -1;
    }
    return <i32>pos;
  }

  /** The root table (u32 offset at position 0). */
  root(what: string): i32 {
    if (this.len < 8) { fail(what + ": flatbuffer too short", this.origin); return -1; }
    return this.table(<i64>load<u32>(this.base), what);
  }

  /** Position of field `id` of table t (validated by table()), 0 when absent. */
  slot(t: i32, id: i32, size: i32): i32 {
    if (t < 0) return 0;
    let vt = t - load<i32>(this.base + <usize>t);
    let vtLen = <i32>load<u16>(this.base + <usize>vt);
    let tableLen = <i32>load<u16>(this.base + <usize>vt, 2);
    let entry = 4 + 2 * id;
    if (entry + 2 > vtLen) return 0;
    let off = <i32>load<u16>(this.base + <usize>(vt + entry));
    if (off == 0) return 0;
    if (off + size > tableLen) { fail("field " + id.toString() + " lies outside its table", this.origin + t); return 0; }
    return t + off;
  }

  u8Field(t: i32, id: i32, def: u8): u8 {
    let p = this.slot(t, id, 1);
    return p == 0 ? def : load<u8>(this.base + <usize>p);
  }
  i16Field(t: i32, id: i32, def: i16): i16 {
    let p = this.slot(t, id, 2);
    return p == 0 ? def : load<i16>(this.base + <usize>p);
  }
  i32Field(t: i32, id: i32, def: i32): i32 {
    let p = this.slot(t, id, 4);
    return p == 0 ? def : load<i32>(this.base + <usize>p);
  }
  i64Field(t: i32, id: i32, def: i64): i64 {
    let p = this.slot(t, id, 8);
    return p == 0 ? def : load<i64>(this.base + <usize>p);
  }
  has(t: i32, id: i32): bool { return this.slot(t, id, 1) != 0; }

  /** The sub-table in field id, -1 when absent (or invalid: then fail() was called). */
  tableField(t: i32, id: i32, what: string): i32 {
    let p = this.slot(t, id, 4);
    if (p == 0) return -1;
    return this.table(<i64>p + <i64>load<u32>(this.base + <usize>p), what);
  }

  /** The vector in field id: position of its u32 count, -1 when absent or invalid. */
  vectorField(t: i32, id: i32, elementSize: i32, what: string): i32 {
    let p = this.slot(t, id, 4);
    if (p == 0) return -1;
    return this.vectorAt(<i64>p + <i64>load<u32>(this.base + <usize>p), elementSize, what);
  }

  vectorAt(v: i64, elementSize: i32, what: string): i32 {
    if (!this.inRange(v, 4)) { fail(what + ": vector offset outside the flatbuffer", this.origin + v); return -1; }
    let count = <i64>load<u32>(this.base + <usize>v);
    if (!this.inRange(v + 4, count * elementSize)) {
      fail(what + ": vector of " + count.toString() + " elements runs past the flatbuffer", this.origin + v);
      return -1;
    }
    return <i32>v;
  }

  count(v: i32): i32 { return v < 0 ? 0 : <i32>load<u32>(this.base + <usize>v); }

  /** Element k of a vector of tables. */
  tableElement(v: i32, k: i32, what: string): i32 {
    let p = v + 4 + 4 * k;
    return this.table(<i64>p + <i64>load<u32>(this.base + <usize>p), what);
  }

  stringField(t: i32, id: i32, what: string): string | null {
    let p = this.slot(t, id, 4);
    if (p == 0) return null;
    let v = this.vectorAt(<i64>p + <i64>load<u32>(this.base + <usize>p), 1, what);
    if (v < 0) return null;
    return String.UTF8.decodeUnsafe(this.base + <usize>v + 4, <usize>load<u32>(this.base + <usize>v));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Columns

/** One column of a decoded record batch: a read-only view over the IPC bytes (which it keeps alive). */
export class Column {
  /** Field name from the schema. */
  name: string = "";
  type: ColumnType = ColumnType.Null;
  /** Number of values (rows). */
  length: i32 = 0;
  nullCount: i32 = 0;
  // Absolute addresses in linear memory; validity 0 means "no NULLs" (or every value NULL for the Null type).
  private validity: usize = 0;
  private values: usize = 0; // fixed-width values, the bool bitmap, or the offsets of variable-width types
  private data: usize = 0;   // variable-width value bytes
  private owner: ArrayBuffer | null = null;

  /** @internal */
  static make(name: string, type: ColumnType, length: i32, nullCount: i32, validity: usize, values: usize,
              data: usize, owner: ArrayBuffer): Column {
    let c = new Column();
    c.name = name; c.type = type; c.length = length; c.nullCount = nullCount;
    c.validity = validity; c.values = values; c.data = data; c.owner = owner;
    return c;
  }

  private check(i: i32): void {
    if (<u32>i >= <u32>this.length) throw new RangeError("Column index " + i.toString() + " out of range (length " + this.length.toString() + ")");
  }

  isNull(i: i32): bool {
    this.check(i);
    if (this.type == ColumnType.Null) return true;
    if (this.validity == 0) return false;
    return ((load<u8>(this.validity + (<usize>i >> 3)) >> (<u8>i & 7)) & 1) == 0;
  }
  isValid(i: i32): bool { return !this.isNull(i); }

  isInteger(): bool { return this.type >= ColumnType.Int8 && this.type <= ColumnType.UInt64; }
  isFloat(): bool { return this.type == ColumnType.Float32 || this.type == ColumnType.Float64; }
  isText(): bool { return this.type == ColumnType.Utf8 || this.type == ColumnType.LargeUtf8; }
  isBinary(): bool { return this.type == ColumnType.Binary || this.type == ColumnType.LargeBinary; }

  /** Integer value (int8-64, uint8-64 (uint64 wraps), bool as 0/1); 0 for NULL. Traps on other types. */
  getInt64(i: i32): i64 {
    this.check(i);
    let p = this.values;
    switch (this.type) {
      case ColumnType.Int8: return <i64>load<i8>(p + <usize>i);
      case ColumnType.UInt8: return <i64>load<u8>(p + <usize>i);
      case ColumnType.Int16: return <i64>load<i16>(p + (<usize>i << 1));
      case ColumnType.UInt16: return <i64>load<u16>(p + (<usize>i << 1));
      case ColumnType.Int32: return <i64>load<i32>(p + (<usize>i << 2));
      case ColumnType.UInt32: return <i64>load<u32>(p + (<usize>i << 2));
      case ColumnType.Int64: case ColumnType.UInt64: return load<i64>(p + (<usize>i << 3));
      case ColumnType.Bool: return this.bit(i) ? 1 : 0;
      case ColumnType.Null: return 0;
    }
    throw new TypeError("getInt64 on a " + columnTypeName(this.type) + " column");
  }

  /** Number value (floats, and integers converted); 0 for NULL. Traps on other types. */
  getFloat64(i: i32): f64 {
    this.check(i);
    if (this.type == ColumnType.Float64) return load<f64>(this.values + (<usize>i << 3));
    if (this.type == ColumnType.Float32) return <f64>load<f32>(this.values + (<usize>i << 2));
    if (this.type == ColumnType.UInt64) return <f64>load<u64>(this.values + (<usize>i << 3));
    return <f64>this.getInt64(i);
  }

  /** Bool value (bool columns; nonzero integers are true); false for NULL. */
  getBool(i: i32): bool {
    this.check(i);
    if (this.type == ColumnType.Bool) return this.bit(i);
    return this.getInt64(i) != 0;
  }

  /** Text value of a utf8 column (binary values are decoded as UTF-8 too); "" for NULL. */
  getString(i: i32): string {
    this.check(i);
    if (!isVarWidth(this.type)) throw new TypeError("getString on a " + columnTypeName(this.type) + " column");
    let start = this.start(i);
    return String.UTF8.decodeUnsafe(this.data + <usize>start, <usize>(this.start(i + 1) - start));
  }

  /** Bytes of a binary or utf8 value (a copy); empty for NULL. */
  getBytes(i: i32): Uint8Array {
    this.check(i);
    if (!isVarWidth(this.type)) throw new TypeError("getBytes on a " + columnTypeName(this.type) + " column");
    let start = this.start(i);
    let n = this.start(i + 1) - start;
    let out = new Uint8Array(n);
    memory.copy(out.dataStart, this.data + <usize>start, <usize>n);
    return out;
  }

  /** Byte length of a binary or utf8 value. */
  byteLength(i: i32): i32 {
    this.check(i);
    if (!isVarWidth(this.type)) throw new TypeError("byteLength on a " + columnTypeName(this.type) + " column");
    return this.start(i + 1) - this.start(i);
  }

  /** Any value as text, null for NULL: decimal integers, floats, true/false, text, binary as \x<hex>. */
  toText(i: i32): string | null {
    if (this.isNull(i)) return null;
    let t = this.type;
    if (t == ColumnType.Bool) return this.bit(i) ? "true" : "false";
    if (t == ColumnType.UInt64) return load<u64>(this.values + (<usize>i << 3)).toString();
    if (this.isInteger()) return this.getInt64(i).toString();
    if (this.isFloat()) return this.getFloat64(i).toString();
    if (this.isText()) return this.getString(i);
    let bytes = this.getBytes(i);
    let s = "\\x";
    for (let k = 0; k < bytes.length; k++) {
      let b = <u32>bytes[k];
      s += String.fromCharCode(hexDigit(b >> 4)) + String.fromCharCode(hexDigit(b & 15));
    }
    return s;
  }

  private bit(i: i32): bool { return ((load<u8>(this.values + (<usize>i >> 3)) >> (<u8>i & 7)) & 1) != 0; }

  // Offset of value i in the data buffer (checked at decode: 0 <= offsets monotonic <= data length).
  private start(i: i32): i32 {
    if (isLargeVar(this.type)) return <i32>load<i64>(this.values + (<usize>i << 3));
    return load<i32>(this.values + (<usize>i << 2));
  }
}

function hexDigit(n: u32): i32 { return <i32>(n < 10 ? 48 + n : 87 + n); }

// ---------------------------------------------------------------------------------------------------------------
// Reading IPC streams

class FieldInfo {
  constructor(public name: string, public type: ColumnType) {}
}

/** Decodes an Arrow IPC stream (or file) held in `data`: one Column per schema field, from the first record batch
 *  (no batch: empty columns). Flat types only, no dictionaries or compression. Returns null when the data is
 *  malformed or unsupported; arrowError() says why. */
export function readIpc(data: ArrayBuffer): Column[] | null {
  return readIpcAt(data, changetype<usize>(data), data.byteLength);
}

/** readIpc() over a Uint8Array (its bytes are kept alive by the columns). */
export function readIpcBytes(data: Uint8Array): Column[] | null {
  return readIpcAt(data.buffer, data.dataStart, data.byteLength);
}

function readIpcAt(owner: ArrayBuffer, base: usize, len: i32): Column[] | null {
  errorText = "";
  let pos: i64 = 0;
  let end: i64 = len;
  let fields: FieldInfo[] | null = null;
  let columns: Column[] | null = null;
  // The file format: "ARROW1", 2 bytes of padding, stream messages (the schema message may be missing: the
  // footer has the schema), the footer flatbuffer, its length (i32) and "ARROW1".
  let isFile = len >= 8 && load<u32>(base) == 0x4F525241 && load<u16>(base, 4) == 0x3157;
  if (isFile) {
    if (len < 8 + 10 || load<u32>(base + <usize>len - 6) != 0x4F525241 || load<u16>(base + <usize>len - 2) != 0x3157) {
      fail("Arrow file without its trailing magic", len);
      return null;
    }
    let footerLen = <i64>load<i32>(base + <usize>len - 10);
    let footerStart = <i64>len - 10 - footerLen;
    if (footerLen <= 0 || footerStart < 8) { fail("Arrow file footer length out of range", <i64>len - 10); return null; }
    let fb = new Fb(base + <usize>footerStart, <i32>footerLen, footerStart);
    let footer = fb.root("Footer");
    let schema = fb.tableField(footer, 1, "Footer.schema");
    if (errorText.length != 0) return null;
    if (schema < 0) { fail("Arrow file footer without a schema", footerStart); return null; }
    fields = readSchema(fb, schema);
    if (fields == null) return null;
    pos = 8;
    end = footerStart;
  }
  while (true) {
    if (pos == end) break; // end of data without an end-of-stream marker: accepted
    if (end - pos < 4) { fail("truncated message prefix", pos); return null; }
    let metaLen: i64;
    let prefix: i64 = 4;
    let first = load<u32>(base + <usize>pos);
    if (first == CONTINUATION) {
      if (end - pos < 8) { fail("message length missing after the continuation marker", pos); return null; }
      metaLen = <i64>load<i32>(base + <usize>pos, 4);
      prefix = 8;
    } else {
      metaLen = <i64>(<i32>first); // pre-1.0 streams: the length without a marker
    }
    if (metaLen == 0) break; // end of stream
    if (metaLen < 0) { fail("negative metadata length", pos); return null; }
    let metaStart = pos + prefix;
    if (metaLen > end - metaStart) { fail("message metadata runs past the end of the data", pos); return null; }
    let fb = new Fb(base + <usize>metaStart, <i32>metaLen, metaStart);
    let msg = fb.root("Message");
    if (msg < 0) return null;
    let version = fb.i16Field(msg, 0, 0);
    if (version < METADATA_V4 || version > METADATA_V5) {
      fail("metadata version V" + (version + 1).toString() + " is not supported (V4 or V5)", metaStart);
      return null;
    }
    let headerType = fb.u8Field(msg, 1, 0);
    let header = fb.tableField(msg, 2, "Message.header");
    let bodyLen = fb.i64Field(msg, 3, 0);
    if (errorText.length != 0) return null;
    let bodyStart = metaStart + metaLen;
    if (bodyLen < 0 || bodyLen > end - bodyStart) { fail("message body runs past the end of the data", bodyStart); return null; }
    if (header < 0) { fail("message has no header", metaStart); return null; }

    if (headerType == MSG_SCHEMA) {
      if (!isFile) {
        if (fields != null) { fail("a second schema message", pos); return null; }
        fields = readSchema(fb, header);
        if (fields == null) return null;
      } // a file's schema comes from its footer
    } else if (headerType == MSG_RECORD_BATCH) {
      if (fields == null) { fail("record batch before the schema", pos); return null; }
      if (columns != null) { fail("more than one record batch (not supported)", pos); return null; }
      columns = readBatch(fb, header, fields, owner, base + <usize>bodyStart, bodyLen, bodyStart);
      if (columns == null) return null;
    } else if (headerType == MSG_DICTIONARY) {
      fail("dictionary-encoded columns are not supported", pos);
      return null;
    } else {
      fail("unsupported message type " + headerType.toString(), pos);
      return null;
    }
    pos = bodyStart + bodyLen;
  }
  if (fields == null) { fail("no schema message", pos); return null; }
  if (columns == null) {
    // A stream without record batches: empty columns.
    let empty: Column[] = [];
    let f = fields;
    for (let k = 0; k < f.length; k++) empty.push(Column.make(f[k].name, f[k].type, 0, 0, 0, 0, 0, owner));
    return empty;
  }
  return columns;
}

function readSchema(fb: Fb, schema: i32): FieldInfo[] | null {
  if (fb.i16Field(schema, 0, 0) != 0) { fail("big-endian data is not supported", fb.origin + schema); return null; }
  let vec = fb.vectorField(schema, 1, 4, "Schema.fields");
  let result: FieldInfo[] = [];
  let n = fb.count(vec);
  for (let k = 0; k < n; k++) {
    let f = fb.tableElement(vec, k, "Schema.fields[]");
    if (f < 0) return null;
    let name = fb.stringField(f, 0, "Field.name");
    let tag = fb.u8Field(f, 2, 0);
    let typeTable = fb.tableField(f, 3, "Field.type");
    if (fb.has(f, 4)) { fail("dictionary-encoded columns are not supported", fb.origin + f); return null; }
    let children = fb.vectorField(f, 5, 4, "Field.children");
    if (errorText.length != 0) return null;
    if (fb.count(children) != 0) { fail("nested types are not supported", fb.origin + f); return null; }
    let type: ColumnType;
    if (tag == TAG_NULL) type = ColumnType.Null;
    else if (tag == TAG_BOOL) type = ColumnType.Bool;
    else if (tag == TAG_UTF8) type = ColumnType.Utf8;
    else if (tag == TAG_LARGE_UTF8) type = ColumnType.LargeUtf8;
    else if (tag == TAG_BINARY) type = ColumnType.Binary;
    else if (tag == TAG_LARGE_BINARY) type = ColumnType.LargeBinary;
    else if (tag == TAG_INT) {
      if (typeTable < 0) { fail("Int type without its table", fb.origin + f); return null; }
      let bits = fb.i32Field(typeTable, 0, 0);
      let signed = fb.u8Field(typeTable, 1, 0) != 0;
      if (bits == 8) type = signed ? ColumnType.Int8 : ColumnType.UInt8;
      else if (bits == 16) type = signed ? ColumnType.Int16 : ColumnType.UInt16;
      else if (bits == 32) type = signed ? ColumnType.Int32 : ColumnType.UInt32;
      else if (bits == 64) type = signed ? ColumnType.Int64 : ColumnType.UInt64;
      else { fail("Int bit width " + bits.toString() + " is invalid", fb.origin + typeTable); return null; }
    } else if (tag == TAG_FLOAT) {
      if (typeTable < 0) { fail("FloatingPoint type without its table", fb.origin + f); return null; }
      let precision = fb.i16Field(typeTable, 0, 0);
      if (precision == 1) type = ColumnType.Float32;
      else if (precision == 2) type = ColumnType.Float64;
      else { fail("half-precision floats are not supported", fb.origin + typeTable); return null; }
    } else {
      fail("Arrow type " + tag.toString() + " is not supported", fb.origin + f);
      return null;
    }
    result.push(new FieldInfo(name != null ? name : "", type));
  }
  if (errorText.length != 0) return null;
  return result;
}

// A buffer of the record batch body, checked against the body: sets bufPtr/bufLen (module state keeps the
// reader free of tuple allocations).
let bufPtr: usize = 0;
let bufLen: i64 = 0;

function nextBuffer(fb: Fb, buffers: i32, index: i32, body: usize, bodyLen: i64, bodyAt: i64, what: string): bool {
  if (index >= fb.count(buffers)) { fail("too few buffers for the " + what, fb.origin + buffers); return false; }
  let p = fb.base + <usize>buffers + 4 + (<usize>index << 4);
  let offset = load<i64>(p);
  let length = load<i64>(p, 8);
  if (offset < 0 || length < 0 || offset > bodyLen || length > bodyLen - offset) {
    fail(what + " buffer lies outside the message body", bodyAt + offset);
    return false;
  }
  bufPtr = body + <usize>offset;
  bufLen = length;
  return true;
}

function readBatch(fb: Fb, rb: i32, fields: FieldInfo[], owner: ArrayBuffer, body: usize, bodyLen: i64,
                   bodyAt: i64): Column[] | null {
  let nodes = fb.vectorField(rb, 1, 16, "RecordBatch.nodes");
  let buffers = fb.vectorField(rb, 2, 16, "RecordBatch.buffers");
  if (fb.has(rb, 3)) { fail("compressed bodies are not supported", fb.origin + rb); return null; }
  if (errorText.length != 0) return null;
  let columns: Column[] = [];
  let b = 0;
  for (let k = 0; k < fields.length; k++) {
    let field = fields[k];
    let type = field.type;
    if (k >= fb.count(nodes)) { fail("too few field nodes", fb.origin + nodes); return null; }
    let np = fb.base + <usize>nodes + 4 + (<usize>k << 4);
    let length = load<i64>(np);
    let nulls = load<i64>(np, 8);
    if (length < 0 || length > <i64>i32.MAX_VALUE) { fail("field length out of range", fb.origin + nodes); return null; }
    if (type == ColumnType.Null) nulls = length;
    if (nulls < 0 || nulls > length) { fail("null count out of range", fb.origin + nodes); return null; }
    let n = <i32>length;
    let validity: usize = 0;
    let values: usize = 0;
    let data: usize = 0;
    if (type != ColumnType.Null) {
      if (!nextBuffer(fb, buffers, b++, body, bodyLen, bodyAt, "validity")) return null;
      if (nulls > 0) {
        if (bufLen < ((length + 7) >> 3)) { fail("validity buffer too short", bodyAt); return null; }
        validity = bufPtr;
      }
      if (!nextBuffer(fb, buffers, b++, body, bodyLen, bodyAt, "values")) return null;
      values = bufPtr;
      if (isVarWidth(type)) {
        let large = isLargeVar(type);
        let width: i64 = large ? 8 : 4;
        let offsetsPtr = bufPtr;
        let offsetsLen = bufLen;
        if (!nextBuffer(fb, buffers, b++, body, bodyLen, bodyAt, "data")) return null;
        data = bufPtr;
        if (n == 0 && offsetsLen == 0) {
          values = ZERO_OFFSETS;
        } else {
          if (offsetsLen < (length + 1) * width) { fail("offsets buffer too short", bodyAt); return null; }
          let previous: i64 = large ? load<i64>(offsetsPtr) : <i64>load<i32>(offsetsPtr);
          if (previous < 0) { fail("negative first offset", bodyAt); return null; }
          for (let i = 1; i <= n; i++) {
            let next: i64 = large ? load<i64>(offsetsPtr + (<usize>i << 3)) : <i64>load<i32>(offsetsPtr + (<usize>i << 2));
            if (next < previous) { fail("offsets are not monotonic", bodyAt); return null; }
            previous = next;
          }
          if (previous > bufLen) { fail("last offset past the end of the data buffer", bodyAt); return null; }
        }
      } else {
        let needed: i64 = type == ColumnType.Bool ? (length + 7) >> 3 : length * <i64>valueWidth(type);
        if (bufLen < needed) { fail("values buffer too short", bodyAt); return null; }
      }
    }
    columns.push(Column.make(field.name, type, n, <i32>nulls, validity, values, data, owner));
  }
  if (fb.count(nodes) != fields.length) { fail("more field nodes than fields", fb.origin + nodes); return null; }
  if (fb.count(buffers) != b) { fail("more buffers than the fields use", fb.origin + buffers); return null; }
  return columns;
}

const ZERO_OFFSETS: usize = memory.data(8, 8);

// ---------------------------------------------------------------------------------------------------------------
// Growable bytes

/** @internal A growable byte buffer. */
export class Bytes {
  buf: ArrayBuffer;
  len: i32 = 0;

  constructor(capacity: i32 = 64) { this.buf = new ArrayBuffer(capacity < 8 ? 8 : capacity); }

  get ptr(): usize { return changetype<usize>(this.buf); }

  /** Makes room for n more bytes and returns their address (zeroed); len grows by n. */
  grow(n: i32): usize {
    let need = this.len + n;
    let cap = this.buf.byteLength;
    if (need > cap) {
      while (cap < need) cap = cap < (1 << 29) ? cap << 1 : need;
      let next = new ArrayBuffer(cap);
      memory.copy(changetype<usize>(next), changetype<usize>(this.buf), <usize>this.len);
      this.buf = next;
    }
    let p = changetype<usize>(this.buf) + <usize>this.len;
    this.len = need;
    return p;
  }

  u8(v: u32): void { store<u8>(this.grow(1), v); }
  u16(v: u32): void { store<u16>(this.grow(2), v); }
  u32(v: u32): void { store<u32>(this.grow(4), v); }
  i64(v: i64): void { store<i64>(this.grow(8), v); }
  f64(v: f64): void { store<f64>(this.grow(8), v); }
  copy(src: usize, n: i32): void { if (n > 0) memory.copy(this.grow(n), src, <usize>n); }
  /** Zero bytes until len is a multiple of `align` counted from `from`. */
  pad(align: i32, from: i32 = 0): void {
    let r = (this.len - from) & (align - 1);
    if (r != 0) this.grow(align - r);
  }
  /** A copy of the bytes written. */
  toArrayBuffer(): ArrayBuffer { return this.buf.slice(0, this.len); }
}

// ---------------------------------------------------------------------------------------------------------------
// Column builders

/** Base of the builders: counts rows and NULLs and keeps the validity bitmap. */
export class ColumnBuilder {
  /** Number of values appended. */
  length: i32 = 0;
  nullCount: i32 = 0;
  protected validity: Bytes = new Bytes(16);
  protected values: Bytes = new Bytes(64);  // fixed-width values, or i32 offsets
  protected data: Bytes | null = null;      // variable-width bytes
  protected type: ColumnType;

  constructor(type: ColumnType) {
    this.type = type;
    if (isVarWidth(type)) {
      this.data = new Bytes(256);
      this.values.u32(0); // first offset
    }
  }

  /** The Arrow type written. */
  get columnType(): ColumnType { return this.type; }

  protected mark(valid: bool): void {
    let i = this.length;
    if ((i & 7) == 0) this.validity.u8(0);
    if (valid) {
      let p = this.validity.ptr + (<usize>i >> 3);
      store<u8>(p, <u32>load<u8>(p) | (<u32>1 << <u32>(i & 7)));
    } else {
      this.nullCount++;
    }
    this.length = i + 1;
  }

  /** Appends a NULL. */
  appendNull(): void {
    if (this.data != null) this.values.u32(<u32>this.data!.len);
    else if (this.type == ColumnType.Float64) this.values.f64(0);
    else this.values.i64(0);
    this.mark(false);
  }

  protected endVar(): void {
    let d = this.data!;
    if (d.len < 0) throw new RangeError("column data over 2 GiB");
    this.values.u32(<u32>d.len);
    this.mark(true);
  }

  /** The column as an Arrow IPC stream with one field called `name` (Wasql keeps the column's own name). */
  toIpc(name: string = ""): ArrayBuffer {
    return encodeColumn(name, this.type, this.length, this.nullCount, this.validity, this.values, this.data);
  }
}

export class Int64Builder extends ColumnBuilder {
  constructor() { super(ColumnType.Int64); }
  append(v: i64): void { this.values.i64(v); this.mark(true); }
}

export class Float64Builder extends ColumnBuilder {
  constructor() { super(ColumnType.Float64); }
  append(v: f64): void { this.values.f64(v); this.mark(true); }
}

export class Utf8Builder extends ColumnBuilder {
  constructor() { super(ColumnType.Utf8); }
  /** Appends s as UTF-8 (an unpaired surrogate becomes U+FFFD). */
  append(s: string): void {
    let n = String.UTF8.byteLength(s);
    let p = this.data!.grow(n);
    String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, p, false, String.UTF8.ErrorMode.REPLACE);
    this.endVar();
  }
  /** Appends s, or NULL when s is null. */
  appendOrNull(s: string | null): void {
    if (s == null) this.appendNull(); else this.append(s);
  }
}

export class BinaryBuilder extends ColumnBuilder {
  constructor() { super(ColumnType.Binary); }
  append(bytes: Uint8Array): void {
    this.data!.copy(bytes.dataStart, bytes.byteLength);
    this.endVar();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing IPC streams: a front-to-back flatbuffer writer into the output (parents before children, so every
// u32 offset points forward; vtables sit just before their tables).

class FbSlot {
  constructor(public id: i32, public size: i32, public value: i64, public isRef: bool) {}
  pos: i32 = 0; // where it was written (relative to the flatbuffer start)
}

function scalar(id: i32, size: i32, value: i64): FbSlot { return new FbSlot(id, size, value, false); }
function ref(id: i32): FbSlot { return new FbSlot(id, 4, 0, true); }

class FbOut {
  constructor(public out: Bytes, public base: i32) {}

  get rel(): i32 { return this.out.len - this.base; }

  align(n: i32): void { this.out.pad(n, this.base); }

  /** Writes a table (vtable first) with `slots` vtable entries; returns its position. Fields are laid out
   *  largest first, so each is naturally aligned. */
  table(fields: FbSlot[], slots: i32): i32 {
    // insertion sort by size, descending (stable)
    for (let i = 1; i < fields.length; i++) {
      let f = fields[i];
      let j = i - 1;
      while (j >= 0 && fields[j].size < f.size) { fields[j + 1] = fields[j]; j--; }
      fields[j + 1] = f;
    }
    let has8 = fields.length > 0 && fields[0].size == 8;
    this.align(2);
    let vt = this.rel;
    let vtSize = 4 + 2 * slots;
    this.out.grow(vtSize);
    this.align(4);
    if (has8 && (this.rel & 7) != 4) this.out.grow(4);
    let t = this.rel;
    this.out.u32(<u32>(t - vt));
    let off = 4;
    for (let i = 0; i < fields.length; i++) {
      let f = fields[i];
      f.pos = t + off;
      let p = this.out.grow(f.size);
      if (f.size == 8) store<i64>(p, f.value);
      else if (f.size == 4) store<u32>(p, <u32>f.value);
      else if (f.size == 2) store<u16>(p, <u16>f.value);
      else store<u8>(p, <u8>f.value);
      off += f.size;
    }
    let v = this.addr(vt);
    store<u16>(v, <u16>vtSize);
    store<u16>(v, <u16>off, 2);
    for (let i = 0; i < fields.length; i++) store<u16>(v + 4 + 2 * <usize>fields[i].id, <u16>(fields[i].pos - t));
    return t;
  }

  addr(rel: i32): usize { return this.out.ptr + <usize>(this.base + rel); }

  /** Points the u32 offset at `at` to `target` (target > at). */
  patch(at: i32, target: i32): void { store<u32>(this.addr(at), <u32>(target - at)); }

  /** A vector of `count` table offsets (to patch); returns its position. */
  offsetVector(count: i32): i32 {
    this.align(4);
    let v = this.rel;
    this.out.u32(<u32>count);
    this.out.grow(4 * count);
    return v;
  }

  /** Starts a vector of 16-byte structs of longs (elements 8-aligned); the caller appends the elements. */
  structVector(count: i32): i32 {
    this.align(4);
    if ((this.rel & 7) != 4) this.out.grow(4);
    let v = this.rel;
    this.out.u32(<u32>count);
    return v;
  }

  string(s: string): i32 {
    this.align(4);
    let v = this.rel;
    let n = String.UTF8.byteLength(s);
    this.out.u32(<u32>n);
    String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, this.out.grow(n), false, String.UTF8.ErrorMode.REPLACE);
    this.out.u8(0);
    return v;
  }
}

/** Starts a framed message: continuation marker and length placeholder; returns the flatbuffer writer. */
function beginMessage(out: Bytes): FbOut {
  out.u32(CONTINUATION);
  out.u32(0);
  let fb = new FbOut(out, out.len);
  out.u32(0); // root offset
  return fb;
}

/** Writes the Message table (root) with its header offset to patch; returns the header slot. */
function messageTable(fb: FbOut, headerType: u8, bodyLength: i64): FbSlot {
  let header = ref(2);
  let t = fb.table([scalar(0, 2, METADATA_V5), scalar(1, 1, headerType), header, scalar(3, 8, bodyLength)], 4);
  store<u32>(fb.addr(0), <u32>t);
  return header;
}

/** Pads the metadata so the body starts 8-byte aligned and stores its length in the prefix. */
function endMessage(fb: FbOut): void {
  fb.align(8);
  store<i32>(fb.out.ptr + <usize>fb.base - 4, fb.rel);
}

function encodeColumn(name: string, type: ColumnType, length: i32, nullCount: i32, validity: Bytes, values: Bytes,
                      data: Bytes | null): ArrayBuffer {
  let dataLen = data != null ? data.len : 0;
  let out = new Bytes(256 + validity.len + values.len + dataLen);

  // Schema message
  let fb = beginMessage(out);
  let header = messageTable(fb, MSG_SCHEMA, 0);
  let fieldsRef = ref(1);
  let schema = fb.table([fieldsRef], 2); // endianness (0) left at its default, Little
  fb.patch(header.pos, schema);
  let fieldsVec = fb.offsetVector(1);
  fb.patch(fieldsRef.pos, fieldsVec);
  let nameRef = ref(0), typeRef = ref(3), childrenRef = ref(5);
  let tag: u8 = type == ColumnType.Int64 ? TAG_INT : type == ColumnType.Float64 ? TAG_FLOAT
    : type == ColumnType.Utf8 ? TAG_UTF8 : TAG_BINARY;
  let field = fb.table([nameRef, scalar(1, 1, 1), scalar(2, 1, tag), typeRef, childrenRef], 6);
  fb.patch(fieldsVec + 4, field);
  fb.patch(nameRef.pos, fb.string(name));
  let typeTable: i32;
  if (tag == TAG_INT) typeTable = fb.table([scalar(0, 4, 64), scalar(1, 1, 1)], 2);
  else if (tag == TAG_FLOAT) typeTable = fb.table([scalar(0, 2, 2)], 1); // DOUBLE
  else typeTable = fb.table([], 0);
  fb.patch(typeRef.pos, typeTable);
  fb.patch(childrenRef.pos, fb.offsetVector(0));
  endMessage(fb);

  // Body layout: validity (only when there are NULLs), values or offsets, data.
  let validityLen = nullCount > 0 ? (length + 7) >> 3 : 0;
  let valuesLen = values.len;
  let nbuf = data != null ? 3 : 2;
  let bodyLen = align8(validityLen) + align8(valuesLen) + align8(dataLen);

  // RecordBatch message
  fb = beginMessage(out);
  header = messageTable(fb, MSG_RECORD_BATCH, bodyLen);
  let nodesRef = ref(1), buffersRef = ref(2);
  let rb = fb.table([scalar(0, 8, length), nodesRef, buffersRef], 3);
  fb.patch(header.pos, rb);
  fb.patch(nodesRef.pos, fb.structVector(1));
  out.i64(length);
  out.i64(nullCount);
  fb.patch(buffersRef.pos, fb.structVector(nbuf));
  let offset: i64 = 0;
  out.i64(offset); out.i64(validityLen); offset += align8(validityLen);
  out.i64(offset); out.i64(valuesLen); offset += align8(valuesLen);
  if (data != null) { out.i64(offset); out.i64(dataLen); }
  endMessage(fb);

  // Body
  let bodyStart = out.len;
  out.copy(validity.ptr, validityLen); out.pad(8, bodyStart);
  out.copy(values.ptr, valuesLen); out.pad(8, bodyStart);
  if (data != null) { out.copy(data.ptr, dataLen); out.pad(8, bodyStart); }

  // End of stream
  out.u32(CONTINUATION);
  out.u32(0);
  return out.toArrayBuffer();
}

function align8(n: i64): i64 { return (n + 7) & ~7; }
