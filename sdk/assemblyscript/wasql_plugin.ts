// wasql_plugin.ts: the AssemblyScript SDK for Wasql query plugins (sdk/PLUGIN_ABI.md, version 1).
//
//   import { Context, CONTINUE, DENY, Level } from "<path>/sdk/assemblyscript/wasql_plugin";
//   export { wasql_plugin_abi_v1 } from "<path>/sdk/assemblyscript/wasql_plugin";
//
//   export function on_query(handle: i32): i32 {
//     const ctx = new Context(handle);
//     if (ctx.kind() == "DELETE" && ctx.user() != "admin") return ctx.deny("42501", "DELETE is for admins");
//     return CONTINUE;
//   }
//
// The SDK declares the `wasql` imports, runs the buffer protocol (retrying with a buffer of the size the host
// asks for), converts between AssemblyScript strings and UTF-8, and decodes/encodes result columns as Arrow IPC
// (arrow.ts). Methods that call the host leave the host's status in `ctx.status`.

import {
  Column, ColumnBuilder, readIpc, arrowError,
} from "./arrow";

export {
  Column, ColumnType, columnTypeName, ColumnBuilder, Int64Builder, Float64Builder, Utf8Builder, BinaryBuilder,
  readIpc, readIpcBytes, arrowError,
} from "./arrow";

// ---------------------------------------------------------------------------------------------------------------
// ABI constants

/** Hook results. */
export const CONTINUE: i32 = 0;
export const DENY: i32 = 1;

/** Host function statuses. */
export const OK: i32 = 0;
export const NOT_FOUND: i32 = 1;
export const BAD_ARGUMENT: i32 = 2;
export const BUFFER_TOO_SMALL: i32 = 3;
export const BAD_HANDLE: i32 = 4;
export const CAS_MISMATCH: i32 = 5;
export const NOT_ALLOWED: i32 = 6;
export const LIMIT: i32 = 7;

/** The name of a status, e.g. "NOT_FOUND". */
export function statusName(status: i32): string {
  switch (status) {
    case OK: return "OK";
    case NOT_FOUND: return "NOT_FOUND";
    case BAD_ARGUMENT: return "BAD_ARGUMENT";
    case BUFFER_TOO_SMALL: return "BUFFER_TOO_SMALL";
    case BAD_HANDLE: return "BAD_HANDLE";
    case CAS_MISMATCH: return "CAS_MISMATCH";
    case NOT_ALLOWED: return "NOT_ALLOWED";
    case LIMIT: return "LIMIT";
  }
  return "status " + status.toString();
}

/** wasql_log levels. */
export enum Level { Debug = 0, Info = 1, Warning = 2, Error = 3, Notice = 4 }

/** Shared store scopes: the plugin's own namespace, or global (shared by all plugins). */
export enum Scope { Plugin = 0, Global = 1 }

/** The ABI version marker. The plugin's entry file must export it:
 *  `export { wasql_plugin_abi_v1 } from ".../wasql_plugin";` */
export function wasql_plugin_abi_v1(): void {}

// ---------------------------------------------------------------------------------------------------------------
// Host imports

@external("wasql", "wasql_get")
declare function wasql_get(ctx: i32, keyPtr: usize, keyLen: i32, bufPtr: usize, bufCap: i32, outLenPtr: usize): i32;
@external("wasql", "wasql_deny")
declare function wasql_deny(ctx: i32, sqlstatePtr: usize, sqlstateLen: i32, msgPtr: usize, msgLen: i32): i32;
@external("wasql", "wasql_set_query")
declare function wasql_set_query(ctx: i32, ptr: usize, len: i32): i32;
@external("wasql", "wasql_log")
declare function wasql_log(ctx: i32, level: i32, ptr: usize, len: i32): i32;
@external("wasql", "wasql_result_get_column")
declare function wasql_result_get_column(ctx: i32, index: i32, bufPtr: usize, bufCap: i32, outLenPtr: usize): i32;
@external("wasql", "wasql_result_set_column")
declare function wasql_result_set_column(ctx: i32, index: i32, ptr: usize, len: i32): i32;
@external("wasql", "wasql_kv_get")
declare function wasql_kv_get(ctx: i32, scope: i32, keyPtr: usize, keyLen: i32, bufPtr: usize, bufCap: i32, outLenPtr: usize): i32;
@external("wasql", "wasql_kv_set")
declare function wasql_kv_set(ctx: i32, scope: i32, keyPtr: usize, keyLen: i32, valPtr: usize, valLen: i32, ttlMs: i64): i32;
@external("wasql", "wasql_kv_delete")
declare function wasql_kv_delete(ctx: i32, scope: i32, keyPtr: usize, keyLen: i32): i32;
@external("wasql", "wasql_kv_cas")
declare function wasql_kv_cas(ctx: i32, scope: i32, keyPtr: usize, keyLen: i32, expectedPtr: usize, expectedLen: i32,
                              newPtr: usize, newLen: i32, ttlMs: i64): i32;
@external("wasql", "wasql_kv_incr")
declare function wasql_kv_incr(ctx: i32, scope: i32, keyPtr: usize, keyLen: i32, delta: i64, ttlMs: i64, outValuePtr: usize): i32;

// ---------------------------------------------------------------------------------------------------------------
// Buffer protocol

// Static scratch: values up to SCRATCH_SIZE bytes need no allocation. Safe to share: the host never calls into
// the guest during a host call, and a plugin instance runs one hook at a time.
const SCRATCH_SIZE: i32 = 4096;
const SCRATCH: usize = memory.data(4096, 16);
const OUT: usize = memory.data(8, 8); // out_len (u32) / out_value (i64)

const OP_GET: i32 = 0, OP_KV_GET: i32 = 1, OP_COLUMN: i32 = 2;

// Result of the last fetch(): status, and on OK the bytes at fetchedPtr (in SCRATCH or in fetchedBuf).
let fetchedPtr: usize = 0;
let fetchedLen: i32 = 0;
let fetchedBuf: ArrayBuffer | null = null;

function callBuffered(op: i32, ctx: i32, arg: i32, key: ArrayBuffer | null, buf: usize, cap: i32): i32 {
  let keyPtr = changetype<usize>(key);
  let keyLen = key != null ? key.byteLength : 0;
  if (op == OP_GET) return wasql_get(ctx, keyPtr, keyLen, buf, cap, OUT);
  if (op == OP_KV_GET) return wasql_kv_get(ctx, arg, keyPtr, keyLen, buf, cap, OUT);
  return wasql_result_get_column(ctx, arg, buf, cap, OUT);
}

/** Runs one buffer-protocol call: first into the scratch area, then (BUFFER_TOO_SMALL) into a buffer of the
 *  size the host asked for, again if the value grew meanwhile. `owned`: the result must be in its own
 *  ArrayBuffer (fetchedBuf) rather than in the scratch area. */
function fetch(op: i32, ctx: i32, arg: i32, key: ArrayBuffer | null, owned: bool): i32 {
  let ptr = SCRATCH;
  let cap = SCRATCH_SIZE;
  let buf: ArrayBuffer | null = null;
  fetchedBuf = null;
  fetchedLen = 0;
  for (let attempt = 0; attempt < 16; attempt++) {
    store<u32>(OUT, 0);
    let status = callBuffered(op, ctx, arg, key, ptr, cap);
    let n = load<u32>(OUT);
    if (status == BUFFER_TOO_SMALL) {
      if (n <= <u32>cap || n > 0x3FFFFFF0) return BAD_ARGUMENT; // the host broke the protocol
      buf = new ArrayBuffer(<i32>n);
      ptr = changetype<usize>(buf);
      cap = <i32>n;
      continue;
    }
    if (status != OK) return status;
    if (n > <u32>cap) return BAD_ARGUMENT;
    if (owned && buf == null) {
      buf = new ArrayBuffer(<i32>n);
      memory.copy(changetype<usize>(buf), SCRATCH, n);
      ptr = changetype<usize>(buf);
    } else if (owned && <i32>n != cap) {
      buf = buf!.slice(0, <i32>n);
      ptr = changetype<usize>(buf);
    }
    fetchedBuf = buf;
    fetchedPtr = ptr;
    fetchedLen = <i32>n;
    return OK;
  }
  return BUFFER_TOO_SMALL;
}

/** UTF-8 bytes of s (an unpaired surrogate becomes U+FFFD, so the host always gets valid UTF-8). */
export function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s, false, String.UTF8.ErrorMode.REPLACE);
}

/** Parses a decimal integer (optional sign, ASCII digits, nothing else); `def` when s is not one. */
export function parseInteger(s: string | null, def: i64): i64 {
  if (s == null) return def;
  let n = s.length;
  let i = 0;
  let negative = false;
  if (n > 0 && (s.charCodeAt(0) == 45 || s.charCodeAt(0) == 43)) { negative = s.charCodeAt(0) == 45; i = 1; }
  if (i == n || n - i > 19) return def;
  let v: u64 = 0;
  for (; i < n; i++) {
    let c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return def;
    v = v * 10 + <u64>c;
  }
  if (negative) return v > 0x8000000000000000 ? def : <i64>(0 - v);
  return v > 0x7FFFFFFFFFFFFFFF ? def : <i64>v;
}

/** Splits "a\nb\n" into ["a", "b"] (no empty last element; "" gives []). */
export function splitLines(s: string | null): string[] {
  let result = new Array<string>();
  if (s == null || s.length == 0) return result;
  let parts = s.split("\n");
  for (let i = 0; i < parts.length; i++) {
    if (i == parts.length - 1 && parts[i].length == 0) break;
    result.push(parts[i]);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// The context of one hook call

/** One hook call: wraps the `ctx` handle the hook was given. Valid only during that call. */
export class Context {
  /** The status of the last host call made through this context (OK, NOT_FOUND, ...). */
  status: i32 = OK;

  constructor(public readonly handle: i32) {}

  // ---- statement properties (wasql_get) ----

  /** A property (see PLUGIN_ABI.md: query, kind, tables, user, database, config.<key>, result.*...), null
   *  when the host has none (NOT_FOUND) or the call failed (see `status`). */
  get(key: string): string | null {
    this.status = fetch(OP_GET, this.handle, 0, utf8(key), false);
    if (this.status != OK) return null;
    return String.UTF8.decodeUnsafe(fetchedPtr, <usize>fetchedLen);
  }

  /** A property's raw bytes, null when absent. */
  getBytes(key: string): Uint8Array | null {
    this.status = fetch(OP_GET, this.handle, 0, utf8(key), true);
    if (this.status != OK) return null;
    return Uint8Array.wrap(fetchedBuf!);
  }

  /** A property, or `def` when absent. */
  getOr(key: string, def: string): string {
    let v = this.get(key);
    return v != null ? v : def;
  }

  /** The statement text (after earlier rewrites). */
  query(): string { return this.getOr("query", ""); }
  /** The statement kind in upper case: SELECT, INSERT, UPDATE, DELETE, CREATE TABLE... */
  kind(): string { return this.getOr("kind", ""); }
  /** The session's user name. */
  user(): string { return this.getOr("user", ""); }
  /** The database the client connected to. */
  database(): string { return this.getOr("database", ""); }
  /** The tables the statement reads or writes (lower case). */
  tables(): string[] { return splitLines(this.get("tables")); }
  /** Where each result column comes from: "table.column" (lower case, seen through aliases, subqueries, CTEs and
   *  views), or "" for a computed column. One entry per result column. */
  columnOrigins(): string[] { return splitLines(this.get("column_origins")); }
  /** Every base-table column the statement reads anywhere, "table.column", one entry per reference. */
  columnsRead(): string[] { return splitLines(this.get("columns_read")); }
  /** The client's IP address, or "local". */
  clientAddress(): string { return this.getOr("client_address", ""); }
  /** The client's application_name. */
  applicationName(): string { return this.getOr("application_name", ""); }
  inTransaction(): bool { return this.get("in_transaction") == "true"; }
  /** "on_query" or "on_result". */
  hook(): string { return this.getOr("hook", ""); }
  /** The plugin's name. */
  pluginName(): string { return this.getOr("plugin", ""); }
  /** The matching filter's name. */
  filterName(): string { return this.getOr("filter", ""); }
  /** How many times the statement was rewritten so far. */
  rewrites(): i32 { return <i32>parseInteger(this.get("rewrites"), 0); }

  /** A configuration value (plugin WITH (...) merged with the filter's EXECUTE (...)), or `def`. */
  config(key: string, def: string): string { return this.getOr("config." + key, def); }
  /** A configuration value as an integer; `def` when absent or not a decimal integer. */
  configInt(key: string, def: i64): i64 { return parseInteger(this.get("config." + key), def); }
  /** A configuration value as a bool: true/on/yes/1 and false/off/no/0 (any case); `def` otherwise. */
  configBool(key: string, def: bool): bool {
    let v = this.get("config." + key);
    if (v == null) return def;
    let s = v.toLowerCase();
    if (s == "true" || s == "on" || s == "yes" || s == "1") return true;
    if (s == "false" || s == "off" || s == "no" || s == "0") return false;
    return def;
  }

  // ---- acting on the statement ----

  /** Sets the error for DENY and returns DENY, so a hook can `return ctx.deny(...)`. `sqlstate` is "" (42501)
   *  or five ASCII letters/digits; if the host refuses it, the message is kept with the default SQLSTATE. */
  deny(sqlstate: string, message: string): i32 {
    let s = utf8(sqlstate);
    let m = utf8(message);
    this.status = wasql_deny(this.handle, changetype<usize>(s), s.byteLength, changetype<usize>(m), m.byteLength);
    if (this.status == BAD_ARGUMENT && s.byteLength != 0)
      this.status = wasql_deny(this.handle, 0, 0, changetype<usize>(m), m.byteLength);
    return DENY;
  }

  /** Replaces the statement text (on_query only). True when the host took it. */
  setQuery(text: string): bool {
    let t = utf8(text);
    this.status = wasql_set_query(this.handle, changetype<usize>(t), t.byteLength);
    return this.status == OK;
  }

  /** Writes a line to the server log and SHOW PLUGIN LOG (Level.Notice also goes to the client). */
  log(level: Level, message: string): bool {
    let m = utf8(message);
    this.status = wasql_log(this.handle, <i32>level, changetype<usize>(m), m.byteLength);
    return this.status == OK;
  }
  debug(message: string): bool { return this.log(Level.Debug, message); }
  info(message: string): bool { return this.log(Level.Info, message); }
  warning(message: string): bool { return this.log(Level.Warning, message); }
  error(message: string): bool { return this.log(Level.Error, message); }
  notice(message: string): bool { return this.log(Level.Notice, message); }

  // ---- shared key/value store ----

  /** The value of key as text, null when absent (or on failure: see `status`). */
  kvGet(key: string, scope: Scope = Scope.Plugin): string | null {
    this.status = fetch(OP_KV_GET, this.handle, <i32>scope, utf8(key), false);
    if (this.status != OK) return null;
    return String.UTF8.decodeUnsafe(fetchedPtr, <usize>fetchedLen);
  }

  /** The value of key as bytes, null when absent. */
  kvGetBytes(key: string, scope: Scope = Scope.Plugin): Uint8Array | null {
    this.status = fetch(OP_KV_GET, this.handle, <i32>scope, utf8(key), true);
    if (this.status != OK) return null;
    return Uint8Array.wrap(fetchedBuf!);
  }

  /** Stores key = value (ttlMs 0: no expiry). False on failure (e.g. LIMIT): see `status`. */
  kvSet(key: string, value: string, ttlMs: i64 = 0, scope: Scope = Scope.Plugin): bool {
    return this.kvSetRaw(key, utf8(value), ttlMs, scope);
  }

  kvSetBytes(key: string, value: Uint8Array, ttlMs: i64 = 0, scope: Scope = Scope.Plugin): bool {
    let k = utf8(key);
    this.status = wasql_kv_set(this.handle, <i32>scope, changetype<usize>(k), k.byteLength, value.dataStart,
      value.byteLength, ttlMs);
    return this.status == OK;
  }

  private kvSetRaw(key: string, value: ArrayBuffer, ttlMs: i64, scope: Scope): bool {
    let k = utf8(key);
    this.status = wasql_kv_set(this.handle, <i32>scope, changetype<usize>(k), k.byteLength, changetype<usize>(value),
      value.byteLength, ttlMs);
    return this.status == OK;
  }

  /** Deletes key; true when it existed. */
  kvDelete(key: string, scope: Scope = Scope.Plugin): bool {
    let k = utf8(key);
    this.status = wasql_kv_delete(this.handle, <i32>scope, changetype<usize>(k), k.byteLength);
    return this.status == OK;
  }

  /** Compare-and-swap: stores newValue only if the current value is `expected` (null: only if absent). True when
   *  stored; otherwise `status` is CAS_MISMATCH (or another failure). */
  kvCas(key: string, expected: string | null, newValue: string, ttlMs: i64 = 0, scope: Scope = Scope.Plugin): bool {
    let k = utf8(key);
    let e = expected != null ? utf8(expected) : null;
    let v = utf8(newValue);
    let ePtr = changetype<usize>(e);
    let eLen = e != null ? e.byteLength : -1;
    this.status = wasql_kv_cas(this.handle, <i32>scope, changetype<usize>(k), k.byteLength, ePtr, eLen,
      changetype<usize>(v), v.byteLength, ttlMs);
    return this.status == OK;
  }

  /** Atomically adds delta to the key's decimal value (absent counts as 0; ttlMs applies when the key is
   *  created) and returns the new value; 0 on failure (see `status`). */
  kvIncr(key: string, delta: i64 = 1, ttlMs: i64 = 0, scope: Scope = Scope.Plugin): i64 {
    let k = utf8(key);
    store<i64>(OUT, 0);
    this.status = wasql_kv_incr(this.handle, <i32>scope, changetype<usize>(k), k.byteLength, delta, ttlMs, OUT);
    return this.status == OK ? load<i64>(OUT) : 0;
  }

  // ---- the result (on_result) ----

  /** Rows in the result, -1 when unknown. */
  rowCount(): i64 { return parseInteger(this.get("result.row_count"), -1); }
  /** Rows inserted, updated or deleted, -1 when unknown. */
  rowsAffected(): i64 { return parseInteger(this.get("result.rows_affected"), -1); }
  /** Columns in the result (0 without a row set), -1 when unknown. */
  columnCount(): i32 { return <i32>parseInteger(this.get("result.column_count"), -1); }
  /** The result's column names. */
  columnNames(): string[] { return splitLines(this.get("result.columns")); }
  /** The command tag, e.g. "SELECT 3" ("" when unknown). */
  commandTag(): string { return this.getOr("result.command_tag", ""); }
  /** True when the statement failed (on_result). */
  failed(): bool { return this.get("error.sqlstate") != null; }
  /** The failed statement's SQLSTATE, null when it succeeded. */
  errorSqlstate(): string | null { return this.get("error.sqlstate"); }
  /** The failed statement's error message, null when it succeeded. */
  errorMessage(): string | null { return this.get("error.message"); }

  /** Column `index` of the result as the host's Arrow IPC stream (index -1: the whole result), null when there
   *  is no such column or no row set (see `status`). */
  getColumnIpc(index: i32): ArrayBuffer | null {
    this.status = fetch(OP_COLUMN, this.handle, index, null, true);
    if (this.status != OK) return null;
    return fetchedBuf;
  }

  /** Column `index` of the result, decoded. Null when absent (status NOT_FOUND) or when the Arrow data cannot be
   *  decoded (status BAD_ARGUMENT, arrowError() says why). */
  getColumn(index: i32): Column | null {
    let ipc = this.getColumnIpc(index);
    if (ipc == null) return null;
    let columns = readIpc(ipc);
    if (columns == null || columns.length != 1) {
      this.status = BAD_ARGUMENT;
      return null;
    }
    return columns[0];
  }

  /** The whole result (every column), decoded; null when there is no row set or on failure. */
  getColumns(): Column[] | null {
    let ipc = this.getColumnIpc(-1);
    if (ipc == null) return null;
    let columns = readIpc(ipc);
    if (columns == null) this.status = BAD_ARGUMENT;
    return columns;
  }

  /** Replaces column `index` with the builder's values (exactly rowCount() of them). True when the host took it. */
  setColumn(index: i32, column: ColumnBuilder): bool {
    return this.setColumnIpc(index, column.toIpc(""));
  }

  /** Replaces column `index` with the single column of an Arrow IPC stream or file. */
  setColumnIpc(index: i32, ipc: ArrayBuffer): bool {
    this.status = wasql_result_set_column(this.handle, index, changetype<usize>(ipc), ipc.byteLength);
    return this.status == OK;
  }
}
